"""Reads about meetings: the list, one meeting with everything recorded at it, attendance rows,
the quorum, and the secretary's accommodation tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from kopir.council.access import is_chair, is_secretary
from kopir.council.models import (
    AccommodationRequest,
    AccommodationStatus,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Ballot,
    Council,
    Decision,
    InvitedOfficial,
    Meeting,
    MeetingInvitation,
    Member,
    MinutesVersion,
    Speech,
    Vote,
)
from kopir.council.services.quorum import (  # re-exported: views read the quorum from here
    QuorumStatus,
    quorum_status,
    sitting_composition,
)

# The meeting list's filter value for the meetings whose minutes wait for the user's signature.
MINUTES_TO_SIGN = "to_sign"

__all__ = [
    "MINUTES_TO_SIGN",
    "AttendanceRow",
    "QuorumStatus",
    "accommodation_tasks",
    "agenda_item_for_page",
    "attendance_rows",
    "guests",
    "meeting_for_page",
    "meeting_in_council",
    "meeting_list",
    "minutes_to_sign",
    "quorum_status",
    "sitting_composition",
    "vote_for_page",
]


def meeting_list(council: Council) -> QuerySet[Meeting]:
    return (
        council.meetings.select_related("plan_item")
        .annotate(agenda_count=Count("agenda", distinct=True))
        .order_by("-starts_at")
    )


def minutes_to_sign(meetings: QuerySet[Meeting], user: Any, council: Council) -> QuerySet[Meeting]:
    """The `meetings` whose minutes are assembled and wait for the user's signature: the
    secretary's, the chair's (`access.can_sign_minutes`; both sign, the second locks them)."""
    unsigned = Q(pk__in=[])
    if is_secretary(user, council):
        unsigned |= Q(minutes__approved_by_secretary__isnull=True)
    if is_chair(user, council):
        unsigned |= Q(minutes__approved_by_chair__isnull=True)
    assembled = MinutesVersion.objects.filter(minutes__meeting_id=OuterRef("pk"))
    return meetings.filter(unsigned, Exists(assembled), minutes__locked_at__isnull=True)


def meeting_in_council(council: Council, pk: int) -> Meeting:
    """The council's meeting by its id, or 404 (a meeting of another council is not found here;
    the minutes' pages find it by its number, `access.meeting_by_number_in_council`)."""
    return get_object_or_404(
        Meeting.objects.select_related("council__organisation", "plan_item__plan", "composition"),
        council=council,
        pk=pk,
    )


def _item_records() -> tuple[str | Prefetch, ...]:
    """What is recorded on an agenda item, as the meeting's page and the item's page show it."""
    return (
        Prefetch("invited", queryset=InvitedOfficial.objects.select_related("organisation")),
        "materials",
        Prefetch("speeches", queryset=Speech.objects.select_related("organisation")),
        Prefetch("votes", queryset=Vote.objects.order_by("pk")),
        Prefetch("decisions", queryset=Decision.objects.select_related("vote")),
    )


def _agenda_prefetch() -> Any:
    return Prefetch(
        "agenda",
        queryset=AgendaItem.objects.select_related(
            "petition", "plan_item", "rapporteur_member", "rapporteur_official"
        )
        .prefetch_related(*_item_records())
        .order_by("order"),
    )


def meeting_for_page(council: Council, pk: int) -> Meeting:
    """The meeting with its agenda and what was recorded on each item, in a fixed few queries."""
    return get_object_or_404(
        Meeting.objects.select_related(
            "council__organisation", "plan_item__plan", "composition"
        ).prefetch_related(
            _agenda_prefetch(),
            Prefetch(
                "accommodation_requests",
                queryset=AccommodationRequest.objects.order_by("due_on", "pk"),
            ),
            Prefetch("invitations", queryset=MeetingInvitation.objects.order_by("pk")),
        ),
        council=council,
        pk=pk,
    )


def agenda_item_for_page(meeting: Meeting, pk: int) -> AgendaItem:
    return get_object_or_404(
        AgendaItem.objects.select_related(
            "petition",
            "plan_item__plan",
            "meeting__council",
            "rapporteur_member",
            "rapporteur_official",
        ).prefetch_related(*_item_records()),
        meeting=meeting,
        pk=pk,
    )


def vote_for_page(meeting: Meeting, pk: int) -> Vote:
    return get_object_or_404(
        Vote.objects.select_related(
            "agenda_item__meeting", "decides_composition", "decides_plan"
        ).prefetch_related(
            Prefetch(
                "ballots",
                queryset=Ballot.objects.select_related("member").order_by("member__order"),
            )
        ),
        agenda_item__meeting=meeting,
        pk=pk,
    )


@dataclass(frozen=True)
class AttendanceRow:
    member: Member
    status: str  # "" when nothing is recorded yet

    @property
    def status_label(self) -> str:
        return str(AttendanceStatus(self.status).label) if self.status else ""


def attendance_rows(meeting: Meeting) -> list[AttendanceRow]:
    """One row per member of the sitting composition, with what is recorded for them."""
    composition = sitting_composition(meeting)
    if composition is None:
        return []
    recorded = dict(
        meeting.attendance.filter(member__isnull=False).values_list("member_id", "status")
    )
    return [
        AttendanceRow(member=member, status=recorded.get(member.pk, ""))
        for member in composition.members.select_related("affiliation").order_by(
            "order", "full_name"
        )
    ]


def guests(meeting: Meeting) -> list[Attendance]:
    return list(
        meeting.attendance.filter(member__isnull=True)
        .select_related("guest_organisation")
        .order_by("pk")
    )


def accommodation_tasks(
    council: Council, *, open_only: bool = True
) -> QuerySet[AccommodationRequest]:
    tasks = AccommodationRequest.objects.filter(meeting__council=council).select_related("meeting")
    if open_only:
        tasks = tasks.filter(status=AccommodationStatus.OPEN)
    return tasks.order_by("status", "due_on", "pk")
