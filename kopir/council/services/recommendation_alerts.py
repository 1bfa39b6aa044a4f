"""Messages about recommendations: to the addressee when one is sent, to the council when an answer
arrives, back to the addressee with the verdict; reminders before the answer is due and an
escalation after it, each at most once.

E-mails go to the organisation's own address, or, when it has none, to its staff who answer
recommendations. They are written in Kazakh and Russian (organisations have no preferred
language) and carry no personal data: the number, the council, the text and the dates.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kopir.accounts.models import Role, User
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record
from kopir.council.models import (
    Council,
    Recommendation,
    RecommendationEvent,
    RecommendationEventKind,
    RecommendationResponse,
    RecommendationStatus,
)
from kopir.directory.models import Organisation

logger = logging.getLogger(__name__)

AWAITING_ANSWER = (
    RecommendationStatus.SENT,
    RecommendationStatus.ACKNOWLEDGED,
    RecommendationStatus.IN_PROGRESS,
)
MESSAGE_LANGUAGES = ("kk", "ru")


def _staff_emails(organisation: Organisation, role: str) -> list[str]:
    return sorted(
        set(
            User.objects.filter(
                organisation=organisation, is_active=True, role_assignments__role=role
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def organisation_recipients(organisation: Organisation | None) -> list[str]:
    if organisation is None:
        return []
    if organisation.email:
        return [organisation.email]
    return _staff_emails(organisation, Role.AGENCY_OFFICER)


def council_recipients(council: Council) -> list[str]:
    recipients = _staff_emails(council.organisation, Role.COUNCIL_SECRETARY)
    if council.organisation.email:
        recipients.append(council.organisation.email)
    return sorted(set(recipients))


def _render(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and text in both state languages, Kazakh first."""
    subjects, bodies = [], []
    for lang in MESSAGE_LANGUAGES:
        with translation.override(lang):
            subjects.append(
                render_to_string(f"council/followup/email/{name}_subject.txt", context).strip()
            )
            bodies.append(render_to_string(f"council/followup/email/{name}.txt", context).strip())
    return " / ".join(dict.fromkeys(subjects)), "\n\n— — —\n\n".join(bodies) + "\n"


def _send(name: str, recipients: list[str], context: dict[str, Any]) -> int:
    if not recipients:
        return 0
    subject, body = _render(name, context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def _quietly(name: str, recipients: list[str], context: dict[str, Any], pk: int) -> None:
    # Called after the change committed: a mail server that is down must not turn a saved answer
    # into an error page. The timeline shows the change whatever happens to the message.
    try:
        _send(name, recipients, context)
    except Exception:
        logger.exception("could not send %s message for recommendation %s", name, pk)


def _loaded(pk: int) -> Recommendation:
    return Recommendation.objects.select_related(
        "council__organisation", "addressee__parent", "rule_set"
    ).get(pk=pk)


def notify_sent(recommendation_id: int) -> None:
    recommendation = _loaded(recommendation_id)
    _quietly(
        "sent",
        organisation_recipients(recommendation.addressee),
        {"recommendation": recommendation},
        recommendation.pk,
    )


def notify_answered(response_id: int) -> None:
    response = RecommendationResponse.objects.get(pk=response_id)
    recommendation = _loaded(response.recommendation_id)
    _quietly(
        "answered",
        council_recipients(recommendation.council),
        {"recommendation": recommendation, "response": response},
        recommendation.pk,
    )


def notify_verdict(response_id: int) -> None:
    response = RecommendationResponse.objects.get(pk=response_id)
    recommendation = _loaded(response.recommendation_id)
    _quietly(
        "verdict",
        organisation_recipients(recommendation.addressee),
        {"recommendation": recommendation, "response": response},
        recommendation.pk,
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


def _unanswered() -> Any:
    return Recommendation.objects.filter(
        status__in=AWAITING_ANSWER, answered_on__isnull=True, answer_due_on__isnull=False
    ).select_related("council__organisation", "addressee__parent", "rule_set")


def recommendations_check_deadlines(*, today: dt.date | None = None) -> DeadlineRun:
    """Remind addressees before the answer is due, and escalate once it is overdue.

    Each recommendation is reminded at most once and escalated at most once: the flag is claimed
    with a conditional update in the same transaction that sends the message. If sending fails,
    the transaction rolls back and the next run tries again; a second worker running at the same
    time finds the flag taken and sends nothing.
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
            recipients = organisation_recipients(recommendation.addressee)
            _send("reminder", recipients, {"recommendation": recommendation})
            RecommendationEvent.objects.create(
                recommendation=recommendation,
                kind=RecommendationEventKind.REMINDED,
                note="" if recipients else "no e-mail address on record",
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                target=recommendation,
                channel=AuditChannel.TASK,
                fields=["reminded_on"],
                detail="answer reminder",
            )
        run.reminded.append(recommendation.number)
    overdue = _unanswered().filter(escalated_on__isnull=True, answer_due_on__lt=today)
    for recommendation in overdue:
        with transaction.atomic():
            if not _claim(recommendation, "escalated_on", today):
                continue
            recipients = council_recipients(recommendation.council) + organisation_recipients(
                recommendation.addressee.parent
            )
            _send("escalation", sorted(set(recipients)), {"recommendation": recommendation})
            RecommendationEvent.objects.create(
                recommendation=recommendation, kind=RecommendationEventKind.ESCALATED
            )
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                target=recommendation,
                channel=AuditChannel.TASK,
                fields=["escalated_on"],
                detail="answer overdue: escalated",
            )
        run.escalated.append(recommendation.number)
    return run


def overdue_filter(today: dt.date) -> Q:
    """Recommendations late today: not sent by the send date, or not answered by the due date."""
    return Q(status=RecommendationStatus.DRAFT, send_due_on__lt=today) | Q(
        status__in=AWAITING_ANSWER, answered_on__isnull=True, answer_due_on__lt=today
    )
