"""The rules of recommendations in one place: which state may follow which (the workflow the
services in recommendations.py move a recommendation through), and the deadlines a rule set gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.core.transitions import Edge, Move, Workflow
from kopir.core.working_days import add_working_days
from kopir.council.models import (
    Recommendation,
    RecommendationEvent,
    RecommendationEventKind,
    RecommendationRuleSet,
)
from kopir.council.models import RecommendationStatus as S

# Which state may follow which. The final three are reached only through an accepted answer.
TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    S.DRAFT: frozenset({S.SENT}),
    S.SENT: frozenset({S.ACKNOWLEDGED, S.IN_PROGRESS, S.EXECUTED, S.PARTLY_EXECUTED, S.REJECTED}),
    S.ACKNOWLEDGED: frozenset({S.IN_PROGRESS, S.EXECUTED, S.PARTLY_EXECUTED, S.REJECTED}),
    S.IN_PROGRESS: frozenset({S.EXECUTED, S.PARTLY_EXECUTED, S.REJECTED}),
    # Partly executed is a result, but the body may finish the work later; a second accepted
    # answer then completes it.
    S.PARTLY_EXECUTED: frozenset({S.EXECUTED}),
    S.EXECUTED: frozenset(),
    S.REJECTED: frozenset(),
}
NEEDS_ACCEPTANCE: Final = frozenset({S.EXECUTED, S.PARTLY_EXECUTED, S.REJECTED})
FINAL_STATUSES: Final = (S.EXECUTED, S.PARTLY_EXECUTED, S.REJECTED)
AWAITING_ANSWER: Final = (S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS)
ANSWERABLE: Final = (S.SENT, S.ACKNOWLEDGED, S.IN_PROGRESS, S.PARTLY_EXECUTED)
REPORTABLE: Final = (S.IN_PROGRESS, S.EXECUTED, S.PARTLY_EXECUTED, S.REJECTED)


def _accepted_answer(*, actor: Any, record: Any, context: Mapping[str, Any]) -> bool:
    return context.get("accepted_response") is not None


def _needs_acceptance(target: str) -> str:
    return _("Only the council's acceptance of an answer can make a recommendation “%(to)s”.") % {
        "to": S(target).label
    }


def _edge(source: str, target: str) -> Edge:
    if target not in NEEDS_ACCEPTANCE:
        return Edge(source, target)
    # Lazy: the message is put together in the language of the request that is refused.
    return Edge(source, target, _accepted_answer, lazy(_needs_acceptance, str)(target))


def _write_event(move: Move) -> None:
    kinds = {
        S.SENT: RecommendationEventKind.SENT,
        S.ACKNOWLEDGED: RecommendationEventKind.ACKNOWLEDGED,
    }
    RecommendationEvent.objects.create(
        **move.event_columns("recommendation"),
        kind=kinds.get(move.target, RecommendationEventKind.STATUS),  # type: ignore[call-overload]
        response=move.context.get("accepted_response"),
    )


RECOMMENDATION_WORKFLOW: Final = Workflow(
    name="council.recommendation",
    model=Recommendation,
    edges=tuple(
        _edge(source, target) for source, targets in TRANSITIONS.items() for target in targets
    ),
    write_event=_write_event,
    event_model=RecommendationEvent,
    refusal=gettext_lazy("A recommendation cannot go from “%(from)s” to “%(to)s”."),
    conflict=gettext_lazy(
        "Someone else changed this recommendation after you opened it. Nothing was "
        "saved; check the latest state and try again."
    ),
)


@dataclass(frozen=True)
class Deadlines:
    send_due_on: dt.date | None
    answer_due_on: dt.date | None


def recommendation_deadlines(
    rule_set: RecommendationRuleSet, meeting_date: dt.date | None, sent_on: dt.date | None
) -> Deadlines:
    """The due dates a rule set gives. The one place deadlines are computed.

    Statutory public control (Law No. 30-VIII, Art. 13): the final document goes out within
    `send_within_working_days` working days of the meeting (or visit), and the body answers within
    `answer_within_working_days` working days of receipt. A party council has no statutory
    deadline; its own rule counts calendar days (or working days, when set) from sending. A due
    date that falls on a day off moves to the next working day, as legal deadlines do.
    """
    send_due = None
    if meeting_date is not None and rule_set.send_within_working_days is not None:
        send_due = add_working_days(meeting_date, rule_set.send_within_working_days)
    answer_due = None
    if sent_on is not None:
        if rule_set.answer_within_working_days is not None:
            answer_due = add_working_days(sent_on, rule_set.answer_within_working_days)
        elif rule_set.answer_within_calendar_days is not None:
            answer_due = add_working_days(
                sent_on + dt.timedelta(days=rule_set.answer_within_calendar_days), 0
            )
    return Deadlines(send_due_on=send_due, answer_due_on=answer_due)


def source_date(recommendation: Recommendation) -> dt.date | None:
    """The day the control ended: the meeting that decided, or the visit that found."""
    if recommendation.decision_id:
        starts = recommendation.decision.agenda_item.meeting.starts_at  # type: ignore[union-attr]
        return timezone.localdate(starts)
    if recommendation.visit_id:
        return recommendation.visit.visited_on  # type: ignore[union-attr]
    return None
