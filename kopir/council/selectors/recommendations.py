"""Reading recommendations: the council's register, the addressee's inbox, one timeline, and the
due state every page shows in words (due / at risk / overdue), never by colour alone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kopir.core.selectors import matching
from kopir.council.models import (
    Council,
    Decision,
    Letter,
    MonitoringVisit,
    Recommendation,
    RecommendationEvent,
    RecommendationResponse,
    RecommendationStatus,
    ResponseVerdict,
)
from kopir.council.services.recommendation_alerts import AWAITING_ANSWER, overdue_filter
from kopir.directory.models import Organisation, OrganisationKind

FINAL = (
    RecommendationStatus.EXECUTED,
    RecommendationStatus.PARTLY_EXECUTED,
    RecommendationStatus.REJECTED,
)


@dataclass(frozen=True)
class DueState:
    code: str  # draft, send_overdue, closed, answered, no_deadline, on_track, at_risk, overdue
    text: str
    tag: str  # the tag's modifier: "ok", "warn", "bad" or "" (the text says it all)

    @property
    def is_late(self) -> bool:
        return self.code in ("overdue", "send_overdue")


def _day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def due_state(recommendation: Recommendation, today: dt.date | None = None) -> DueState:
    today = today or timezone.localdate()
    status = recommendation.status
    if status == RecommendationStatus.DRAFT:
        due = recommendation.send_due_on
        if due is None:
            return DueState("draft", _("Not sent yet"), "")
        if due < today:
            return DueState(
                "send_overdue",
                _("Overdue: was to be sent by %(date)s") % {"date": _day(due)},
                "bad",
            )
        return DueState("draft", _("To be sent by %(date)s") % {"date": _day(due)}, "warn")
    if status in FINAL:
        closed = recommendation.closed_on
        text = _("Closed on %(date)s") % {"date": _day(closed)} if closed else _("Closed")
        return DueState("closed", text, "ok")
    if recommendation.answered_on is not None:
        return DueState(
            "answered",
            _("Answered on %(date)s") % {"date": _day(recommendation.answered_on)},
            "ok",
        )
    due = recommendation.answer_due_on
    if due is None:
        return DueState("no_deadline", _("No deadline for the answer"), "")
    days = (due - today).days
    if days < 0:
        late = -days
        text = ngettext(
            "Overdue: the answer was due on %(date)s, %(days)s day ago",
            "Overdue: the answer was due on %(date)s, %(days)s days ago",
            late,
        ) % {"date": _day(due), "days": late}
        return DueState("overdue", text, "bad")
    if days <= recommendation.rule_set.remind_days_before:
        if days == 0:
            text = _("At risk: the answer is due today, %(date)s") % {"date": _day(due)}
        else:
            text = ngettext(
                "At risk: the answer is due on %(date)s, in %(days)s day",
                "At risk: the answer is due on %(date)s, in %(days)s days",
                days,
            ) % {"date": _day(due), "days": days}
        return DueState("at_risk", text, "warn")
    return DueState("on_track", _("Answer due on %(date)s") % {"date": _day(due)}, "")


def with_due_states(recommendations: Any, today: dt.date | None = None) -> list[Recommendation]:
    today = today or timezone.localdate()
    rows = list(recommendations)
    for recommendation in rows:
        recommendation.due = due_state(recommendation, today)
    return rows


def _base() -> QuerySet[Recommendation]:
    return Recommendation.objects.select_related("addressee", "rule_set", "council")


def recommendation_list(
    council: Council,
    *,
    status: str = "",
    addressee: Organisation | None = None,
    overdue: bool = False,
    awaiting_verdict: bool = False,
    today: dt.date | None = None,
) -> QuerySet[Recommendation]:
    today = today or timezone.localdate()
    rows = _base().filter(council=council)
    if awaiting_verdict:
        # Answered, and an answer waits for the council to accept it or not.
        rows = rows.filter(
            Exists(
                RecommendationResponse.objects.filter(
                    recommendation=OuterRef("pk"), verdict=ResponseVerdict.PENDING
                )
            )
        )
    rows = matching(rows, status=status, addressee=addressee)
    if overdue:
        rows = rows.filter(overdue_filter(today))
    return rows.order_by("-pk")


def addressees_of(council: Council) -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(council_recommendations__council=council)
        .distinct()
        .order_by("name_kk")
    )


# The kinds of organisation a council never addresses: another council, an association.
NOT_ADDRESSED = (OrganisationKind.PUBLIC_COUNCIL, OrganisationKind.NGO)


def addressee_choices(council: Council) -> QuerySet[Organisation]:
    """Who a council may address: executive bodies, their units and Parliament — not itself,
    another council or an association."""
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(pk=council.organisation_id)
        .exclude(kind__in=NOT_ADDRESSED)
        .order_by("name_kk")
    )


def inbox_list(user: Any, *, open_only: bool = False) -> QuerySet[Recommendation]:
    rows = (
        _base()
        .select_related("council__organisation")
        .filter(addressee_id=user.organisation_id)
        .exclude(status=RecommendationStatus.DRAFT)
        # The council's verdict on the latest answer: a status alone ("acknowledged") hides that
        # the council sent the answer back.
        .annotate(
            last_verdict=Subquery(
                RecommendationResponse.objects.filter(recommendation=OuterRef("pk"))
                .order_by("-submitted_at", "-pk")
                .values("verdict")[:1]
            )
        )
    )
    if open_only:
        rows = rows.filter(status__in=(*AWAITING_ANSWER, RecommendationStatus.PARTLY_EXECUTED))
    return rows.order_by("answer_due_on", "-pk")


def responses_of(recommendation: Recommendation) -> list[RecommendationResponse]:
    return list(
        recommendation.responses.select_related("author", "verdict_by").order_by("-submitted_at")
    )


def response_of(recommendation: Recommendation, pk: int) -> RecommendationResponse:
    """One of the answers to the recommendation, with its author, or 404."""
    return get_object_or_404(recommendation.responses.select_related("author"), pk=pk)


def letters_about(recommendation: Recommendation) -> list[Letter]:
    return list(recommendation.letters.select_related("addressee"))


def sources_in_council(council: Council, *, decision: str, visit: str) -> dict[str, int]:
    """Of the decision and visit ids given (as typed in an address), those of this council."""
    found: dict[str, int] = {}
    if (
        decision.isdigit()
        and Decision.objects.filter(pk=decision, agenda_item__meeting__council=council).exists()
    ):
        found["decision"] = int(decision)
    if visit.isdigit() and MonitoringVisit.objects.filter(pk=visit, council=council).exists():
        found["visit"] = int(visit)
    return found


def timeline_of(recommendation: Recommendation) -> list[RecommendationEvent]:
    return list(recommendation.events.select_related("actor", "response").order_by("at", "pk"))


def pending_responses(recommendation: Recommendation) -> list[RecommendationResponse]:
    return [r for r in responses_of(recommendation) if r.verdict == "pending"]


def accepted_responses_prefetch() -> Prefetch:
    return Prefetch(
        "responses",
        queryset=RecommendationResponse.objects.filter(verdict="accepted").order_by("submitted_at"),
        to_attr="accepted_responses",
    )
