"""Attendance at a meeting: members present in person, online or absent, and guests.

Attendance is what the quorum counts (services.quorum); it can be corrected after the meeting
until the minutes are locked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, save_audited
from kopir.core.errors import DomainError
from kopir.council.models import Attendance, AttendanceStatus, Meeting
from kopir.council.services.agenda import require_minutes_open
from kopir.council.services.meetings import require_started
from kopir.council.services.quorum import sitting_composition
from kopir.directory.models import Organisation

MEMBER_STATUSES = frozenset(
    {AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE, AttendanceStatus.ABSENT}
)


def attendance_record(
    *,
    actor: Any,
    meeting: Meeting,
    statuses: Mapping[int, str],
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Meeting:
    """Record members' attendance (present in person, online, or absent), by member id.

    The first record fixes the meeting's sitting composition: the quorum is counted on it for
    the rest of the meeting, even if the meeting approves a new composition.
    """
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("council").get(pk=meeting.pk)
        require_minutes_open(meeting)
        require_started(meeting)
        composition = sitting_composition(meeting)
        if composition is None:
            raise DomainError(_("The council has no composition in force: approve one first."))
        if meeting.composition_id is None:
            meeting.composition = composition
            meeting.save(update_fields=["composition"])
        seats = set(composition.members.values_list("pk", flat=True))
        if any(member_id not in seats for member_id in statuses):
            raise DomainError(_("Only members of the sitting composition are recorded here."))
        if any(status not in MEMBER_STATUSES for status in statuses.values()):
            raise ValidationError(_("Choose present in person, present online or absent."))
        existing = {row.member_id: row for row in meeting.attendance.filter(member__isnull=False)}
        for member_id, status in statuses.items():
            row = existing.get(member_id)
            if row is None:
                Attendance.objects.create(meeting=meeting, member_id=member_id, status=status)
            elif row.status != status:
                row.status = status
                row.save(update_fields=["status"])
        audited(
            meeting,
            AuditAction.UPDATE,
            ["attendance"],
            actor=actor,
            request=request,
            channel=channel,
        )
    return meeting


def guest_add(
    *,
    actor: Any,
    meeting: Meeting,
    name: str,
    organisation: Organisation | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Attendance:
    """Record a guest at the meeting (an official, an NGO's representative, a visitor)."""
    with transaction.atomic():
        require_minutes_open(meeting)
        require_started(meeting)
        row = Attendance(
            meeting=meeting,
            guest_name=name.strip(),
            guest_organisation=organisation,
            status=AttendanceStatus.GUEST,
        )
        if not row.guest_name:
            raise ValidationError({"guest_name": [_("Enter the guest's name.")]})
        save_audited(
            row,
            AuditAction.CREATE,
            ["guest_name", "guest_organisation"],
            actor=actor,
            request=request,
            channel=channel,
        )
    return row


def guest_remove(*, actor: Any, guest: Attendance, request: HttpRequest | None = None) -> None:
    if guest.member_id is not None:
        raise DomainError(_("Members are recorded as absent, not removed."))
    with transaction.atomic():
        require_minutes_open(guest.meeting)
        audited(guest, AuditAction.DELETE, actor=actor, request=request)
        guest.delete()
