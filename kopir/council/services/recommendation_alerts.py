"""Notices about recommendations: to the addressee when one is sent, to the council when an answer
arrives, back to the addressee with the verdict (a rejected answer says why, and by when a new
one is due); reminders before the answer is due and an escalation after it, each at most once.

Every message is a notice in the outbox (kopir.notices), queued in the transaction of the change
it reports: it goes to the organisation's contact address in the language the organisation chose,
is retried by the notices' worker when the mail server fails, and an organisation without a
contact address gets a notice recorded as not delivered. The texts carry no personal data: the
number, the council, the text and the dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited
from kopir.council.models import (
    Recommendation,
    RecommendationEvent,
    RecommendationEventKind,
    RecommendationResponse,
    RecommendationStatus,
)
from kopir.council.notice_topics import (
    RECOMMENDATION_ANSWERED,
    RECOMMENDATION_ESCALATION,
    RECOMMENDATION_REMINDER,
    RECOMMENDATION_SENT,
    RECOMMENDATION_VERDICT,
)
from kopir.directory.models import Organisation
from kopir.notices.models import Notice
from kopir.notices.services import notice_queue, organisation_recipient
from kopir.notices.topics import NoticeTopic

AWAITING_ANSWER = (
    RecommendationStatus.SENT,
    RecommendationStatus.ACKNOWLEDGED,
    RecommendationStatus.IN_PROGRESS,
)


def _queue(
    topic: NoticeTopic,
    organisation: Organisation,
    recommendation: Recommendation,
    *,
    context: dict[str, Any] | None = None,
    actor: Any = None,
    request: HttpRequest | None = None,
) -> Notice:
    return notice_queue(
        recipient=organisation_recipient(organisation),
        template=topic.template,
        context={"recommendation": recommendation, **(context or {})},
        topic=topic.key,
        related=recommendation,
        # The council's staff may follow what Kopir told the agencies on its behalf.
        concerns=recommendation.council.organisation,
        actor=actor,
        request=request,
    )


def notify_sent(
    recommendation: Recommendation, *, actor: Any, request: HttpRequest | None = None
) -> Notice:
    """Tell the addressee a recommendation was sent. Call inside the sending transaction."""
    return _queue(
        RECOMMENDATION_SENT, recommendation.addressee, recommendation, actor=actor, request=request
    )


def notify_answered(
    response: RecommendationResponse, *, actor: Any, request: HttpRequest | None = None
) -> Notice:
    """Tell the council an answer arrived. Call inside the answering transaction."""
    recommendation = response.recommendation
    return _queue(
        RECOMMENDATION_ANSWERED,
        recommendation.council.organisation,
        recommendation,
        context={"response": response},
        actor=actor,
        request=request,
    )


def notify_verdict(
    response: RecommendationResponse,
    *,
    redo_due_on: dt.date | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> Notice:
    """Tell the addressee whether the council accepted its answer, and why not if it did not;
    with `redo_due_on`, the date by which the answer the council did not accept is owed again."""
    recommendation = response.recommendation
    return _queue(
        RECOMMENDATION_VERDICT,
        recommendation.addressee,
        recommendation,
        context={"response": response, "redo_due_on": redo_due_on},
        actor=actor,
        request=request,
    )


@dataclass
class DeadlineRun:
    reminded: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{len(self.reminded)} reminded, {len(self.escalated)} escalated"


def _claim(recommendation: Recommendation, flag: str, today: dt.date) -> bool:
    """Set the once-only flag; False when another run already set it (it then sends nothing)."""
    claimed = Recommendation.objects.filter(
        pk=recommendation.pk, **{f"{flag}__isnull": True}
    ).update(**{flag: today})
    return claimed == 1


# What the audit record says the task did, by the flag it set.
_AUDIT_DETAIL = {"reminded_on": "answer reminder", "escalated_on": "answer overdue: escalated"}


def _log(recommendation: Recommendation, flag: str, kind: str, *, note: str = "") -> None:
    """The timeline event and the audit record of the reminder or escalation the task sent."""
    RecommendationEvent.objects.create(recommendation=recommendation, kind=kind, note=note)
    audited(
        recommendation,
        AuditAction.UPDATE,
        [flag],
        actor=None,
        channel=AuditChannel.TASK,
        detail=_AUDIT_DETAIL[flag],
    )


def _unanswered() -> Any:
    return Recommendation.objects.filter(
        status__in=AWAITING_ANSWER, answered_on__isnull=True, answer_due_on__isnull=False
    ).select_related("council__organisation", "addressee__parent", "rule_set")


def recommendations_check_deadlines(*, today: dt.date | None = None) -> DeadlineRun:
    """Remind addressees before the answer is due, and escalate once it is overdue.

    Each recommendation is reminded at most once and escalated at most once: the flag is claimed
    with a conditional update in the same transaction that queues the notice, so a second worker
    running at the same time finds the flag taken and queues nothing. Delivery is the outbox's
    business: a mail server that is down delays the notice, it does not lose it.
    """
    today = today or timezone.localdate()
    run = DeadlineRun()
    for recommendation in _unanswered().filter(reminded_on__isnull=True, answer_due_on__gte=today):
        remind_from = recommendation.answer_due_on - dt.timedelta(
            days=recommendation.rule_set.remind_days_before
        )
        if today < remind_from:
            continue
        with transaction.atomic():
            if not _claim(recommendation, "reminded_on", today):
                continue
            notice = _queue(RECOMMENDATION_REMINDER, recommendation.addressee, recommendation)
            note = "" if notice.channel else "no e-mail address on record"
            _log(recommendation, "reminded_on", RecommendationEventKind.REMINDED, note=note)
        run.reminded.append(recommendation.number)
    overdue = _unanswered().filter(escalated_on__isnull=True, answer_due_on__lt=today)
    for recommendation in overdue:
        with transaction.atomic():
            if not _claim(recommendation, "escalated_on", today):
                continue
            # The council, and the body the addressee reports to, when it has one in Kopir.
            for organisation in (
                recommendation.council.organisation,
                recommendation.addressee.parent,
            ):
                if organisation is not None:
                    _queue(RECOMMENDATION_ESCALATION, organisation, recommendation)
            _log(recommendation, "escalated_on", RecommendationEventKind.ESCALATED)
        run.escalated.append(recommendation.number)
    return run


def overdue_filter(today: dt.date) -> Q:
    """Recommendations late today: not sent by the send date, or not answered by the due date."""
    return Q(status=RecommendationStatus.DRAFT, send_due_on__lt=today) | Q(
        status__in=AWAITING_ANSWER, answered_on__isnull=True, answer_due_on__lt=today
    )
