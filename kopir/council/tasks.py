"""Background tasks of the council: meeting reminders, petition notices, the daily deadline check.

Tasks take record ids, never names or addresses: the task queue is stored in the database and
must not become another copy of personal data. Each task reads what it needs when it runs, and
logs ids only. The messages themselves are notices (kopir.notices): the task writes the notice to
the outbox, and the outbox's worker delivers it, retrying when the mail server fails.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from kopir.council.models import Petition
from kopir.council.notice_topics import (
    PETITION_ANSWERED,
    PETITION_PUBLISHED,
    PETITION_REGISTERED,
)
from kopir.council.services.invitations import meeting_reminders_send
from kopir.council.services.recommendation_alerts import recommendations_check_deadlines
from kopir.council.services.staff_alerts import recommendations_notify_due
from kopir.notices.services import (
    Recipient,
    contact_recipient,
    notice_queue,
)
from kopir.notices.topics import NoticeTopic

logger = logging.getLogger(__name__)


def _queue(
    topic: NoticeTopic,
    recipient: Recipient,
    context: dict[str, Any],
    *,
    related: Any,
    concerns: Any,
) -> bool:
    """Write the notice; True when it has an address to go to (else it is kept as undelivered)."""
    with transaction.atomic():
        notice = notice_queue(
            recipient=recipient,
            template=topic.template,
            context=context,
            topic=topic.key,
            related=related,
            concerns=concerns,
        )
    return bool(notice.channel)


@task()
def send_meeting_reminders() -> int:
    """Remind the invitees of tomorrow's meetings, each once (services/invitations.py)."""
    reminded = meeting_reminders_send()
    logger.info("meeting reminders queued: %d", reminded)
    return reminded


def _tell_petitioner(topic: NoticeTopic, petition_id: int) -> int:
    """Queue the notice of `topic` to the petitioner, in the language they wrote in: by e-mail, or by
    SMS (the short text) when they left only a phone number."""
    petition = Petition.objects.select_related("council__organisation").get(pk=petition_id)
    if not (petition.contact_email or petition.contact_phone):
        return 0
    queued = _queue(
        topic,
        contact_recipient(
            email=petition.contact_email,
            phone=petition.contact_phone,
            language=petition.contact_language,
        ),
        {"petition": petition, "council": petition.council},
        related=petition,
        concerns=petition.council.organisation,
    )
    logger.info("%s queued for petition %s", topic.key, petition_id)
    return int(queued)


@task()
def send_petition_acknowledgement(petition_id: int) -> int:
    """Tell the petitioner the registration number and the date the answer is due."""
    return _tell_petitioner(PETITION_REGISTERED, petition_id)


@task()
def send_petition_answer(petition_id: int) -> int:
    """Send the council's answer to the petitioner."""
    return _tell_petitioner(PETITION_ANSWERED, petition_id)


@task()
def send_petition_published(petition_id: int) -> int:
    """Tell the petitioner what the council's public page now shows about their petition."""
    return _tell_petitioner(PETITION_PUBLISHED, petition_id)


@task()
def check_recommendation_deadlines() -> str:
    """Remind addressees before an answer is due and escalate once it is overdue (each once)."""
    run = recommendations_check_deadlines()
    # Numbers of recommendations are not personal data; they let an operator trace a message.
    logger.info("recommendation deadlines: %s", run)
    return str(run)


@task()
def notify_recommendations_due() -> int:
    """Tell agency officers and secretaries of answers due in three working days (each once)."""
    told = recommendations_notify_due()
    logger.info("recommendations due soon: %d staff notifications", told)
    return told
