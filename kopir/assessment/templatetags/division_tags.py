"""Template helpers for the division's pages: a deadline as text and tag, choice labels."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kopir.assessment.models import AppealFiledBy, Category, Cause, Outcome, Term
from kopir.assessment.workflow import DeadlineState

register = template.Library()

_CHOICES: dict[str, Any] = {
    "outcome": Outcome,
    "category": Category,
    "cause": Cause,
    "term": Term,
    "filed_by": AppealFiledBy,
}


@register.inclusion_tag("assessment/division/_deadline.html")
def deadline(state: DeadlineState | None) -> dict[str, str]:
    """The deadline in words, so the state never depends on the tag's colour alone."""
    if state is None or state.due_on is None:
        return {"tag": "", "text": _("No deadline")}
    day = date_format(state.due_on, "SHORT_DATE_FORMAT")
    if state.code == "overdue":
        return {"tag": "bad", "text": _("Overdue: was due %(date)s") % {"date": day}}
    if state.code == "at_risk":
        return {"tag": "warn", "text": _("Due soon: %(date)s") % {"date": day}}
    return {"tag": "ok", "text": _("Due %(date)s") % {"date": day}}


@register.filter
def review_label(value: str, kind: str) -> str:
    """The label of a stored choice (e.g. a dissenting conclusion's group kept as a code)."""
    choices = _CHOICES.get(kind)
    if not value or choices is None:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


@register.inclusion_tag("assessment/division/_division_nav.html", takes_context=True)
def division_nav(context: dict[str, Any], section: str) -> dict[str, Any]:
    """The MSE work pages this user has: the queue, their reviews, the appeals to review."""
    # Who sees which tab is decided in access.py, the same functions the menu and the views ask.
    from kopir.assessment.access import (
        is_appeal_reviewer,
        works_division_queue,
        works_expert_reviews,
    )

    user = context["request"].user
    return {
        "section": section,
        "show_queue": works_division_queue(user),
        "show_reviews": works_expert_reviews(user),
        "show_appeals": is_appeal_reviewer(user),
    }
