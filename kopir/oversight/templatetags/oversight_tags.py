"""Formatting of published figures: shares as percentages, days and ratios with one decimal."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from kopir.oversight.disclosure import TOO_FEW

register = template.Library()


@register.filter
def percent(share: float | None) -> str:
    if share is None:
        return str(TOO_FEW)
    return _("%(number)s%%") % {"number": number_format(round(share * 100), 0)}


@register.filter
def decimal(number: float | None) -> str:
    if number is None:
        return str(TOO_FEW)
    return number_format(round(number, 1), 1)


@register.filter
def answered_in_time(row: Any) -> str:
    """A recommendations row's answers within the due date with their share, or "none due yet"
    where no answer was due by today: recommendations count no person, so nothing is hidden
    there, and "too few to show" would say that something was."""
    if not row.answer_due:
        return _("none due yet")
    share = percent(row.answered_in_time_share)
    return f"{number_format(row.answered_in_time)} ({share})"
