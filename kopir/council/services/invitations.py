"""Meeting invitations: to every member of the sitting composition and every invited official
with an e-mail address, each in their language, with the meeting's .ics; sent again as an update
(same UID, higher SEQUENCE) after its time or place changed, cancelled with METHOD:CANCEL, and
recalled the day before (`meeting_reminders_send`, a periodic job).

Each invitation carries a personal link (a signed token, no sign-in) to a page where the invitee
asks for a sign-language interpreter, Braille, large print or something else; each need becomes
an accommodation request, the secretary's task (services/accommodation.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited, save_audited
from kopir.core.errors import ConflictError, DomainError
from kopir.core.registry import schedule_time_zone
from kopir.council.models import (
    AccommodationRequest,
    AccommodationStatus,
    AgendaItem,
    InvitedOfficial,
    Meeting,
    MeetingInvitation,
    MeetingStatus,
    Member,
)
from kopir.council.notice_topics import (
    MEETING_CANCELLED,
    MEETING_INVITATION,
    MEETING_REMINDER,
    TEMPLATES,
)
from kopir.council.services.accommodation import accommodation_request
from kopir.council.services.invitation_calendar import (
    CANCEL,
    REQUEST,
    CalendarInvitee,
    location_sent,
    meeting_calendar,
    meeting_ends_at,
)
from kopir.council.services.quorum import sitting_composition
from kopir.notices.models import NoticeChannel, RecipientKind
from kopir.notices.services import (
    Recipient,
    notice_queue,
    organisation_recipient,
    staff_recipient,
)
from kopir.notices.topics import NoticeTopic

TOKEN_SALT = "kopir.council.invitation.reply"  # noqa: S105 (a salt, not a secret)
STALE = gettext_lazy(
    "The meeting was changed after this page showed it. Nothing was sent: check the time and "
    "place below, then confirm again."
)


@dataclass(frozen=True)
class Invitee:
    """Someone the meeting's invitations go to, and how they are reached."""

    full_name: str
    recipient: Recipient
    member: Member | None = None
    official: InvitedOfficial | None = None

    @property
    def has_address(self) -> bool:
        # The .ics needs an e-mail: an organisation reachable by SMS only is invited another way.
        return self.recipient.channel == NoticeChannel.EMAIL

    @property
    def language(self) -> str:
        return self.recipient.languages[0]


def _official_recipient(official: InvitedOfficial) -> Recipient:
    recipient = organisation_recipient(official.organisation)
    if official.email:
        # The official's own address, in their organisation's language for notices.
        return dataclasses.replace(recipient, channel=NoticeChannel.EMAIL, address=official.email)
    return recipient


def _member_invitee(member: Member) -> Invitee:
    if member.account is None:
        nobody = Recipient(
            kind=RecipientKind.STAFF, channel="", address="", languages=(settings.LANGUAGE_CODE,)
        )
        return Invitee(member.full_name, nobody, member=member)
    return Invitee(member.full_name, staff_recipient(member.account), member=member)


def meeting_invitees(meeting: Meeting) -> list[Invitee]:
    """The members of the sitting composition, then the officials invited on its agenda items."""
    composition = sitting_composition(meeting)
    members = (
        composition.members.select_related("account") if composition else Member.objects.none()
    )
    officials = InvitedOfficial.objects.filter(agenda_item__meeting=meeting).select_related(
        "organisation", "agenda_item"
    )
    return [_member_invitee(member) for member in members] + [
        Invitee(official.full_name, _official_recipient(official), official=official)
        for official in officials.order_by("agenda_item__order", "pk")
    ]


def _key(invitee: Invitee) -> tuple[str, int]:
    if invitee.member is not None:
        return ("member", invitee.member.pk)
    assert invitee.official is not None
    return ("official", invitee.official.pk)


def _invitation_key(invitation: MeetingInvitation) -> tuple[str, int]:
    if invitation.member_id is not None:
        return ("member", invitation.member_id)
    return ("official", invitation.official_id or 0)


@dataclass(frozen=True)
class InvitationPlan:
    """What pressing "send the invitations" would do now, shown before it is confirmed."""

    sequence: int
    new: list[Invitee]
    updated: list[tuple[Invitee, MeetingInvitation]]
    up_to_date: list[Invitee]
    without_address: list[Invitee]

    @property
    def to_send(self) -> int:
        return len(self.new) + len(self.updated)


def _is_current(invitation: MeetingInvitation, meeting: Meeting) -> bool:
    return (invitation.starts_at, invitation.location) == (
        meeting.starts_at,
        location_sent(meeting),
    )


def invitations_open(meeting: Meeting, now: dt.datetime | None = None) -> bool:
    """Whether invitations may still be sent: the meeting is planned and still ahead."""
    return meeting.status == MeetingStatus.PLANNED and meeting.starts_at > (now or timezone.now())


def invitations_outdated(meeting: Meeting) -> bool:
    """Whether someone was told another time or place than the meeting's now (reads the
    meeting's invitations as prefetched for its page)."""
    return any(
        invitation.cancelled_at is None and not _is_current(invitation, meeting)
        for invitation in meeting.invitations.all()
    )


def invitation_plan(meeting: Meeting) -> InvitationPlan:
    """Who gets a first invitation, who an update (the time or place changed since theirs), who
    is up to date, and who has no e-mail address. An update raises the SEQUENCE by one for the
    whole meeting, so every calendar holding the event sees the same revision."""
    sent = {
        _invitation_key(invitation): invitation
        for invitation in meeting.invitations.filter(cancelled_at__isnull=True)
    }
    sequence = max((invitation.sequence for invitation in sent.values()), default=0)
    if any(
        invitation.sequence == sequence and not _is_current(invitation, meeting)
        for invitation in sent.values()
    ):
        sequence += 1
    new: list[Invitee] = []
    updated: list[tuple[Invitee, MeetingInvitation]] = []
    up_to_date: list[Invitee] = []
    without_address: list[Invitee] = []
    for invitee in meeting_invitees(meeting):
        invitation = sent.get(_key(invitee))
        if not invitee.has_address:
            without_address.append(invitee)
        elif invitation is None:
            new.append(invitee)
        elif invitation.sequence < sequence or not _is_current(invitation, meeting):
            updated.append((invitee, invitation))
        else:
            up_to_date.append(invitee)
    return InvitationPlan(sequence, new, updated, up_to_date, without_address)


@dataclass(frozen=True)
class InvitationReport:
    new: int
    updated: int
    without_address: int

    @property
    def sent(self) -> int:
        return self.new + self.updated


def invitation_token(invitation: MeetingInvitation) -> str:
    """The personal link's token: signed, so it cannot be made up; valid until the meeting ends
    (checked when it is used, as the meeting's time may change)."""
    return signing.dumps(invitation.pk, salt=TOKEN_SALT)


def _absolute(url: str) -> str:
    return f"{settings.KOPIR_SITE_URL}{url}"


def _links(invitation: MeetingInvitation, language: str) -> dict[str, str]:
    meeting = invitation.meeting
    with translation.override(language):
        meeting_url = reverse(
            "council:meeting_detail", kwargs={"slug": meeting.council.slug, "pk": meeting.pk}
        )
        reply_url = reverse(
            "council:invitation_reply", kwargs={"token": invitation_token(invitation)}
        )
    return {"materials_url": _absolute(f"{meeting_url}#agenda"), "reply_url": _absolute(reply_url)}


def _agenda(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda.order_by("order"))


def _context(invitee: Invitee, invitation: MeetingInvitation, **extra: Any) -> dict[str, Any]:
    meeting = invitation.meeting
    return {
        "name": invitee.full_name,
        "official": invitee.official,
        "meeting": meeting,
        "council": meeting.council,
        "agenda": _agenda(meeting),
        **_links(invitation, invitee.language),
        **extra,
    }


def _calendar_description(context: dict[str, Any], language: str) -> str:
    with translation.override(language):
        return render_to_string(f"{TEMPLATES}/_calendar_description.txt", context).strip()


def _send(
    *,
    invitee: Invitee,
    invitation: MeetingInvitation,
    topic: NoticeTopic,
    method: str | None,
    actor: Any,
    request: HttpRequest | None,
    channel: AuditChannel | str,
    **extra: Any,
) -> None:
    """Queue one notice of `topic` to the invitee (with the .ics when `method` is given)."""
    context = _context(invitee, invitation, **extra)
    attachments = []
    if method is not None:
        attachments.append(
            meeting_calendar(
                meeting=invitation.meeting,
                invitee=CalendarInvitee(
                    invitee.recipient.address, invitee.full_name, invitee.language
                ),
                method=method,
                sequence=invitation.sequence,
                description=_calendar_description(context, invitee.language),
                url=context["materials_url"],
            )
        )
    notice_queue(
        recipient=invitee.recipient,
        template=topic.template,
        context=context,
        topic=topic.key,
        related=invitation.meeting,
        concerns=invitation.meeting.council.organisation,
        actor=actor,
        request=request,
        channel=channel,
        attachments=attachments,
    )


def meeting_invite(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> InvitationReport:
    """Send the invitations `invitation_plan` lists: a first one to whom was not invited, an
    update to whom was told another time or place. Refused when the meeting changed since the
    confirmation page showed it (`expected_version`), so nobody is sent what was not seen."""
    now = timezone.now()
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_for_update()
            .select_related("council__organisation")
            .get(pk=meeting.pk)
        )
        if meeting.version != expected_version:
            raise ConflictError(STALE)
        if not invitations_open(meeting, now):
            raise DomainError(_("Invitations are sent for a planned meeting that is still ahead."))
        plan = invitation_plan(meeting)
        location = location_sent(meeting)
        sending: list[tuple[Invitee, MeetingInvitation | None]] = [
            (invitee, None) for invitee in plan.new
        ]
        for invitee, earlier in sending + list(plan.updated):
            invitation = earlier or MeetingInvitation(
                member=invitee.member,
                official=invitee.official,
                full_name=invitee.full_name,
                first_sent_at=now,
            )
            invitation.meeting = meeting
            invitation.sequence = plan.sequence
            invitation.starts_at = meeting.starts_at
            invitation.location = location
            invitation.sent_at = now
            # A reminder sent for the old day says nothing about the new one.
            invitation.reminded_at = None
            save_audited(
                invitation,
                AuditAction.CREATE if earlier is None else AuditAction.UPDATE,
                ["sequence", "starts_at", "location"],
                actor=actor,
                request=request,
                channel=channel,
            )
            _send(
                invitee=invitee,
                invitation=invitation,
                topic=MEETING_INVITATION,
                method=REQUEST,
                actor=actor,
                request=request,
                channel=channel,
                updated=earlier is not None,
            )
        _note_first_sending(meeting, plan, timezone.localdate(now))
    return InvitationReport(
        new=len(plan.new), updated=len(plan.updated), without_address=len(plan.without_address)
    )


def _note_first_sending(meeting: Meeting, plan: InvitationPlan, today: dt.date) -> None:
    # The dates the meeting's and the agenda item's pages showed before invitations had rows.
    if plan.to_send and meeting.invitations_sent_on is None:
        Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_on=today)
    official_ids = [invitee.official.pk for invitee in plan.new if invitee.official is not None]
    InvitedOfficial.objects.filter(pk__in=official_ids, invitation_sent_on__isnull=True).update(
        invitation_sent_on=today
    )


def _invitee_of(invitation: MeetingInvitation) -> Invitee | None:
    """How to reach whom an invitation went to now (None: no e-mail address any more)."""
    if invitation.member is not None:
        invitee = _member_invitee(invitation.member)
    elif invitation.official is not None:
        official = invitation.official
        invitee = Invitee(official.full_name, _official_recipient(official), official=official)
    else:
        return None
    return invitee if invitee.has_address else None


# What telling an invitee again reads: their account or their organisation, and the item.
WITH_PEOPLE = ("member__account", "official__organisation", "official__agenda_item")


def _tell(
    invitation: MeetingInvitation,
    topic: NoticeTopic,
    method: str | None,
    *,
    actor: Any,
    request: HttpRequest | None = None,
    channel: AuditChannel | str,
) -> int:
    """Queue `topic` to whom `invitation` went, if they still have an address: 1, else 0."""
    invitee = _invitee_of(invitation)
    if invitee is None:
        return 0
    _send(
        invitee=invitee,
        invitation=invitation,
        topic=topic,
        method=method,
        actor=actor,
        request=request,
        channel=channel,
    )
    return 1


def _invitations_with_people(meeting: Meeting, **filters: Any) -> Iterable[MeetingInvitation]:
    return meeting.invitations.filter(**filters).select_related(*WITH_PEOPLE).order_by("pk")


def meeting_invitations_cancel(
    *,
    actor: Any,
    meeting: Meeting,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> int:
    """Tell everyone invited that the meeting is cancelled (METHOD:CANCEL, the next SEQUENCE).
    Called by `meeting_cancel` in its transaction; returns how many were told."""
    now = timezone.now()
    invitations = list(_invitations_with_people(meeting, cancelled_at__isnull=True))
    sequence = max((invitation.sequence for invitation in invitations), default=0) + 1
    told = 0
    for invitation in invitations:
        invitation.meeting = meeting
        invitation.sequence = sequence
        invitation.cancelled_at = now
        save_audited(
            invitation,
            AuditAction.UPDATE,
            ["sequence", "cancelled_at"],
            actor=actor,
            request=request,
            channel=channel,
        )
        told += _tell(
            invitation,
            MEETING_CANCELLED,
            CANCEL,
            actor=actor,
            request=request,
            channel=channel,
        )
    return told


def reminder_window(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Tomorrow in the project's zone (Asia/Oral), from midnight to midnight."""
    zone = schedule_time_zone()
    tomorrow = now.astimezone(zone).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(), tzinfo=zone)
    return start, start + dt.timedelta(days=1)


def meeting_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Remind everyone invited to a meeting tomorrow, once each: an invitation is claimed with a
    conditional update before its notice is written, so a second run (or a second worker)
    finds nothing left to remind. Returns how many reminders were queued."""
    now = now or timezone.now()
    start, end = reminder_window(now)
    due = MeetingInvitation.objects.filter(
        meeting__status=MeetingStatus.PLANNED,
        meeting__starts_at__gte=start,
        meeting__starts_at__lt=end,
        reminded_at__isnull=True,
        cancelled_at__isnull=True,
    ).values_list("pk", flat=True)
    reminded = 0
    for invitation_id in list(due):
        with transaction.atomic():
            claimed = MeetingInvitation.objects.filter(
                pk=invitation_id, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            invitation = MeetingInvitation.objects.select_related(
                "meeting__council__organisation", *WITH_PEOPLE
            ).get(pk=invitation_id)
            audited(
                invitation,
                AuditAction.UPDATE,
                ["reminded_at"],
                actor=None,
                channel=AuditChannel.TASK,
            )
            reminded += _tell(
                invitation, MEETING_REMINDER, None, actor=None, channel=AuditChannel.TASK
            )
    return reminded


class InvitationLinkInvalid(DomainError):
    """The personal link was altered or made up."""


class InvitationLinkExpired(DomainError):
    """The meeting is over or cancelled: nothing can be asked for it any more."""


def invitation_by_token(token: str, *, now: dt.datetime | None = None) -> MeetingInvitation:
    """The invitation a personal link names, while its meeting is still ahead."""
    try:
        invitation_id = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as error:
        raise InvitationLinkInvalid(_("This link is not valid.")) from error
    invitation = (
        MeetingInvitation.objects.select_related("meeting__council__organisation", "member")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise InvitationLinkInvalid(_("This link is not valid."))
    meeting = invitation.meeting
    if (
        invitation.cancelled_at is not None
        or meeting.status != MeetingStatus.PLANNED
        or meeting_ends_at(meeting) <= (now or timezone.now())
    ):
        raise InvitationLinkExpired(_("This link has expired: the meeting is over or cancelled."))
    return invitation


def invitation_accommodation_requests(
    *,
    invitation: MeetingInvitation,
    needs: list[str],
    note: str = "",
    request: HttpRequest | None = None,
) -> list[AccommodationRequest]:
    """The invitee's reply: each need not asked for yet becomes a task for the secretary.

    Asked without signing in (the link is the proof), so the audit record has no actor."""
    if not needs:
        raise ValidationError({"needs": [_("Choose at least one thing you need.")]})
    asked = set(
        invitation.accommodation_requests.exclude(status=AccommodationStatus.DECLINED).values_list(
            "need", flat=True
        )
    )
    account = invitation.member.account if invitation.member is not None else None
    with transaction.atomic():
        return [
            accommodation_request(
                actor=None,
                meeting=invitation.meeting,
                requested_by=invitation.full_name,
                need=need,
                note=note,
                account=account,
                invitation=invitation,
                request=request,
            )
            for need in needs
            if need not in asked
        ]
