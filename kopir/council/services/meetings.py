"""Meetings: planning (format, time, place or link), invitations, attendance, holding, cancelling.

A meeting's own fields change under optimistic locking: the form carries the version it was read
at, and a save that finds another version writes nothing (ConflictError).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, save_audited
from kopir.core.errors import ConflictError, DomainError
from kopir.core.selectors import next_order
from kopir.core.transitions import declare
from kopir.core.versioning import assign_changes, update_if_current
from kopir.council.models import (
    Attendance,
    Council,
    Decision,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    PetitionStatus,
    Speech,
    Vote,
    WorkPlanItem,
)
from kopir.council.services.councils import council_require_active
from kopir.council.services.invitations import meeting_invitations_cancel
from kopir.council.services.petition_states import petition_transition
from kopir.council.services.plan import plan_item_errors
from kopir.council.services.quorum import sitting_composition

CONFLICT = gettext_lazy(
    "This meeting was changed by someone else after you opened it. Nothing was saved. Your "
    "changes are still in the form: open the meeting again to see the current version."
)
ATTNAMES = {"plan_item": "plan_item_id"}


class MeetingData(TypedDict, total=False):
    format: str
    starts_at: dt.datetime
    place: str
    place_ru: str
    online_link: str
    plan_item: WorkPlanItem | None


def meeting_format_errors(format: str, place: str, online_link: str) -> dict[str, list[str]]:
    """What a format needs: offsite a place, online a link, hybrid both (regular: the usual room)."""
    errors: dict[str, list[str]] = {}
    if format in {MeetingFormat.OFFSITE, MeetingFormat.HYBRID} and not place.strip():
        errors["place"] = [_("Enter where the meeting takes place.")]
    if format in {MeetingFormat.ONLINE, MeetingFormat.HYBRID} and not online_link.strip():
        errors["online_link"] = [_("Enter the link participants use to join online.")]
    return errors


#: How far from today a meeting typed on the form may be: one held a year ago may still be
#: recorded late, and the plan reaches two years ahead; beyond that it is a typo (01.01.1999).
MEETING_DAYS_BACK = 366
MEETING_DAYS_AHEAD = 2 * 366


def meeting_window_errors(starts_at: dt.datetime, today: dt.date) -> dict[str, list[str]]:
    """A date typed on the form: within a year back and two years ahead of `today`."""
    earliest = today - dt.timedelta(days=MEETING_DAYS_BACK)
    latest = today + dt.timedelta(days=MEETING_DAYS_AHEAD)
    day = timezone.localdate(starts_at)
    if day < earliest:
        message = _("Enter a date from %(date)s on: a meeting more than a year ago is a typo.")
        return {"starts_at": [message % {"date": date_format(earliest, "SHORT_DATE_FORMAT")}]}
    if day > latest:
        message = _("Enter a date up to %(date)s: plan meetings at most two years ahead.")
        return {"starts_at": [message % {"date": date_format(latest, "SHORT_DATE_FORMAT")}]}
    return {}


def _moment(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def require_started(meeting: Meeting, now: dt.datetime | None = None) -> None:
    """The one rule of a meeting's record in time: what happens at a meeting (attendance,
    speeches, votes, decisions, its being held) is recorded only once it has started.

    The start is read from the database: the caller's copy may be older than a change of date.
    """
    starts_at = Meeting.objects.filter(pk=meeting.pk).values_list("starts_at", flat=True).get()
    if starts_at > (now or timezone.now()):
        raise DomainError(
            _("The meeting starts on %(start)s: what happens at it is recorded from then on.")
            % {"start": _moment(starts_at)}
        )


def latest_start_allowed(meeting: Meeting) -> dt.datetime | None:
    """The latest start the meeting's record allows (`require_started` the other way round), or
    None while nothing is recorded: what was recorded happened before now, and a closed vote
    before its close, so the meeting cannot start after either."""
    recorded = (
        Attendance.objects.filter(meeting=meeting).exists()
        or Speech.objects.filter(agenda_item__meeting=meeting).exists()
        or Vote.objects.filter(agenda_item__meeting=meeting).exists()
        or Decision.objects.filter(agenda_item__meeting=meeting).exists()
    )
    if not recorded:
        return None
    first_close = Vote.objects.filter(agenda_item__meeting=meeting).aggregate(
        first=Min("closed_at")
    )["first"]
    now = timezone.now()
    return min(now, first_close) if first_close is not None else now


def _check(meeting: Meeting) -> None:
    errors = meeting_format_errors(meeting.format, meeting.place, meeting.online_link)
    established = meeting.council.established_on
    if established and timezone.localdate(meeting.starts_at) < established:
        message = _("The council was established on %(date)s: enter a date from then on.")
        errors["starts_at"] = [message % {"date": date_format(established, "SHORT_DATE_FORMAT")}]
    if meeting.plan_item_id is not None:
        item = WorkPlanItem.objects.select_related("plan").get(pk=meeting.plan_item_id)
        errors.update(plan_item_errors(item, meeting.council_id))
    if errors:
        raise ValidationError(errors)


def meeting_create(
    *,
    actor: Any,
    council: Council,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    **data: Unpack[MeetingData],
) -> Meeting:
    """Plan a meeting; it gets the council's next number."""
    council_require_active(council)
    with transaction.atomic():
        # The council's row lock keeps two new meetings from taking the same number.
        Council.objects.select_for_update().filter(pk=council.pk).first()
        number = next_order(council.meetings.all(), field="number")
        meeting = Meeting(council=council, number=number, **data)
        save_audited(
            meeting,
            AuditAction.CREATE,
            sorted(data),
            actor=actor,
            request=request,
            channel=channel,
            check=_check,
        )
    return meeting


def meeting_update(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int,
    request: HttpRequest | None = None,
    **data: Unpack[MeetingData],
) -> Meeting:
    """Change a planned meeting if nobody saved it since `expected_version` was read."""
    with transaction.atomic():
        current = Meeting.objects.get(pk=meeting.pk)
        if current.version != expected_version:
            raise ConflictError(CONFLICT)
        if current.status != MeetingStatus.PLANNED:
            raise DomainError(_("Only a planned meeting's time, format and place can change."))
        changed = assign_changes(current, data)
        if not changed:
            return current
        current.full_clean()
        _check(current)
        latest = latest_start_allowed(current) if "starts_at" in changed else None
        if latest is not None and current.starts_at > latest:
            message = _(
                "Attendance, speeches, votes or decisions are already recorded for this meeting: "
                "it cannot start after %(moment)s."
            )
            raise ValidationError({"starts_at": [message % {"moment": _moment(latest)}]})
        # Column names for update(): the plan item is stored as its id.
        columns = [ATTNAMES.get(name, name) for name in changed]
        values = {column: getattr(current, column) for column in columns}
        # The version in the WHERE clause makes this safe: a save that slipped in between the
        # read above and this write leaves no row to match, and nothing is overwritten.
        update_if_current(current, expected_version, CONFLICT, **values)
        audited(current, AuditAction.UPDATE, changed, actor=actor, request=request)
    return current


# A planned meeting is held or cancelled, and that is final. Meetings have no timeline model:
# the audit record is the history, and the minutes are the record of what happened.
MEETING_WORKFLOW = declare(
    "council.meeting",
    Meeting,
    {
        MeetingStatus.PLANNED: frozenset({MeetingStatus.HELD, MeetingStatus.CANCELLED}),
        MeetingStatus.HELD: frozenset(),
        MeetingStatus.CANCELLED: frozenset(),
    },
    gettext_lazy("The meeting is no longer planned."),
    CONFLICT,
)


def _set_status(
    *,
    actor: Any,
    meeting: Meeting,
    status: str,
    expected_version: int | None,
    request: HttpRequest | None,
    channel: AuditChannel | str,
    extra: Mapping[str, Any] | None = None,
) -> Meeting:
    MEETING_WORKFLOW.transition(
        record=meeting,
        to=status,
        actor=actor,
        expected_version=expected_version,
        changes=extra,
        request=request,
        channel=channel,
    )
    return Meeting.objects.select_related("council").get(pk=meeting.pk)


def meeting_mark_held(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Meeting:
    """Record that the meeting took place. Petitions on its agenda are then considered."""
    require_started(meeting)
    with transaction.atomic():
        # Read the sitting composition from the database, not from the caller's object: a copy
        # read before attendance was taken would replace the composition the meeting sat in
        # with the one it has just approved.
        meeting.composition_id = (
            Meeting.objects.filter(pk=meeting.pk).values_list("composition_id", flat=True).get()
        )
        composition = sitting_composition(meeting)
        extra: dict[str, Any] = (
            {"composition": composition} if meeting.composition_id is None else {}
        )
        meeting = _set_status(
            actor=actor,
            meeting=meeting,
            status=MeetingStatus.HELD,
            expected_version=expected_version,
            request=request,
            channel=channel,
            extra=extra,
        )
        for item in meeting.agenda.filter(petition__status=PetitionStatus.ON_AGENDA).select_related(
            "petition"
        ):
            petition_transition(
                actor=actor,
                petition=item.petition,  # type: ignore[arg-type]
                to=PetitionStatus.CONSIDERED,
                request=request,
                channel=channel,
            )
    return meeting


def meeting_cancel(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None = None,
    request: HttpRequest | None = None,
) -> Meeting:
    """Cancel a planned meeting; petitions on its agenda go back to registered, and everyone
    invited is sent the cancellation of the calendar event."""
    with transaction.atomic():
        meeting = _set_status(
            actor=actor,
            meeting=meeting,
            status=MeetingStatus.CANCELLED,
            expected_version=expected_version,
            request=request,
            channel=AuditChannel.WEB,
        )
        meeting_invitations_cancel(actor=actor, meeting=meeting, request=request)
        for item in meeting.agenda.filter(petition__status=PetitionStatus.ON_AGENDA).select_related(
            "petition"
        ):
            petition = item.petition
            assert petition is not None
            elsewhere = petition.agenda_items.filter(meeting__status=MeetingStatus.PLANNED)
            if not elsewhere.exists():
                petition_transition(
                    actor=actor, petition=petition, to=PetitionStatus.REGISTERED, request=request
                )
    return meeting
