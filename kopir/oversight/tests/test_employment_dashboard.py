"""The employment dashboard's figures, against counts made by hand: no data, one district of
exactly 5 and of exactly 4 persons placed, the quota register by size band and district, the
filters, the differencing attacks, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory, next_bin
from kopir.oversight.disclosure import Total
from kopir.oversight.periods import Period
from kopir.oversight.selectors.employment import band_label, employment_dashboard
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tests.placements import STARTED, placed
from kopir.rehabilitation.models import EmployerQuota, Placement, QuotaBand

pytestmark = pytest.mark.django_db

Q1 = Period(2026, 1)


@pytest.fixture
def region() -> Any:
    return TerritoryFactory.create(level=TerritoryLevel.REGION, name_en="West")


def district(region: Any, name: str) -> Any:
    return TerritoryFactory.create(level=TerritoryLevel.DISTRICT, parent=region, name_en=name)


def village(district: Any) -> Any:
    rural = TerritoryFactory.create(level=TerritoryLevel.RURAL_DISTRICT, parent=district)
    return TerritoryFactory.create(level=TerritoryLevel.SETTLEMENT, parent=rural)


def office(**fields: Any) -> Any:
    return OrganisationFactory.create(kind=OrganisationKind.CAREER_CENTRE, **fields)


def quota(territory: Any, *, headcount: int, jobs: int, filled: int, kept_by: Any = None) -> Any:
    return EmployerQuota.objects.create(
        employer_bin=next_bin(),
        employer_name="ЖШС Жұмыс беруші",
        territory=territory,
        year=2026,
        headcount=headcount,
        quota_percent=3,
        quota_jobs=jobs,
        filled=filled,
        kept_by=kept_by or office(),
    )


def shown(*figures: Any) -> list[str]:
    """The figures as the page prints them (how many "<5" a total leaves out is never shown)."""
    return [str(figure) for figure in figures]


def row(rows: list[Any], label: str) -> Any:
    return next(r for r in rows if r.label == label)


def test_no_data_shows_nothing() -> None:
    board = employment_dashboard(Scope(Q1))
    assert board.placements == []
    assert board.quota_by_band == []
    assert board.placements_total.placed == Total(0, 0)
    assert board.quota_total.quota_jobs == 0
    assert board.quota_total.filled_share is None


def test_one_district_of_exactly_five_and_one_of_exactly_four(region: Any) -> None:
    north, south = district(region, "North"), district(region, "South")
    # North: 5 persons on a quota job (3 of them living in a village of the district), 1 other.
    placed(3, village(north), on_quota=True)
    placed(2, north, on_quota=True)
    placed(1, north)
    # South: exactly 4, none on a quota job; and 5 whose job starts in the next quarter.
    placed(4, south)
    placed(5, south, start=dt.date(2026, 4, 1))
    board = employment_dashboard(Scope(Q1, territory=region))
    first, second = row(board.placements, "North"), row(board.placements, "South")
    assert shown(first.on_quota, first.other, first.placed) == ["5", "each <5", "5"]
    # South's quota cell is a zero: "each <5" like its 4 on another job.
    assert shown(second.on_quota, second.other, second.placed) == ["each <5", "each <5", "each <5"]
    # The total adds up the published cells: 5 + <5 + <5 + <5.
    assert board.placements_total.placed.value == 5


def test_a_person_placed_twice_counts_once_in_the_cell(region: Any) -> None:
    north = district(region, "North")
    [first] = placed(1, north)
    for _ in range(4):
        placed(1, north)
    placed(1, north, person=first.measure.person)  # the first person, placed again
    board = employment_dashboard(Scope(Q1, territory=region))
    # 6 placements of 5 persons: 5.
    assert row(board.placements, "North").other == Total(5, 0)


def test_quota_jobs_by_size_band_and_district_counted_by_hand(region: Any) -> None:
    north, south = district(region, "North"), district(region, "South")
    quota(north, headcount=60, jobs=1, filled=1)  # 50–100
    quota(north, headcount=80, jobs=1, filled=0)  # 50–100
    quota(north, headcount=300, jobs=12, filled=7)  # 251 and more
    quota(south, headcount=200, jobs=6, filled=6)  # 101–250
    quota(south, headcount=40, jobs=0, filled=0)  # under 50: no quota
    EmployerQuota.objects.create(  # another year: not counted
        employer_bin=next_bin(),
        employer_name="ЖШС Өткен жыл",
        territory=north,
        year=2025,
        headcount=500,
        quota_percent=4,
        quota_jobs=20,
        filled=20,
        kept_by=office(),
    )
    board = employment_dashboard(Scope(Period(2026, 2), territory=region))
    assert board.year == 2026
    bands = {r.label: (r.quota_jobs, str(r.filled)) for r in board.quota_by_band}
    assert bands == {
        "Under 50 employees (no quota)": (0, "each <5"),
        "50–100 employees": (2, "each <5"),
        "101–250 employees": (6, "5"),
        "251 employees and more": (12, "5"),
    }
    districts = {r.label: (r.quota_jobs, str(r.filled)) for r in board.quota_by_district}
    # North: 1 filled in 50–100 (<5), 7 in 251 and more (5); South: 6 in 101–250 (5).
    assert districts == {"North": (14, "5"), "South": (6, "5")}
    assert board.quota_total.quota_jobs == 20
    assert board.quota_total.filled.value == 10
    assert board.quota_total.filled_share == 0.5
    # A district's share: 5 of 6 shown filled in South; "<5" filled has no share.
    assert row(board.quota_by_district, "South").filled_share == 5 / 6
    assert row(board.quota_by_band, "50–100 employees").filled_share is None


def test_the_filters_territory_and_office(region: Any) -> None:
    north, south = district(region, "North"), district(region, "South")
    elsewhere = district(TerritoryFactory.create(level=TerritoryLevel.REGION), "Far")
    ours, theirs = office(), office()
    placed(5, north, holder=ours)
    placed(5, south, holder=theirs)
    placed(5, elsewhere, holder=ours)
    quota(north, headcount=300, jobs=10, filled=5, kept_by=ours)
    quota(south, headcount=300, jobs=10, filled=5, kept_by=theirs)
    whole = employment_dashboard(Scope(Q1))
    assert whole.placements_total.placed.value == 15
    in_region = employment_dashboard(Scope(Q1, territory=region))
    assert [r.label for r in in_region.placements] == ["North", "South"]
    assert in_region.placements_total.placed.value == 10
    one_district = employment_dashboard(Scope(Q1, territory=north))
    assert [r.label for r in one_district.placements] == ["North"]
    by_office = employment_dashboard(Scope(Q1, territory=region, organisation=ours))
    # North 5; South's 5 are another office's: "<5".
    assert shown(*(r.placed for r in by_office.placements)) == ["5", "each <5"]
    assert by_office.placements_total.placed.value == 5
    assert by_office.quota_total.quota_jobs == 10


def _published(board: Any) -> tuple[Any, ...]:
    """Everything the page prints of a dashboard."""
    total = board.placements_total
    return (
        [(r.label, *shown(r.on_quota, r.other, r.placed)) for r in board.placements],
        shown(total.on_quota, total.other, total.placed),
        [(r.label, r.quota_jobs, str(r.filled), r.filled_share) for r in board.quota_by_band],
        [(r.label, r.quota_jobs, str(r.filled), r.filled_share) for r in board.quota_by_district],
        (board.quota_total.quota_jobs, str(board.quota_total.filled)),
    )


def test_total_minus_the_other_cells_tells_nothing_of_a_small_cell(region: Any) -> None:
    """South's cell holds 0, 1, 2, 3 or 4 persons: every figure on the page, totals, the other
    districts and every filter's page, reads the same whichever it is."""
    north, south = district(region, "North"), district(region, "South")
    placed(7, north, on_quota=True)
    placed(6, north)
    # Four placements made up front (the fixtures' factories add territories of their own),
    # brought into the quarter one by one.
    later = placed(4, south, on_quota=True, start=dt.date(2026, 7, 1))
    pages = []
    for hidden in range(5):
        if hidden:
            Placement.objects.filter(pk=later[hidden - 1].pk).update(start_date=STARTED)
        pages.append(
            (
                _published(employment_dashboard(Scope(Q1))),
                _published(employment_dashboard(Scope(Q1, territory=region))),
                _published(employment_dashboard(Scope(Q1, territory=south))),
            )
        )
    assert all(page == pages[0] for page in pages)


def test_a_year_minus_its_quarters_leaves_a_small_quarter_two_readings(region: Any) -> None:
    """Quarter 1 holds 3 or 2 persons beside 6 in quarter 2: the year (9 or 8, shown 10) and every
    quarter read the same either way."""
    north = district(region, "North")
    placed(6, north, start=dt.date(2026, 5, 4))
    placed(2, north, start=STARTED)
    periods = [Period(2026), *Period(2026).quarters()]
    seen = [_published(employment_dashboard(Scope(p, territory=region))) for p in periods]
    placed(1, north, start=STARTED)
    assert [_published(employment_dashboard(Scope(p, territory=region))) for p in periods] == seen


def test_filled_quota_jobs_under_5_are_not_given_away_by_the_band_or_district(
    region: Any,
) -> None:
    north = district(region, "North")
    quota(north, headcount=300, jobs=12, filled=9)
    pages = []
    for hidden in range(5):
        row = quota(north, headcount=70, jobs=1, filled=0)
        EmployerQuota.objects.filter(pk=row.pk).update(filled=hidden)
        pages.append(_published(employment_dashboard(Scope(Q1, territory=region))))
        EmployerQuota.objects.filter(pk=row.pk).delete()
    assert all(page == pages[0] for page in pages)


def test_the_query_count_does_not_grow_with_the_data(
    region: Any, django_assert_max_num_queries: Any
) -> None:
    for name in ("North", "South", "East"):
        place = district(region, name)
        placed(5, village(place), on_quota=True)
        quota(place, headcount=300, jobs=10, filled=5)
    # The territory's subtree (one query per KATO level below it: 4 here), the districts, the
    # placements' GROUP BY, the bands, the quotas' GROUP BY, whatever the number of rows.
    with django_assert_max_num_queries(8):
        board = employment_dashboard(Scope(Q1, territory=region))
    assert board.placements_total.on_quota.value == 15
    assert board.quota_total.filled.value == 15


BANDS = ((None, None), (50, 100), (101, 250), (251, None))  # the register's bands
OTHER_NUMBERS = ((52, None), (55, None), (111, None), (51, 101), (51, 102), (1, 111))


def _labels(language: str, bands: tuple[tuple[int | None, int | None], ...]) -> list[str]:
    with translation.override(language):
        return [
            band_label(None if low is None else QuotaBand(min_headcount=low, max_headcount=high))
            for low, high in bands
        ]


def test_every_size_band_reads_grammatically_in_russian_and_kazakh(region: Any) -> None:
    """The noun agrees with the number it follows: Russian has three forms ("от 251 работника",
    "от 52 работников"), Kazakh one; the page, the exports and the snapshots read these labels."""
    quota(district(region, "North"), headcount=300, jobs=12, filled=7)
    with translation.override("ru"):
        board = employment_dashboard(Scope(Period(2026, 2), territory=region))
    assert [r.label for r in board.quota_by_band] == _labels("ru", BANDS)
    assert _labels("ru", BANDS) == [
        "Менее 50 работников (квоты нет)",
        "От 50 до 100 работников",
        "От 101 до 250 работников",
        "От 251 работника и более",
    ]
    assert _labels("ru", OTHER_NUMBERS) == [
        "От 52 работников и более",
        "От 55 работников и более",
        "От 111 работников и более",
        "От 51 до 101 работника",
        "От 51 до 102 работников",
        "От 1 до 111 работников",
    ]
    assert _labels("kk", BANDS) == [
        "50 қызметкерден аз (квота жоқ)",
        "50–100 қызметкер",
        "101–250 қызметкер",
        "251 және одан көп қызметкер",
    ]
    assert _labels("kk", OTHER_NUMBERS[3:4]) == ["51–101 қызметкер"]
