"""Petitions to the council: registration with a number and an answer date, the agenda, the answer.

A petition comes from an NGO, a council member or a citizen, through the public form or
registered by the secretary. Its petitioner's name and contacts are personal data: they are
stored for the answer, shown to the secretary only, and never written to the audit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import save_audited
from kopir.core.actors import is_signed_in
from kopir.core.errors import ConflictError
from kopir.core.numbering import next_number
from kopir.core.working_days import add_working_days
from kopir.council import tasks
from kopir.council.models import (
    AgendaItem,
    Council,
    LegalBasis,
    Meeting,
    Petition,
    PetitionPublication,
    PetitionStatus,
)
from kopir.council.services import staff_alerts
from kopir.council.services.agenda import agenda_item_add
from kopir.council.services.councils import council_require_active
from kopir.council.services.petition_states import (
    PETITION_PUBLICATION_WORKFLOW,
    PETITION_WORKFLOW,
    petition_transition,
)
from kopir.directory.models import Organisation, Territory

NUMBER_PREFIX = "Ө"  # өтініш: the register's letter in the council's records
# Defaults when the council's rule set names no answer period: the public control law's 10
# working days for a statutory council, and 30 calendar days (the usual period for appeals)
# for a party council, whose answers no law times (docs/domain/council.md §2, §4).
STATUTORY_ANSWER_WORKING_DAYS = 10
DEFAULT_ANSWER_CALENDAR_DAYS = 30


class PetitionData(TypedDict, total=False):
    petitioner_kind: str
    petitioner_name: str
    petitioner_organisation: Organisation | None
    petitioner_organisation_text: str
    contact_email: str
    contact_phone: str
    contact_language: str
    publish_petitioner: bool
    subject: str
    text: str
    territory: Territory | None


def petition_answer_due(*, council: Council, received_on: dt.date) -> dt.date:
    """The date the answer to a petition received on `received_on` is due. The one place it is set.

    The council's rule set decides: a period in working days counts Kazakhstan's working days
    (holidays and moved days off included); a period in calendar days that ends on a day off
    moves to the next working day. Without a period in the rule set: 10 working days for a
    statutory council, 30 calendar days otherwise.
    """
    rules = council.recommendation_rule_set
    if rules.answer_within_working_days:
        return add_working_days(received_on, rules.answer_within_working_days)
    if rules.answer_within_calendar_days:
        days = rules.answer_within_calendar_days
    elif council.legal_basis == LegalBasis.STATUTORY:
        return add_working_days(received_on, STATUTORY_ANSWER_WORKING_DAYS)
    else:
        days = DEFAULT_ANSWER_CALENDAR_DAYS
    return add_working_days(received_on + dt.timedelta(days=days), 0)


def contact_errors(email: str, phone: str) -> dict[str, list[str]]:
    """The answer must reach the petitioner: an e-mail address or a phone number is required."""
    if email.strip() or phone.strip():
        return {}
    message = _("Enter an e-mail address or a phone number, so that the answer can reach you.")
    return {"contact_email": [message], "contact_phone": [message]}


def petition_sequence(council: Council) -> str:
    """The numbering sequence of the council's petition register (one per council and year)."""
    return f"council.petition:{council.pk}"


def _next_number(council: Council, year: int) -> str:
    return f"{NUMBER_PREFIX}-{year}-{next_number(petition_sequence(council), year):04d}"


def petition_register(
    *,
    actor: Any,
    council: Council,
    received_on: dt.date | None = None,
    submitted_online: bool = False,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[PetitionData],
) -> Petition:
    """Register a petition: give it the next number of the council's year and an answer date.

    Numbers run per council and year ("Ө-2026-0001") from the council's sequence in
    `core/numbering.py`, so two registrations at the same moment never take the same number.
    """
    council_require_active(council)
    errors = contact_errors(data.get("contact_email", ""), data.get("contact_phone", ""))
    if errors:
        raise ValidationError(errors)
    received_on = received_on or timezone.localdate()
    answer_due_on = petition_answer_due(council=council, received_on=received_on)
    is_user = is_signed_in(actor)
    with transaction.atomic():
        petition = Petition(
            council=council,
            number=_next_number(council, received_on.year),
            received_on=received_on,
            answer_due_on=answer_due_on,
            status=PetitionStatus.REGISTERED,
            submitted_online=submitted_online,
            # The secretary who registered it; nobody for the public form.
            registered_by=actor if is_user and not submitted_online else None,
            **data,
        )
        save_audited(
            petition,
            AuditAction.CREATE,
            sorted(data),
            actor=actor,
            request=request,
            channel=channel,
        )
        staff_alerts.petition_received(petition, actor=actor if is_user else None, request=request)
        if petitioner_reachable(petition):
            _notify_on_commit("send_petition_acknowledgement", petition.pk)
    return petition


def petitioner_reachable(petition: Petition) -> bool:
    """The petitioner left an e-mail address (the notices go there) or a phone (then by SMS)."""
    return bool(petition.contact_email or petition.contact_phone)


def _notify_on_commit(task_name: str, petition_id: int) -> None:
    task = getattr(tasks, task_name)
    # Enqueued after the commit: a rolled-back petition must not send a notice.
    transaction.on_commit(lambda: task.enqueue(petition_id=petition_id))


def petition_put_on_agenda(
    *,
    actor: Any,
    petition: Petition,
    meeting: Meeting,
    title: str = "",
    rapporteur: str = "",
    rapporteur_ru: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> AgendaItem:
    """Add an agenda item for the petition to a planned meeting; the petition is on the agenda.

    `expected_version` is the petition's version the secretary's page showed: a petition changed
    since (answered, put on another agenda) is not scheduled from a stale page.
    """
    with transaction.atomic():
        _check_version(petition, expected_version)
        return agenda_item_add(
            actor=actor,
            meeting=meeting,
            title=title or petition.public_title or petition.subject,
            rapporteur=rapporteur,
            rapporteur_ru=rapporteur_ru,
            petition=petition,
            request=request,
            channel=channel,
        )


def _check_version(petition: Petition, expected_version: int | None) -> None:
    if expected_version is None:
        return
    stored = (
        Petition.objects.select_for_update()
        .filter(pk=petition.pk)
        .values_list("version", flat=True)
    )
    if list(stored) != [expected_version]:
        raise ConflictError(PETITION_WORKFLOW.conflict)


@dataclass(frozen=True)
class AnswerOutcome:
    petition: Petition
    notified_by_email: bool
    # A petitioner who left only a phone number gets the answer by SMS.
    notified_by_sms: bool = False


def petition_answer(
    *,
    actor: Any,
    petition: Petition,
    answer: str,
    answered_on: dt.date | None = None,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> AnswerOutcome:
    """Record the council's answer and notify the petitioner (a background task): by e-mail, or
    by SMS when they left only a phone number. The outcome says which.
    """
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": [_("Enter the answer.")]})
    with transaction.atomic():
        petition = Petition.objects.select_for_update().get(pk=petition.pk)
        petition.answer = answer
        petition.answered_on = answered_on or timezone.localdate()
        petition_transition(
            actor=actor,
            petition=petition,
            to=PetitionStatus.ANSWERED,
            extra_fields=("answer", "answered_on"),
            expected_version=expected_version,
            request=request,
            channel=channel,
        )
        if petitioner_reachable(petition):
            _notify_on_commit("send_petition_answer", petition.pk)
    return AnswerOutcome(
        petition=petition,
        notified_by_email=bool(petition.contact_email),
        notified_by_sms=not petition.contact_email and bool(petition.contact_phone),
    )


def petition_publish(
    *,
    actor: Any,
    petition: Petition,
    public_title: str,
    public_summary: str = "",
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Petition:
    """The secretary accepts the petition for the public page with the title and summary they
    reviewed (free of the petitioner's personal data); the page shows these, never the subject or
    text as typed. The petitioner is told by a notice in their language, if they left an e-mail.
    """
    public_title = public_title.strip()
    if not public_title:
        raise ValidationError({"public_title": [_("Enter the title the public page shows.")]})
    with transaction.atomic():
        petition.public_title = public_title
        petition.public_summary = public_summary.strip()
        petition.published_on = timezone.localdate()
        PETITION_PUBLICATION_WORKFLOW.transition(
            record=petition,
            to=PetitionPublication.PUBLISHED,
            actor=actor,
            expected_version=expected_version,
            changes={
                "public_title": petition.public_title,
                "public_summary": petition.public_summary,
                "published_on": petition.published_on,
            },
            request=request,
            channel=channel,
        )
        if petitioner_reachable(petition):
            _notify_on_commit("send_petition_published", petition.pk)
    return petition


def petition_withhold(
    *,
    actor: Any,
    petition: Petition,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Petition:
    """Keep the petition off the public page (or take it down): nothing of it is published."""
    return PETITION_PUBLICATION_WORKFLOW.transition(
        record=petition,
        to=PetitionPublication.WITHHELD,
        actor=actor,
        expected_version=expected_version,
        changes={"published_on": None},
        request=request,
        channel=channel,
    )


def petition_is_overdue(petition: Petition, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return petition.status != PetitionStatus.ANSWERED and petition.answer_due_on < today
