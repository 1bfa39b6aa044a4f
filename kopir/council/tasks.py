"""Background tasks of the council: invitations and petition notices, and the daily deadline check.

Tasks take record ids, never names or addresses: the task queue is stored in the database and
must not become another copy of personal data. Each task reads what it needs when it runs, and
logs ids only. The messages themselves are notices (kopir.notices): the task writes the notice to
the outbox, and the outbox's worker delivers it, retrying when the mail server fails.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from django.db import transaction
from django_tasks import task

from kopir.council.models import InvitedOfficial, Meeting, Member, Petition
from kopir.council.services.recommendation_alerts import recommendations_check_deadlines
from kopir.council.services.staff_alerts import recommendations_notify_due
from kopir.notices.models import NoticeChannel
from kopir.notices.services import (
    Recipient,
    contact_recipient,
    notice_queue,
    organisation_recipient,
    staff_recipient,
)

logger = logging.getLogger(__name__)

TEMPLATES = "council/notices"


def _queue(
    name: str, recipient: Recipient, context: dict[str, Any], *, related: Any, concerns: Any
) -> bool:
    """Write the notice; True when it has an address to go to (else it is kept as undelivered)."""
    with transaction.atomic():
        notice = notice_queue(
            recipient=recipient,
            template=f"{TEMPLATES}/{name}",
            context=context,
            topic=f"council.{name}",
            related=related,
            concerns=concerns,
        )
    return bool(notice.channel)


def _meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_related("council__organisation").get(pk=meeting_id)


def _agenda(meeting: Meeting) -> list[Any]:
    return list(meeting.agenda.order_by("order"))


@task()
def send_official_invitation(official_id: int) -> int:
    """Invite an official to answer on an agenda item (to them, or to their organisation)."""
    official = InvitedOfficial.objects.select_related(
        "organisation", "agenda_item__meeting__council__organisation"
    ).get(pk=official_id)
    recipient = organisation_recipient(official.organisation)
    if official.email:
        # The official's own address, in their organisation's language for notices.
        recipient = dataclasses.replace(
            recipient, channel=NoticeChannel.EMAIL, address=official.email
        )
    meeting = official.agenda_item.meeting
    context = {
        "official": official,
        "item": official.agenda_item,
        "meeting": meeting,
        "council": meeting.council,
        "agenda": _agenda(meeting),
    }
    queued = _queue(
        "official_invitation",
        recipient,
        context,
        related=meeting,
        concerns=meeting.council.organisation,
    )
    logger.info("invitation queued for invited official %s", official_id)
    return int(queued)


@task()
def send_member_invitation(meeting_id: int, member_id: int) -> int:
    """Invite a council member to a meeting, in the language of their account."""
    member = Member.objects.select_related("account").get(pk=member_id)
    if member.account is None:
        logger.info("member %s has no account to write to", member_id)
        return 0
    meeting = _meeting(meeting_id)
    context = {
        "member": member,
        "meeting": meeting,
        "council": meeting.council,
        "agenda": _agenda(meeting),
    }
    queued = _queue(
        "member_invitation",
        staff_recipient(member.account),
        context,
        related=meeting,
        concerns=meeting.council.organisation,
    )
    logger.info("invitation to meeting %s queued for member %s", meeting_id, member_id)
    return int(queued)


def _tell_petitioner(name: str, petition_id: int) -> int:
    """Queue the notice `name` to the petitioner, in the language they wrote in: by e-mail, or by
    SMS (the short text) when they left only a phone number."""
    petition = Petition.objects.select_related("council__organisation").get(pk=petition_id)
    if not (petition.contact_email or petition.contact_phone):
        return 0
    queued = _queue(
        name,
        contact_recipient(
            email=petition.contact_email,
            phone=petition.contact_phone,
            language=petition.contact_language,
        ),
        {"petition": petition, "council": petition.council},
        related=petition,
        concerns=petition.council.organisation,
    )
    logger.info("%s queued for petition %s", name, petition_id)
    return int(queued)


@task()
def send_petition_acknowledgement(petition_id: int) -> int:
    """Tell the petitioner the registration number and the date the answer is due."""
    return _tell_petitioner("petition_registered", petition_id)


@task()
def send_petition_answer(petition_id: int) -> int:
    """Send the council's answer to the petitioner."""
    return _tell_petitioner("petition_answered", petition_id)


@task()
def send_petition_published(petition_id: int) -> int:
    """Tell the petitioner what the council's public page now shows about their petition."""
    return _tell_petitioner("petition_published", petition_id)


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
