"""The council dashboard's figures, against counts made by hand: no data, recommendations by
addressee and state and the share answered within the due date, petitions of one territory of
exactly 5 and of exactly 4, the work plan done against planned, the filters, the differencing
attacks on the petitions (the only figures about persons), and a query count that does not grow
with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kopir.council.models import (
    MeetingStatus,
    PlanStatus,
    RecommendationStatus,
    WorkPlanItemStatus,
)
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CouncilFactory,
    MeetingFactory,
    MonitoringVisitFactory,
    PetitionFactory,
    RecommendationFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.periods import Period
from kopir.oversight.selectors.council import council_dashboard
from kopir.oversight.selectors.scope import Scope

pytestmark = pytest.mark.django_db

Q1 = Period(2026, 1)
TODAY = dt.date(2026, 3, 20)
DUE = dt.date(2026, 3, 1)


@pytest.fixture
def region() -> Any:
    return TerritoryFactory.create(level=TerritoryLevel.REGION, name_en="West")


def council_in(territory: Any, name: str = "Council") -> Any:
    organisation = OrganisationFactory.create(kind=OrganisationKind.PUBLIC_COUNCIL, name_en=name)
    return CouncilFactory.create(territory=territory, organisation=organisation)


def district(region: Any, name: str) -> Any:
    return TerritoryFactory.create(level=TerritoryLevel.DISTRICT, parent=region, name_en=name)


def recommendations(council: Any, addressee: Any, count: int, **fields: Any) -> None:
    fields = {
        "status": RecommendationStatus.SENT,
        "sent_on": dt.date(2026, 2, 2),
        "answer_due_on": DUE,
        **fields,
    }
    for _ in range(count):
        RecommendationFactory.create(council=council, addressee=addressee, **fields)


def petitions(council: Any, count: int, **fields: Any) -> list[Any]:
    fields = {"received_on": dt.date(2026, 2, 2), "answer_due_on": DUE, **fields}
    return [PetitionFactory.create(council=council, **fields) for _ in range(count)]


def shown(*figures: Any) -> list[str]:
    return [str(figure) for figure in figures]


def test_no_data_shows_nothing() -> None:
    board = council_dashboard(Scope(Q1), today=TODAY)
    assert board.is_empty
    assert board.recommendations_total.sent == 0
    assert board.recommendations_total.answered_in_time_share is None
    assert board.plan_total.done_share is None


def test_recommendations_by_addressee_and_state_counted_by_hand(region: Any) -> None:
    council = council_in(region)
    akimat = OrganisationFactory.create(kind=OrganisationKind.AKIMAT, name_en="Akimat")
    office = OrganisationFactory.create(kind=OrganisationKind.HEALTH_OFFICE, name_en="Health")
    # Akimat: 2 answered on time and executed, 1 answered late (in progress), 1 still sent with
    # its due date passed, 1 sent and due after today: 4 due, 2 in time.
    recommendations(
        council,
        akimat,
        2,
        status=RecommendationStatus.EXECUTED,
        answered_on=dt.date(2026, 2, 20),
    )
    recommendations(
        council,
        akimat,
        1,
        status=RecommendationStatus.IN_PROGRESS,
        answered_on=dt.date(2026, 3, 5),
    )
    recommendations(council, akimat, 1)
    recommendations(council, akimat, 1, answer_due_on=dt.date(2026, 4, 1))
    # Health: 1 rejected, answered on its due date.
    recommendations(council, office, 1, status=RecommendationStatus.REJECTED, answered_on=DUE)
    # Not counted: a draft, and one sent in the second quarter.
    recommendations(council, akimat, 1, status=RecommendationStatus.DRAFT, sent_on=None)
    recommendations(council, akimat, 1, sent_on=dt.date(2026, 4, 2))

    board = council_dashboard(Scope(Q1), today=TODAY)
    first, second = board.recommendations  # by name: Akimat, Health
    # sent, acknowledged, in progress, executed, partly executed, rejected
    assert (first.label, first.by_state) == ("Akimat", (2, 0, 1, 2, 0, 0))
    assert (first.sent, first.answer_due, first.answered_in_time) == (5, 4, 2)
    assert first.answered_in_time_share == 0.5
    assert (second.by_state, second.answered_in_time_share) == ((0, 0, 0, 0, 0, 1), 1.0)
    total = board.recommendations_total
    assert (total.sent, total.answer_due, total.answered_in_time) == (6, 5, 3)
    assert total.answered_in_time_share == 0.6


def test_petitions_of_exactly_five_and_exactly_four(region: Any) -> None:
    north, south = district(region, "North"), district(region, "South")
    north_council, south_council = council_in(north, "North council"), council_in(south)
    # North: 5 answered on time (one on its due date), 1 late, 2 overdue.
    petitions(north_council, 4, answered_on=dt.date(2026, 2, 20))
    petitions(north_council, 1, answered_on=DUE)
    petitions(north_council, 1, answered_on=dt.date(2026, 3, 4))
    petitions(north_council, 2)
    # South: exactly 4, answered on time; and 5 received in the next quarter.
    petitions(south_council, 4, answered_on=dt.date(2026, 2, 10))
    petitions(south_council, 5, received_on=dt.date(2026, 4, 6), answer_due_on=dt.date(2026, 5, 6))

    board = council_dashboard(Scope(Q1, territory=region), today=TODAY)
    first, second = board.petitions  # by territory name: North, South
    assert first.label == "North"
    assert shown(first.on_time, first.late, first.overdue, first.pending) == [
        "5",
        "each <5",
        "each <5",
        "each <5",
    ]
    assert str(first.received) == "5"
    # 5 on time over 5 answered as shown (the late one is "each <5" and adds nothing).
    assert first.on_time_share == 1.0
    assert shown(second.received, second.on_time) == ["each <5", "each <5"]
    assert second.on_time_share is None
    assert board.petitions_total.received.value == 5


def test_every_council_territory_in_scope_has_its_row(region: Any) -> None:
    quiet = district(region, "Quiet")
    council_in(quiet)
    board = council_dashboard(Scope(Q1, territory=region), today=TODAY)
    assert [(r.label, str(r.received)) for r in board.petitions] == [("Quiet", "each <5")]


def test_the_work_plan_done_against_planned(region: Any) -> None:
    council = council_in(region, "West council")
    plan = WorkPlanFactory.create(council=council, status=PlanStatus.APPROVED)
    for status, in_quarter in [
        (WorkPlanItemStatus.DONE, 1),
        (WorkPlanItemStatus.DONE, 1),
        (WorkPlanItemStatus.PENDING, 1),
        (WorkPlanItemStatus.MOVED, 1),
        (WorkPlanItemStatus.CANCELLED, 2),
        (WorkPlanItemStatus.DONE, 3),
    ]:
        WorkPlanItemFactory.create(plan=plan, status=status, quarter=in_quarter)
    # A draft plan's items are not the plan.
    draft = WorkPlanFactory.create(council=council, year=2026, title="Draft")
    WorkPlanItemFactory.create(plan=draft, status=WorkPlanItemStatus.DONE, quarter=1)

    quarter = council_dashboard(Scope(Q1), today=TODAY)
    # done, pending, moved, cancelled
    assert [(r.label, r.by_state) for r in quarter.plan] == [("West council", (2, 1, 1, 0))]
    assert (quarter.plan_total.planned, quarter.plan_total.done_share) == (4, 0.5)
    year = council_dashboard(Scope(Period(2026)), today=TODAY)
    assert year.plan_total.by_state == (3, 1, 1, 1)
    assert year.plan_total.done_share == 0.5


def test_an_item_that_a_held_meeting_or_a_past_visit_links_to_counts_as_done(region: Any) -> None:
    """As the plan's page shows it: nobody ticks an item that a held meeting, an agenda item of a
    held meeting or a visit made links to. It counted as pending, 1 of 4 done where the page
    showed 3."""
    council = council_in(region, "West council")
    plan = WorkPlanFactory.create(council=council, status=PlanStatus.APPROVED)
    by_meeting, by_agenda, by_visit, planned_meeting, later_visit, _by_hand = (
        WorkPlanItemFactory.create(plan=plan, status=status, quarter=1)
        for status in [WorkPlanItemStatus.PENDING] * 5 + [WorkPlanItemStatus.DONE]
    )
    MeetingFactory.create(council=council, status=MeetingStatus.HELD, plan_item=by_meeting)
    AgendaItemFactory.create(
        meeting=MeetingFactory.create(council=council, status=MeetingStatus.HELD),
        plan_item=by_agenda,
    )
    MonitoringVisitFactory.create(council=council, visited_on=TODAY, plan_item=by_visit)
    # Not done yet: a meeting still planned, a visit after today.
    MeetingFactory.create(council=council, plan_item=planned_meeting)
    MonitoringVisitFactory.create(
        council=council, visited_on=TODAY + dt.timedelta(days=1), plan_item=later_visit
    )

    board = council_dashboard(Scope(Q1), today=TODAY)

    # done, pending, moved, cancelled
    assert board.plan_total.by_state == (4, 2, 0, 0)


def test_the_filters_territory_and_addressee(region: Any) -> None:
    here, elsewhere = council_in(region), council_in(TerritoryFactory.create())
    akimat = OrganisationFactory.create(kind=OrganisationKind.AKIMAT)
    office = OrganisationFactory.create(kind=OrganisationKind.HEALTH_OFFICE)
    recommendations(here, akimat, 3)
    recommendations(here, office, 2)
    recommendations(elsewhere, akimat, 4)
    petitions(here, 5)
    petitions(elsewhere, 5)
    assert council_dashboard(Scope(Q1), today=TODAY).recommendations_total.sent == 9
    in_region = council_dashboard(Scope(Q1, territory=region), today=TODAY)
    assert in_region.recommendations_total.sent == 5
    assert [str(r.received) for r in in_region.petitions] == ["5"]
    to_akimat = council_dashboard(Scope(Q1, territory=region, organisation=akimat), today=TODAY)
    assert to_akimat.recommendations_total.sent == 3
    # The addressee chosen does not narrow the petitions: they are addressed to the council.
    assert to_akimat.petitions_total.received.value == 5


def _petition_pages(region: Any, *scopes: Scope) -> list[Any]:
    pages = []
    for scope in scopes:
        board = council_dashboard(scope, today=TODAY)
        rows = [*board.petitions, board.petitions_total]
        pages.append(
            [
                (
                    r.label,
                    *shown(r.received, r.on_time, r.late, r.overdue, r.pending),
                    r.on_time_share,
                )
                for r in rows
            ]
        )
    return pages


def test_total_minus_the_other_cells_tells_nothing_of_a_small_cell(region: Any) -> None:
    """South's late petitions are 0 to 4: every petition figure on every page (the country, the
    region, the district, an addressee chosen) reads the same whichever it is."""
    north, south = district(region, "North"), district(region, "South")
    petitions(council_in(north), 8, answered_on=dt.date(2026, 2, 20))
    southern = council_in(south)
    petitions(southern, 6, answered_on=dt.date(2026, 2, 20))
    waiting = petitions(southern, 4, received_on=dt.date(2026, 7, 1))
    addressee = OrganisationFactory.create(kind=OrganisationKind.AKIMAT)
    scopes = (
        Scope(Q1),
        Scope(Q1, territory=region),
        Scope(Q1, territory=south),
        Scope(Q1, territory=region, organisation=addressee),
    )
    seen = _petition_pages(region, *scopes)
    for petition in waiting:
        petition.received_on = dt.date(2026, 2, 2)
        petition.answered_on = dt.date(2026, 3, 10)
        petition.save(update_fields=["received_on", "answered_on"])
        assert _petition_pages(region, *scopes) == seen


def test_a_year_minus_its_quarters_leaves_a_small_quarter_two_readings(region: Any) -> None:
    """3 or 2 petitions in the first quarter beside 6 in the second: the year (9 or 8, shown 10)
    and each quarter read the same either way."""
    council = council_in(region)
    petitions(council, 6, received_on=dt.date(2026, 5, 4), answer_due_on=dt.date(2026, 6, 4))
    petitions(council, 2)
    extra = petitions(council, 1, received_on=dt.date(2027, 1, 5))
    periods = [Scope(Period(2026)), *(Scope(q) for q in Period(2026).quarters())]
    seen = _petition_pages(region, *periods)
    extra[0].received_on = dt.date(2026, 2, 2)
    extra[0].save(update_fields=["received_on"])
    assert _petition_pages(region, *periods) == seen


def test_the_query_count_does_not_grow_with_the_data(
    region: Any, django_assert_max_num_queries: Any
) -> None:
    for name in ("North", "South", "East"):
        council = council_in(district(region, name), f"{name} council")
        recommendations(council, OrganisationFactory.create(kind=OrganisationKind.AKIMAT), 3)
        petitions(council, 5)
        plan = WorkPlanFactory.create(council=council, status=PlanStatus.APPROVED)
        WorkPlanItemFactory.create(plan=plan, status=WorkPlanItemStatus.DONE)
    # The territory's subtree (one query per level below it: 2 here), the recommendations' GROUP
    # BY and their addressees, the councils in scope, the petitions' GROUP BY, the plan's GROUP BY
    # and its councils: whatever the number of rows.
    with django_assert_max_num_queries(9):
        board = council_dashboard(Scope(Q1, territory=region), today=TODAY)
    assert board.recommendations_total.sent == 9
    assert board.petitions_total.received.value == 15
    assert board.plan_total.done == 3
