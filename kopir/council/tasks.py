"""Background tasks of the council: e-mail notices of meetings and petitions, and the daily
deadline check for recommendations.

Tasks take record ids, never names or addresses: the task queue is stored in the database and
must not become another copy of personal data. Each task reads what it needs when it runs, and
logs ids only.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

from kopir.council.models import InvitedOfficial, Meeting, Member, Petition
from kopir.council.services.recommendation_alerts import recommendations_check_deadlines

logger = logging.getLogger(__name__)

# Organisations have no preferred language: their notices are written in both state languages.
ORGANISATION_LANGUAGES = ("kk", "ru")


def _render(template: str, context: dict[str, Any], languages: tuple[str, ...]) -> tuple[str, str]:
    subjects, bodies = [], []
    for language in languages:
        with translation.override(language):
            subjects.append(
                render_to_string(f"council/meetings/email/{template}_subject.txt", context).strip()
            )
            bodies.append(
                render_to_string(f"council/meetings/email/{template}.txt", context).strip()
            )
    return " / ".join(dict.fromkeys(subjects)), "\n\n— — —\n\n".join(bodies) + "\n"


def _send(
    template: str, recipient: str, context: dict[str, Any], languages: tuple[str, ...]
) -> int:
    subject, body = _render(template, context, languages)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient], fail_silently=False)


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
    recipient = official.email or official.organisation.email
    if not recipient:
        logger.info("invited official %s has no e-mail address", official_id)
        return 0
    meeting = official.agenda_item.meeting
    context = {
        "official": official,
        "item": official.agenda_item,
        "meeting": meeting,
        "council": meeting.council,
        "agenda": _agenda(meeting),
    }
    sent = _send("official_invitation", recipient, context, ORGANISATION_LANGUAGES)
    logger.info("invitation sent to invited official %s", official_id)
    return sent


@task()
def send_member_invitation(meeting_id: int, member_id: int) -> int:
    """Invite a council member to a meeting, in the language of their account."""
    member = Member.objects.select_related("account").get(pk=member_id)
    if member.account is None or not member.account.email:
        logger.info("member %s has no e-mail address", member_id)
        return 0
    meeting = _meeting(meeting_id)
    context = {
        "member": member,
        "meeting": meeting,
        "council": meeting.council,
        "agenda": _agenda(meeting),
    }
    language = member.account.preferred_language or settings.LANGUAGE_CODE
    sent = _send("member_invitation", member.account.email, context, (language,))
    logger.info("invitation to meeting %s sent to member %s", meeting_id, member_id)
    return sent


def _petition(petition_id: int) -> Petition:
    return Petition.objects.select_related("council__organisation").get(pk=petition_id)


@task()
def send_petition_acknowledgement(petition_id: int) -> int:
    """Tell the petitioner the registration number and the date the answer is due."""
    petition = _petition(petition_id)
    if not petition.contact_email:
        return 0
    sent = _send(
        "petition_registered",
        petition.contact_email,
        {"petition": petition, "council": petition.council},
        (petition.contact_language,),
    )
    logger.info("acknowledgement sent for petition %s", petition_id)
    return sent


@task()
def send_petition_answer(petition_id: int) -> int:
    """Send the council's answer to the petitioner."""
    petition = _petition(petition_id)
    if not petition.contact_email:
        return 0
    sent = _send(
        "petition_answered",
        petition.contact_email,
        {"petition": petition, "council": petition.council},
        (petition.contact_language,),
    )
    logger.info("answer sent for petition %s", petition_id)
    return sent


@task()
def check_recommendation_deadlines() -> str:
    """Remind addressees before an answer is due and escalate once it is overdue (each once)."""
    run = recommendations_check_deadlines()
    # Numbers of recommendations are not personal data; they let an operator trace a message.
    logger.info("recommendation deadlines: %s", run)
    return str(run)
