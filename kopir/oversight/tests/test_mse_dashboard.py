"""The in-absentia MSE dashboard's figures, against counts made by hand: no data, one clinic of
exactly 5 and of exactly 4 referrals, two clinics, the filters, and a query count that does not
grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from kopir.assessment.models import Route
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.disclosure import Count
from kopir.oversight.periods import Period
from kopir.oversight.selectors.mse import mse_dashboard
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tests.referrals import at, sent_referral

pytestmark = pytest.mark.django_db

Q1 = Period(2026, 1)
TODAY = dt.date(2026, 3, 31)
MONDAY = dt.date(2026, 2, 2)  # February 2026 has no public holiday in Kazakhstan
# Decided 1, 2, 3, 5 and 10 working days after Monday 2 February.
DECIDED = [
    dt.date(2026, 2, 3),
    dt.date(2026, 2, 4),
    dt.date(2026, 2, 5),
    dt.date(2026, 2, 9),
    dt.date(2026, 2, 16),
]


def row_of(board: Any, clinic: Any) -> Any:
    """The clinic's row: every clinic in scope has one (the persons' registering clinics too)."""
    return next(row for row in board.rows if row.clinic_name == clinic.name)


def clinic(**fields: Any) -> Any:
    return OrganisationFactory(kind=OrganisationKind.MEDICAL, **fields)


def test_no_data_shows_nothing_and_no_median() -> None:
    board = mse_dashboard(Scope(Q1), today=TODAY)
    assert board.rows == []
    assert board.sent.value == 0
    assert board.decided == Count(None)
    assert (board.median_days, board.p90_days) == (None, None)
    assert board.returned_share is None


def test_one_clinic_of_exactly_five_referrals() -> None:
    polyclinic = clinic()
    for index, decided in enumerate(DECIDED):
        # Two of them went back once, one of those twice: 2 returned, 3 returns.
        sent_referral(polyclinic, MONDAY, decided_on=decided, returns=[2, 1, 0, 0, 0][index])
    board = mse_dashboard(Scope(Q1), today=TODAY)
    row = row_of(board, polyclinic)
    assert (str(row.sent), str(row.returned), str(row.returns), str(row.overdue)) == (
        "5",
        "each <5",
        "each <5",
        "each <5",
    )
    assert row.returned_share is None
    assert board.sent.value == 5
    # Nearest rank of 1, 2, 3, 5, 10: the 3rd for the median, the 5th for the 90th percentile.
    assert (board.median_days, board.p90_days) == (3, 10)


def test_one_clinic_of_exactly_four_referrals_shows_no_figure() -> None:
    polyclinic = clinic()
    for decided in DECIDED[:4]:
        sent_referral(polyclinic, MONDAY, decided_on=decided)
    board = mse_dashboard(Scope(Q1), today=TODAY)
    assert row_of(board, polyclinic).sent == Count(None)
    assert board.sent.value == 0
    assert str(board.sent) == "each <5"
    assert board.decided == Count(None)
    assert (board.median_days, board.p90_days) == (None, None)


def test_two_clinics_rounded_shares_and_overdue_steps() -> None:
    large, small = clinic(name_en="A large clinic"), clinic(name_en="B small clinic")
    for index in range(12):
        # 6 returned once; 8 still in review, 7 of them past their step's deadline.
        if index < 4:
            sent_referral(large, MONDAY, decided_on=DECIDED[index], returns=1 if index < 2 else 0)
        else:
            due = dt.date(2026, 3, 1) if index < 11 else dt.date(2026, 4, 10)
            sent_referral(large, MONDAY, returns=1 if index < 8 else 0, due_on=due)
    for _ in range(3):
        sent_referral(small, MONDAY, returns=1)
    board = mse_dashboard(Scope(Q1), today=TODAY)
    first, second = row_of(board, large), row_of(board, small)
    assert (str(first.sent), str(first.returned), str(first.returns), str(first.overdue)) == (
        "10",
        "5",
        "5",
        "5",
    )
    assert first.returned_share == 0.5
    assert first.returns_per_referral == 0.5
    assert second.sent == Count(None)
    assert board.sent.value == 10
    # The share over the clinics whose figures are both shown: 5 of 10.
    assert board.returned_share == 0.5
    assert board.overdue.value == 5


def test_a_clinic_that_sent_nothing_has_its_row_all_under_5() -> None:
    """A zero shows "<5" like 1 to 4, so no row's absence tells a reader which is which."""
    idle = clinic()
    board = mse_dashboard(Scope(Q1), today=TODAY)
    row = row_of(board, idle)
    assert (row.sent, row.returned, row.returns, row.overdue) == (Count(None),) * 4
    assert str(board.sent) == "each <5"


def test_filters_period_territory_organisation_and_route() -> None:
    region = TerritoryFactory.create(level=TerritoryLevel.REGION)
    district = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, parent=region)
    elsewhere = TerritoryFactory.create(level=TerritoryLevel.REGION)
    inside, outside = clinic(territory=district), clinic(territory=elsewhere)
    for _ in range(5):
        sent_referral(inside, MONDAY)
        sent_referral(outside, MONDAY)
        sent_referral(inside, dt.date(2026, 4, 6))  # the second quarter
        sent_referral(inside, MONDAY, route=Route.IN_PERSON)
    assert mse_dashboard(Scope(Q1), today=TODAY).sent.value == 10
    assert mse_dashboard(Scope(Q1, territory=region), today=TODAY).sent.value == 5
    assert mse_dashboard(Scope(Q1, territory=district), today=TODAY).sent.value == 5
    assert mse_dashboard(Scope(Q1, organisation=outside), today=TODAY).sent.value == 5
    year = mse_dashboard(Scope(Period(2026), territory=region), today=dt.date(2026, 6, 30))
    assert year.sent.value == 10


def test_a_referral_sent_at_the_quarters_edge_counts_in_kazakhstan_time() -> None:
    polyclinic = clinic()
    for _ in range(5):
        # 00:30 on 1 April in Oral is still 31 March in UTC: the second quarter here.
        sent = sent_referral(polyclinic, dt.date(2026, 4, 1))
        sent.first_sent_at = at(dt.date(2026, 4, 1), 0).replace(minute=30)
        sent.save(update_fields=["first_sent_at"])
    assert row_of(mse_dashboard(Scope(Q1), today=TODAY), polyclinic).sent == Count(None)
    assert mse_dashboard(Scope(Period(2026, 2)), today=TODAY).sent.value == 5


def test_the_query_count_does_not_grow_with_the_data(
    django_assert_max_num_queries: Any,
) -> None:
    for index in range(3):
        polyclinic = clinic()
        for decided in DECIDED:
            sent_referral(polyclinic, MONDAY, decided_on=decided, returns=index)
    # Whether the precomputed store is there (it is not), one GROUP BY, the clinics' names, the
    # count decided, the administrators' working-day overrides and the percentiles (one query
    # on PostgreSQL, one per percentile on SQLite), whatever the number of clinics and referrals.
    with django_assert_max_num_queries(7):
        board = mse_dashboard(Scope(Q1), today=TODAY)
    assert board.sent.value == 15
    assert (board.median_days, board.p90_days) == (3, 10)


def test_a_headline_of_small_clinics_does_not_say_under_5() -> None:
    """19 referrals from five clinics of 4, 4, 4, 4 and 3: each clinic shows "<5", and the
    headline adds up nothing shown; it said "<5" beside a median of 19 decided, which was false."""
    for size in (4, 4, 4, 4, 3):
        polyclinic = clinic()
        for _ in range(size):
            sent_referral(polyclinic, MONDAY, decided_on=DECIDED[0])
    board = mse_dashboard(Scope(Q1), today=TODAY)
    assert str(board.sent) == "each <5"
    assert board.decided == Count(20)
    assert board.median_days == 1
