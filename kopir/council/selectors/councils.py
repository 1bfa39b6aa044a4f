"""Reads about councils: the list a user may open, a council's overview, its compositions and
work plans with each item's progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from kopir.council.access import councils_for_user
from kopir.council.models import (
    AgendaItem,
    Composition,
    CompositionStatus,
    Council,
    Meeting,
    MeetingStatus,
    Member,
    MonitoringVisit,
    PlanStatus,
    Vote,
    WorkPlan,
    WorkPlanItem,
    WorkPlanItemStatus,
)


def council_list_for(user: Any) -> QuerySet[Council]:
    """The councils the user may open, with the size of the composition in force and the next
    meeting (two subqueries, so the page costs the same however many councils there are)."""
    members_in_force = (
        Member.objects.filter(
            composition__council=OuterRef("pk"), composition__status=CompositionStatus.APPROVED
        )
        .order_by()
        .values("composition__council")
        .annotate(total=Count("pk"))
        .values("total")
    )
    next_meeting = Meeting.objects.filter(
        council=OuterRef("pk"), status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    ).order_by("starts_at")
    return (
        councils_for_user(user)
        .select_related("organisation", "territory")
        .annotate(
            members_in_force=Coalesce(
                Subquery(members_in_force, output_field=IntegerField()), Value(0)
            ),
            next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
        )
        .order_by("-is_active", "organisation__name_kk")
    )


def members_of(composition: Composition | None) -> list[Member]:
    if composition is None:
        return []
    return list(
        composition.members.select_related("affiliation", "account").order_by("order", "full_name")
    )


@dataclass(frozen=True)
class CouncilOverview:
    council: Council
    composition: Composition | None
    members: list[Member]
    merged_from: list[Council]
    merged_into: list[Council]
    upcoming: list[Meeting]
    recent: list[Meeting]
    plans: list[WorkPlan]


def council_overview(council: Council) -> CouncilOverview:
    composition = (
        council.compositions.filter(status=CompositionStatus.APPROVED)
        .select_related("approved_by_vote__agenda_item__meeting")
        .first()
    )
    now = timezone.now()
    meetings = council.meetings.order_by("starts_at")
    return CouncilOverview(
        council=council,
        composition=composition,
        members=members_of(composition),
        merged_from=list(council.merged_from.select_related("organisation")),
        merged_into=list(council.merged_into.select_related("organisation")),
        upcoming=list(meetings.filter(status=MeetingStatus.PLANNED, starts_at__gte=now)[:3]),
        recent=list(meetings.filter(status=MeetingStatus.HELD).order_by("-starts_at")[:3]),
        plans=list(council.plans.order_by("-year")[:3]),
    )


def composition_list(council: Council) -> QuerySet[Composition]:
    return (
        council.compositions.select_related("approved_by_vote__agenda_item__meeting")
        .annotate(member_count=Count("members"))
        .order_by("-number")
    )


DecidedT = TypeVar("DecidedT", Composition, WorkPlan)


def _with_deciding_vote(model: type[DecidedT], council: Council, pk: int) -> DecidedT:
    """One of the council's compositions or plans with the vote that approved it, or 404."""
    return get_object_or_404(
        model.objects.select_related("approved_by_vote__agenda_item__meeting"),
        council=council,
        pk=pk,
    )


def composition_in_council(council: Council, pk: int) -> Composition:
    return _with_deciding_vote(Composition, council, pk)


def proposed_compositions(council: Council) -> list[Composition]:
    """The compositions a vote can approve."""
    return list(council.compositions.filter(status=CompositionStatus.PROPOSED))


def deciding_votes(
    *, composition: Composition | None = None, plan: WorkPlan | None = None
) -> list[Vote]:
    """The votes taken on a composition or a plan, with their meeting (for links)."""
    votes = Vote.objects.select_related("agenda_item__meeting")
    if composition is not None:
        votes = votes.filter(decides_composition=composition)
    elif plan is not None:
        votes = votes.filter(decides_plan=plan)
    else:
        return []
    return list(votes.order_by("agenda_item__meeting__starts_at", "pk"))


def plan_list(council: Council) -> QuerySet[WorkPlan]:
    return (
        council.plans.select_related("approved_by_vote__agenda_item__meeting")
        .annotate(item_count=Count("items"))
        .order_by("-year", "-pk")
    )


def plan_in_council(council: Council, pk: int) -> WorkPlan:
    return _with_deciding_vote(WorkPlan, council, pk)


def draft_plans(council: Council) -> list[WorkPlan]:
    """The work plans a vote can approve."""
    return list(council.plans.filter(status=PlanStatus.DRAFT))


def votes_on_item(item_pk: int) -> QuerySet[Vote]:
    """The votes taken on one agenda item: the only ones its decision may rest on."""
    return Vote.objects.filter(agenda_item_id=item_pk)


def _done_links(today: dt.date) -> dict[str, Exists]:
    """What makes a plan item done without anyone ticking it: a held meeting, an agenda item of a
    held meeting or a monitoring visit that has taken place, linked to it."""
    return {
        "linked_meeting": Exists(
            Meeting.objects.filter(plan_item=OuterRef("pk"), status=MeetingStatus.HELD)
        ),
        "linked_agenda": Exists(
            AgendaItem.objects.filter(plan_item=OuterRef("pk"), meeting__status=MeetingStatus.HELD)
        ),
        "linked_visit": Exists(
            MonitoringVisit.objects.filter(plan_item=OuterRef("pk"), visited_on__lte=today)
        ),
    }


def plan_item_progress(today: dt.date) -> Case:
    """The status a plan item is shown with, as a database expression: done when something done
    links to it (`plan_items_with_progress`), otherwise the status the secretary set. The
    dashboards and the annual report count items by it, so they agree with the plan's page."""
    links = _done_links(today)
    return Case(
        When(
            Q(links["linked_meeting"]) | Q(links["linked_agenda"]) | Q(links["linked_visit"]),
            then=Value(WorkPlanItemStatus.DONE.value),
        ),
        default=F("status"),
        output_field=CharField(),
    )


def plan_items_with_progress(plan: WorkPlan, today: dt.date | None = None) -> list[Any]:
    """The plan's items, each with `progress` (the status shown) and what was done for it.

    An item is done when a held meeting, an agenda item of a held meeting or a monitoring visit
    that has taken place links to it: nobody has to remember to tick it. Otherwise the status the
    secretary set applies (pending, moved with a note, cancelled, or done by hand).
    """
    today = today or timezone.localdate()
    held_meetings = Meeting.objects.filter(status=MeetingStatus.HELD)
    items = (
        plan.items.annotate(**_done_links(today))
        .prefetch_related(
            Prefetch("responsible", queryset=Member.objects.order_by("order", "full_name")),
            "bodies_to_invite",
            Prefetch("meetings", queryset=held_meetings.order_by("starts_at")),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.filter(meeting__status=MeetingStatus.HELD)
                .select_related("meeting")
                .order_by("meeting__starts_at"),
            ),
            Prefetch(
                "visits",
                queryset=MonitoringVisit.objects.filter(visited_on__lte=today)
                .select_related("site")
                .order_by("visited_on"),
            ),
        )
        .order_by("quarter", "month", "order")
    )
    result: list[Any] = list(items)
    for item in result:
        linked = item.linked_meeting or item.linked_agenda or item.linked_visit
        item.progress = WorkPlanItemStatus.DONE if linked else item.status
        item.progress_label = WorkPlanItemStatus(item.progress).label
    return result


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def plan_status_counts(items: list[Any]) -> list[StatusCount]:
    """How many items are done, pending, moved and cancelled (every status listed, even at 0)."""
    counts = dict.fromkeys(WorkPlanItemStatus.values, 0)
    for item in items:
        counts[item.progress] += 1
    order = [
        WorkPlanItemStatus.DONE,
        WorkPlanItemStatus.PENDING,
        WorkPlanItemStatus.MOVED,
        WorkPlanItemStatus.CANCELLED,
    ]
    return [StatusCount(str(status), str(status.label), counts[status]) for status in order]


def responsible_choices(council: Council) -> QuerySet[Member]:
    """Members who can be made responsible for plan items: those of the current composition and
    of one being proposed."""
    return (
        Member.objects.filter(
            composition__council=council,
            composition__status__in=[CompositionStatus.APPROVED, CompositionStatus.PROPOSED],
        )
        .select_related("composition")
        .order_by("-composition__number", "order", "full_name")
    )


def open_plan_items(council: Council) -> QuerySet[WorkPlanItem]:
    """Items of the council's plans that a meeting or an agenda item can be linked to."""
    return (
        WorkPlanItem.objects.filter(
            plan__council=council, plan__status__in=[PlanStatus.APPROVED, PlanStatus.DRAFT]
        )
        .exclude(status=WorkPlanItemStatus.CANCELLED)
        .select_related("plan")
        .order_by("-plan__year", "quarter", "month", "order")
    )
