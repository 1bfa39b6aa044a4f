"""The dashboards' precomputed store: the same published figures as the live computation on the
same data (exactly 5 and exactly 4 in a cell, filters, the quarter's edge in Kazakhstan's time),
counted by hand too; when it was computed; what it shows before its first refresh and after a
change it has not seen yet; and its periodic job."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from kopir.assessment.models import Route
from kopir.core.registry import Every, registry
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight import precomputed
from kopir.oversight.disclosure import Count, Total
from kopir.oversight.models import MseQuarter, StoreRefresh
from kopir.oversight.periods import Period
from kopir.oversight.selectors.mse import mse_dashboard
from kopir.oversight.selectors.rehabilitation import rehabilitation_dashboard
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tests.measures import (
    HOLDER_CELLS,
    agency,
    every_outcome,
    measures,
    outcome_cells,
)
from kopir.oversight.tests.referrals import at, sent_referral
from kopir.oversight.tests.test_mse_dashboard import DECIDED, MONDAY
from kopir.rehabilitation.models.execution import MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureTypeFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 31)


def clinic(**fields: Any) -> Any:
    return OrganisationFactory(kind=OrganisationKind.MEDICAL, **fields)


def without_stamp(board: Any) -> Any:
    return dataclasses.replace(board, computed_at=None)


@pytest.fixture
def territories() -> dict[str, Any]:
    region = TerritoryFactory.create(level=TerritoryLevel.REGION)
    return {
        "region": region,
        "district": TerritoryFactory.create(level=TerritoryLevel.DISTRICT, parent=region),
        "elsewhere": TerritoryFactory.create(level=TerritoryLevel.REGION),
    }


@pytest.fixture
def referrals(territories: dict[str, Any]) -> dict[str, Any]:
    """Exactly 5 referrals of one clinic, exactly 4 of another, 12 of a third elsewhere, in the
    first quarter; more in the second, one of them at 00:30 on 1 April in Oral (still March in
    UTC); in-person ones that never count."""
    five = clinic(name_en="A five", territory=territories["district"])
    four = clinic(name_en="B four", territory=territories["region"])
    large = clinic(name_en="C large", territory=territories["elsewhere"])
    for index, decided in enumerate(DECIDED):
        sent_referral(five, MONDAY, decided_on=decided, returns=[2, 1, 0, 0, 0][index])
    for decided in DECIDED[:4]:
        sent_referral(four, MONDAY, decided_on=decided, returns=1)
    for index in range(12):
        if index < 4:
            sent_referral(large, MONDAY, decided_on=DECIDED[index], returns=index % 2)
        else:
            due = dt.date(2026, 3, 1) if index < 11 else dt.date(2026, 4, 10)
            sent_referral(large, MONDAY, returns=1 if index < 8 else 0, due_on=due)
    for _ in range(5):
        edge = sent_referral(five, dt.date(2026, 4, 1), decided_on=dt.date(2026, 4, 3))
        edge.first_sent_at = at(dt.date(2026, 4, 1), 0).replace(minute=30)
        edge.save(update_fields=["first_sent_at"])
        sent_referral(five, MONDAY, route=Route.IN_PERSON)
    return {"five": five, "four": four, "large": large, **territories}


def mse_scopes(found: dict[str, Any]) -> list[Scope]:
    periods = [Period(2026, 1), Period(2026, 2), Period(2026), Period(2025)]
    return [
        *(Scope(period) for period in periods),
        Scope(Period(2026, 1), territory=found["region"]),
        Scope(Period(2026, 1), territory=found["district"]),
        Scope(Period(2026), territory=found["elsewhere"]),
        Scope(Period(2026, 1), organisation=found["four"]),
        Scope(Period(2026), organisation=found["five"]),
    ]


def test_mse_store_gives_the_live_figures_for_every_period_and_filter(
    referrals: dict[str, Any],
) -> None:
    scopes = mse_scopes(referrals)
    live = [mse_dashboard(scope, today=TODAY) for scope in scopes]
    assert all(board.computed_at is None for board in live)
    precomputed.refresh(TODAY)
    stored = [mse_dashboard(scope, today=TODAY) for scope in scopes]
    assert all(board.computed_at is not None for board in stored)
    assert [without_stamp(board) for board in stored] == live
    # And `live` still computes from the referrals with the store in place.
    assert mse_dashboard(scopes[0], today=TODAY, live=True) == live[0]


def test_mse_store_figures_counted_by_hand(referrals: dict[str, Any]) -> None:
    precomputed.refresh(TODAY)
    board = mse_dashboard(Scope(Period(2026, 1)), today=TODAY)
    rows = {row.clinic_name: row for row in board.rows}
    five, four, large = rows["A five"], rows["B four"], rows["C large"]
    # Exactly 5: shown; 2 returned, 3 returns: "<5".
    assert (str(five.sent), str(five.returned), str(five.returns)) == ("5", "each <5", "each <5")
    # Exactly 4: "<5" everywhere, and left out of the total.
    assert (four.sent, four.returned, four.returns) == (Count(None),) * 3
    # 12 sent → 10; 6 returned once (2 decided, 4 in review) → 5; 7 past their step's deadline.
    assert (str(large.sent), str(large.returned), str(large.overdue)) == ("10", "5", "5")
    # The four clinic's "<5" is left out of the total (as are the clinics with none).
    assert board.sent.value == 15
    assert board.sent.left_out >= 1
    # 13 decided: 1,2,3,5 working days from the four clinic and from the large one, and
    # 1,2,3,5,10 from the five: 1,1,1,2,2,2,3,3,3,5,5,5,10. Median: the 7th (3); 90th
    # percentile: the 12th (ceil 11.7) (5).
    assert board.decided == Count(15)
    assert (board.median_days, board.p90_days) == (3, 5)
    # The second quarter: the five sent at 00:30 on 1 April in Oral; decided on 3 April,
    # after the day the figures are for, so not counted as decided.
    second = mse_dashboard(Scope(Period(2026, 2)), today=TODAY)
    assert str(second.sent) == "5"
    assert (second.decided, second.median_days) == (Count(None), None)


def test_a_referral_sent_after_the_refresh_waits_for_the_next_one(
    referrals: dict[str, Any],
) -> None:
    precomputed.refresh(TODAY)
    sent_referral(referrals["four"], MONDAY)
    # (The new referral's person brings a registering clinic of its own: a new row, "<5".)
    stale = {row.clinic_name: row for row in mse_dashboard(Scope(Period(2026, 1))).rows}
    assert stale["B four"].sent == Count(None)
    precomputed.refresh(TODAY)
    after = {row.clinic_name: row for row in mse_dashboard(Scope(Period(2026, 1))).rows}
    # The four clinic now has 5: its row is shown.
    assert str(after["B four"].sent) == "5"
    # Recomputed, not added to: one row per (month, clinic).
    assert MseQuarter.objects.filter(organisation=referrals["four"]).count() == 1


def test_an_empty_country_computes_an_empty_store() -> None:
    runs = precomputed.refresh(TODAY)
    assert {run.store for run in runs} == {precomputed.MSE, precomputed.REHABILITATION}
    board = mse_dashboard(Scope(Period(2026, 1)), today=TODAY)
    assert board.computed_at is not None
    assert (board.rows, board.sent, board.decided) == ([], Total(0, 0), Count(None))
    assert rehabilitation_dashboard(Scope(Period(2026, 1)), today=TODAY).total.due == Total(0, 0)


@pytest.fixture
def rehabilitation_data(territories: dict[str, Any]) -> dict[str, Any]:
    """One organisation with a cell of every outcome (5 on time, 4 late, 6 failed, 7 overdue,
    5 pending), 6 redirects away from it, another with 3 on time; measures due in another
    quarter and cancelled ones."""
    holder = agency(name_en="A holder", territory=territories["district"])
    other = agency(name_en="B other", territory=territories["elsewhere"])
    every_outcome(holder, other)
    return {"holder": holder, "other": other, **territories}


def test_rehabilitation_store_gives_the_live_figures(rehabilitation_data: dict[str, Any]) -> None:
    today = dt.date(2026, 3, 15)
    found = rehabilitation_data
    scopes = [
        Scope(Period(2026, 1)),
        Scope(Period(2026, 2)),
        Scope(Period(2026)),
        Scope(Period(2026, 1), territory=found["region"]),
        Scope(Period(2026), territory=found["elsewhere"]),
        Scope(Period(2026, 1), organisation=found["holder"]),
    ]
    live = [rehabilitation_dashboard(scope, today=today) for scope in scopes]
    precomputed.refresh(today)
    stored = [rehabilitation_dashboard(scope, today=today) for scope in scopes]
    assert all(board.computed_at is not None for board in stored)
    assert [without_stamp(board) for board in stored] == live
    # By hand, from the store: the holder's cells 5, <5 (4 late), 5 (6 failed), 5 (7 overdue),
    # 5 pending; 6 redirects → 5; the other's 3 on time "<5".
    first = next(r for r in stored[0].by_organisation if r.label == "A holder")
    assert outcome_cells(first) == HOLDER_CELLS
    assert first.redirected == Total(5, 0)
    other = next(r for r in stored[0].by_organisation if r.label == "B other")
    assert other.on_time == Total(0, 1)
    # Delivered: 22 days (3), 40-44 days (5), 54 days (4 late): the median of 12 is the 6th, 42.
    assert stored[0].median_days_to_delivery == 42


def test_a_year_publishes_its_own_cells_not_its_published_quarters() -> None:
    # 3 on time in Q1 and 3 in Q2 (one organisation, one type): each quarter shows "<5", the
    # year's cell is 6 published as 5 — the job publishes each period's true count, as the live
    # page does, never the sum of its quarters' published figures (which would be 0 here).
    holder, measure_type = agency(), MeasureTypeFactory.create()
    for due_on in (dt.date(2026, 2, 1), dt.date(2026, 5, 1)):
        measures(
            holder,
            measure_type,
            3,
            status=MeasureStatus.DELIVERED,
            due_on=due_on,
            delivered_on=due_on - dt.timedelta(days=1),
        )
    today = dt.date(2026, 6, 30)
    scopes = [Scope(Period(2026)), Scope(Period(2026, 1)), Scope(Period(2026, 2))]
    live = [rehabilitation_dashboard(scope, today=today) for scope in scopes]
    precomputed.refresh(today)
    stored = [rehabilitation_dashboard(scope, today=today) for scope in scopes]
    assert [without_stamp(board) for board in stored] == live
    year, first, second = ([r for r in b.by_organisation if r.on_time.value] for b in stored)
    assert [row.on_time for row in year] == [Total(5, 0)]
    assert (first, second) == ([], [])
    assert [stored[1].total.on_time, stored[2].total.on_time] == [Total(0, 1), Total(0, 1)]
    # The disputes of the on-time cell are a cell of their own: 0, "<5".
    assert stored[0].total.disputed == Total(0, 1)


def test_the_stored_dashboards_read_a_fixed_number_of_queries(
    referrals: dict[str, Any],
    rehabilitation_data: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    precomputed.refresh(TODAY)
    # The store's stamp, its sums by clinic, the clinics' names (and those of clinics no longer
    # in scope), the histogram of working days: no count, no percentile query, no calendar.
    with django_assert_max_num_queries(5):
        mse_dashboard(Scope(Period(2026)))
    # The stamp, the grid, the redirects, the organisations' and types' names, the histogram.
    with django_assert_max_num_queries(7):
        rehabilitation_dashboard(Scope(Period(2026)))


def test_histogram_percentiles_by_nearest_rank() -> None:
    bins = [(1, 1), (2, 1), (3, 1), (5, 1), (10, 1)]
    assert precomputed.histogram_percentiles(bins, (0.5, 0.9)) == [3, 10]
    # Ten values 4,4,4,4,7,7,7,7,7,9: the 5th is 4, the 9th is 7.
    assert precomputed.histogram_percentiles([(4, 4), (7, 5), (9, 1)], (0.5, 0.9)) == [7, 7]
    assert precomputed.histogram_percentiles([(4, 5), (7, 5)], (0.5,)) == [4]
    # Cases without a value are left out, as percentile_disc leaves out NULL.
    assert precomputed.histogram_percentiles([(None, 9), (2, 1)], (0.5,)) == [2]
    assert precomputed.histogram_percentiles([], (0.5,)) == [None]


def test_the_store_is_refreshed_every_hour_by_the_worker() -> None:
    [job] = [j for j in registry.jobs if j.task_path.endswith("refresh_dashboards")]
    assert job.schedule == Every(dt.timedelta(hours=1))
    from kopir.oversight.tasks import refresh_dashboards

    assert "mse: " in refresh_dashboards.call()
    assert StoreRefresh.objects.filter(computed_at__isnull=False).count() == 2


def test_the_page_says_when_its_figures_were_computed(client: Any, secretary: Any) -> None:
    client.force_login(secretary)
    url = reverse("oversight:mse") + "?period=2026-Q1"
    assert "computed just now from the cases" in client.get(url).content.decode()
    precomputed.refresh(TODAY)
    StoreRefresh.objects.filter(store=precomputed.MSE).update(
        computed_at=dt.datetime(2026, 3, 31, 9, 0, tzinfo=dt.UTC)
    )
    page = client.get(url).content.decode()
    # 09:00 UTC is 14:00 in Oral.
    assert "Computed at March 31, 2026, 2 p.m. (Oral time)" in page
    assert "computed just now" not in page
    with translation.override("kk"):
        kazakh = client.get(reverse("oversight:mse") + "?period=2026-Q1").content.decode()
    assert "Есептелген уақыты: 31.03.2026 14:00 (Орал уақыты)" in kazakh


def test_the_command_recomputes_after_a_bulk_change(referrals: dict[str, Any]) -> None:
    out = io.StringIO()
    call_command("oversight_refresh", stdout=out)
    assert "dashboards: mse: " in out.getvalue()
    assert "dashboards: rehabilitation: " in out.getvalue()
    # The first quarter's in-absentia referrals of the five clinic (not its in-person ones).
    assert (
        MseQuarter.objects.get(organisation=referrals["five"], quarter=dt.date(2026, 1, 1)).sent
        == 5
    )
