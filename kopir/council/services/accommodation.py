"""Accommodation requests: what a participant needs to take part, as a task for the secretary.

A member (or the secretary on a participant's behalf) asks for a sign-language interpreter,
captions, Braille, large print, easy read, a step-free venue or a hearing loop. Each request is
due a few working days before the meeting, because interpreters and Braille printing are booked
in advance; the secretary marks it arranged or declined and says what was done.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import save_audited
from kopir.core.errors import DomainError
from kopir.core.working_days import subtract_working_days
from kopir.council.models import (
    AccommodationNeed,
    AccommodationRequest,
    AccommodationStatus,
    Meeting,
    MeetingInvitation,
    MeetingStatus,
)

# How many working days before the meeting an accommodation must be arranged: an interpreter or
# Braille printing is booked ahead. One place to change it.
ACCOMMODATION_LEAD_WORKING_DAYS = 3
RESOLVED = frozenset({AccommodationStatus.ARRANGED, AccommodationStatus.DECLINED})


def accommodation_due_on(meeting: Meeting, today: dt.date | None = None) -> dt.date:
    """When the secretary must have arranged a request for this meeting.

    A request made later than the lead time is due at once (today), not in the past.
    """
    today = today or timezone.localdate()
    meeting_day = timezone.localdate(meeting.starts_at)
    return max(subtract_working_days(meeting_day, ACCOMMODATION_LEAD_WORKING_DAYS), today)


def accommodation_request(
    *,
    actor: Any,
    meeting: Meeting,
    requested_by: str,
    need: str,
    note: str = "",
    account: Any = None,
    invitation: MeetingInvitation | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> AccommodationRequest:
    """Ask for an accommodation at a planned meeting; it becomes the secretary's task.

    `invitation` when the invitee asked through their invitation's personal link."""
    if need == AccommodationNeed.OTHER and not note.strip():
        raise ValidationError({"note": [_("Say what you need.")]})
    with transaction.atomic():
        # Read the meeting afresh: the caller's copy may predate its holding or cancelling.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        if meeting.status != MeetingStatus.PLANNED:
            raise DomainError(_("Accommodations are requested for a planned meeting."))
        row = AccommodationRequest(
            meeting=meeting,
            requested_by=requested_by.strip(),
            requested_by_account=account,
            invitation=invitation,
            need=need,
            note=note.strip(),
            due_on=accommodation_due_on(meeting),
        )
        save_audited(
            row, AuditAction.CREATE, ["need", "note"], actor=actor, request=request, channel=channel
        )
    return row


def accommodation_resolve(
    *,
    actor: Any,
    accommodation: AccommodationRequest,
    status: str,
    resolution: str,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> AccommodationRequest:
    """Mark a request arranged or declined, saying what was done (or why it could not be)."""
    resolution = resolution.strip()
    errors: dict[str, list[str]] = {}
    if status not in RESOLVED:
        errors["status"] = [_("Choose arranged or could not be arranged.")]
    if not resolution:
        errors["resolution"] = [
            _("Say what was arranged, or why it could not be, so the participant knows.")
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row = AccommodationRequest.objects.select_for_update().get(pk=accommodation.pk)
        row.status = status
        row.resolution = resolution
        row.resolved_at = timezone.now()
        save_audited(
            row,
            AuditAction.UPDATE,
            ["status", "resolution"],
            actor=actor,
            request=request,
            channel=channel,
            update_fields=["status", "resolution", "resolved_at"],
        )
    return row
