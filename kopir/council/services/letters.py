"""The council's outgoing letters register (to the Mazhilis, to agencies) and the replies received."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction
from kopir.audit.services import save_audited
from kopir.core.errors import DomainError
from kopir.core.numbering import next_number, number_used, peek_number
from kopir.core.uploads import TEXT_DOCUMENT_EXTENSIONS, check_upload
from kopir.council import access
from kopir.council.models import Council, Letter, LetterReply, Recommendation
from kopir.directory.models import Organisation

# "<year>/<n>", the form of the numbers Kopir gives; other hand numbers keep their own register.
HAND_NUMBER = re.compile(r"(?P<year>[0-9]{4})/(?P<n>[0-9]{1,9})")


SECRETARY_ONLY = gettext_lazy("Only the council's secretary keeps the letters register.")
"""What anyone but the secretary is told (`access.ensure_secretary`)."""


def letter_sequence(council: Council) -> str:
    """The numbering sequence of the council's outgoing letters (one per council and year)."""
    return f"council.letter:{council.pk}"


def next_letter_number(council: Council, year: int | None = None) -> str:
    """A suggestion for the next outgoing number, "<year>/<n>"; nothing is taken."""
    year = year or timezone.localdate().year
    return f"{year}/{peek_number(letter_sequence(council), year)}"


def _note_hand_number(council: Council, number: str) -> None:
    """A number typed in the register's own form ("2026/14") is never issued again."""
    match = HAND_NUMBER.fullmatch(number)
    if match:
        number_used(letter_sequence(council), int(match["year"]), int(match["n"]))


def letter_create(
    *,
    actor: Any,
    council: Council,
    sent_on: dt.date,
    number: str = "",
    addressee: Organisation,
    subject: str,
    summary: str = "",
    subject_ru: str = "",
    summary_ru: str = "",
    recommendations: Iterable[Recommendation] = (),
    upload: Any = None,
    reply_due_on: dt.date | None = None,
    request: HttpRequest | None = None,
) -> Letter:
    """Register an outgoing letter. Without a number it takes the next one of the year it was
    sent in ("2026/15"), which two secretaries at once can never both get; a number given by
    hand (the office's own register) must be free."""
    access.ensure_secretary(actor, council, SECRETARY_ONLY)
    chosen = list(recommendations)
    if any(recommendation.council_id != council.pk for recommendation in chosen):
        raise DomainError(_("A letter can carry only this council's recommendations."))
    if reply_due_on is not None and reply_due_on < sent_on:
        raise DomainError(_("The reply cannot be expected before the letter was sent."))
    if upload is not None:
        check_upload(upload, TEXT_DOCUMENT_EXTENSIONS)
    number = number.strip()
    if number and Letter.objects.filter(council=council, number=number).exists():
        raise DomainError(_("The register already has a letter with this number."))
    try:
        with transaction.atomic():
            letter = Letter(
                council=council,
                number=number,
                sent_on=sent_on,
                addressee=addressee,
                subject=subject.strip(),
                subject_ru=subject_ru.strip(),
                summary=summary.strip(),
                summary_ru=summary_ru.strip(),
                reply_due_on=reply_due_on,
            )
            if upload is not None:
                letter.file.save(upload.name, upload, save=False)
            if number:
                _note_hand_number(council, number)
            else:
                # Taken last, just before the save: the sequence's row stays locked until commit.
                sequence = next_number(letter_sequence(council), sent_on.year)
                letter.number = f"{sent_on.year}/{sequence}"
            save_audited(letter, AuditAction.CREATE, actor=actor, request=request)
            letter.recommendations.set(chosen)
    except IntegrityError as error:
        # Two secretaries registering the same number at once: the constraint decides.
        raise DomainError(_("The register already has a letter with this number.")) from error
    return letter


def letter_reply_add(
    *,
    actor: Any,
    letter: Letter,
    received_on: dt.date,
    from_whom: str,
    summary: str,
    upload: Any = None,
    request: HttpRequest | None = None,
) -> LetterReply:
    access.ensure_secretary(actor, letter.council, SECRETARY_ONLY)
    if received_on < letter.sent_on:
        raise DomainError(_("A reply cannot arrive before the letter was sent."))
    if received_on > timezone.localdate():
        raise DomainError(_("The date received cannot be in the future."))
    if upload is not None:
        check_upload(upload, TEXT_DOCUMENT_EXTENSIONS)
    with transaction.atomic():
        reply = LetterReply(
            letter=letter,
            received_on=received_on,
            from_whom=from_whom.strip(),
            summary=summary.strip(),
        )
        if upload is not None:
            reply.file.save(upload.name, upload, save=False)
        save_audited(reply, AuditAction.CREATE, actor=actor, request=request)
    return reply
