"""The small-cell rules (docs/decisions/0011-small-cell-protection.md), and the differencing
attacks they are built to resist: a total minus the other cells, a year minus its quarters, a
region minus its districts. An attack "pins" a suppressed cell when every table of true counts
that publishes exactly what was published agrees on that cell's value."""

from __future__ import annotations

import itertools
from collections import defaultdict

import pytest

from kopir.oversight.disclosure import (
    SUPPRESSED_LABEL,
    Count,
    as_count,
    consistent_values,
    may_show_distribution,
    publish_count,
    published_share,
    published_total,
    round_to_base,
)


@pytest.mark.parametrize(
    ("true_count", "shown"),
    [(0, "<5"), (1, "<5"), (4, "<5"), (5, "5"), (7, "5"), (8, "10"), (12, "10"), (13, "15")],
)
def test_counts_under_5_are_suppressed_and_the_rest_rounded_to_5(
    true_count: int, shown: str
) -> None:
    assert str(publish_count(true_count)) == shown


def test_a_negative_count_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="never negative"):
        publish_count(-1)


def test_consistent_values_are_exactly_the_counts_that_publish_alike() -> None:
    for true_count in range(200):
        published = publish_count(true_count)
        values = consistent_values(published)
        assert true_count in values
        assert all(publish_count(v) == published for v in values)
        if values.start:
            assert publish_count(values.start - 1) != published
        assert publish_count(values.stop) != published


def test_rounding_halves_go_up() -> None:
    assert [round_to_base(n) for n in (12, 13, 17, 18)] == [10, 15, 15, 20]


def test_a_total_adds_up_the_figures_shown_and_says_how_many_it_leaves_out() -> None:
    total = published_total([publish_count(n) for n in (4, 12, 3, 8, 0)])
    assert (total.value, total.left_out) == (10 + 10, 3)


def test_shares_only_from_published_figures() -> None:
    assert published_share(5, 20) == 0.25
    assert published_share(None, 20) is None
    assert published_share(5, None) is None
    assert published_share(0, 0) is None


def test_distributions_need_a_group_of_five() -> None:
    assert not may_show_distribution(4)
    assert may_show_distribution(5)


def _table_signature(cells: tuple[int, ...]) -> tuple[Count | int, ...]:
    published = tuple(publish_count(c) for c in cells)
    total = published_total(published)
    return (*published, total.value, total.left_out)


def test_total_minus_the_other_cells_pins_no_suppressed_cell() -> None:
    """Every table of five cells from 0 to 13: a reader who has the cells and the total learns
    nothing more about a "<5" cell than "<5" — the total is a function of the published cells."""
    tables: dict[tuple[Count | int, ...], list[tuple[int, ...]]] = defaultdict(list)
    for cells in itertools.product(range(14), repeat=3):
        tables[_table_signature(cells)].append(cells)
    for signature, candidates in tables.items():
        for position in range(3):
            if signature[position] == Count(None):
                assert {c[position] for c in candidates} == set(range(5)), signature


def test_a_rounded_true_total_would_give_small_cells_away() -> None:
    """Why totals are not the true total rounded: cells 4 and 4 with a total of 8 shown as 10
    leave only one reading, both cells 4."""
    readings = [
        (a, b)
        for a, b in itertools.product(range(5), repeat=2)
        if publish_count(a + b) == publish_count(8)
    ]
    assert readings == [(4, 4)]


def test_a_year_minus_its_quarters_pins_no_suppressed_quarter_nor_year() -> None:
    """The year and its four quarters are each rounded from their true counts (the only periods
    offered). For every year up to 22, whatever the quarters: every "<5" quarter (and a "<5"
    year) still has at least two readings."""
    limit = 24
    years: dict[tuple[Count, ...], list[tuple[int, ...]]] = defaultdict(list)
    for quarters in itertools.product(range(limit), repeat=4):
        year = publish_count(sum(quarters))
        if year.value is not None and year.value > 20:
            continue  # beyond what was enumerated in full
        years[(*(publish_count(q) for q in quarters), year)].append(quarters)
    checked = 0
    for signature, candidates in years.items():
        for position in range(4):
            if signature[position].suppressed:
                assert len({c[position] for c in candidates}) >= 2, signature
                checked += 1
        if signature[4].suppressed:
            assert len({sum(c) for c in candidates}) >= 2, signature
    assert checked > 300  # distinct published tables with a "<5" quarter


def test_a_region_minus_its_districts_pins_no_suppressed_organisation() -> None:
    """A district's figure adds up its organisations' published figures and the region's adds
    up its districts': both are functions of the published cells, so no reading of a "<5"
    organisation is ruled out by them."""
    districts = {"north": (4, 9, 2), "south": (3, 16)}
    published = {name: [publish_count(n) for n in cells] for name, cells in districts.items()}
    district_totals = {name: published_total(cells) for name, cells in published.items()}
    region = published_total(c for cells in published.values() for c in cells)
    assert region.value == sum(t.value for t in district_totals.values())
    assert region.left_out == sum(t.left_out for t in district_totals.values()) == 3
    # Every reading of the organisations consistent with their own figures publishes the same
    # district and region figures: the differences pin nothing.
    cells = [c for cells in published.values() for c in cells]
    for reading in itertools.product(*(consistent_values(c) for c in cells)):
        north = published_total(publish_count(n) for n in reading[:3])
        south = published_total(publish_count(n) for n in reading[3:])
        assert (north, south) == (district_totals["north"], district_totals["south"])
    assert str(Count(None)) == SUPPRESSED_LABEL


def test_telling_a_zero_from_a_small_count_would_pin_a_quarter() -> None:
    """Why every organisation in scope has its row and a zero shows "<5" too: were a zero told
    apart (a row missing in a quarter), quarters of 13, 8, 1 and 0 with their year of 22 (shown
    20) would leave one reading of the third quarter."""

    def shown(count: int) -> Count | int:
        return 0 if count == 0 else publish_count(count)

    target = (*(shown(q) for q in (13, 8, 1, 0)), publish_count(22))
    readings = {
        quarters[2]
        for quarters in itertools.product(range(20), range(20), range(5), range(1))
        if (*(shown(q) for q in quarters), publish_count(sum(quarters))) == target
    }
    assert readings == {1}


@pytest.mark.django_db
def test_the_database_publishes_a_count_as_publish_count_does() -> None:
    # The stores publish their cells in SQL (`published_value`): the same figure for every count.
    from django.db.models import IntegerField, Value

    from kopir.directory.models import Organisation
    from kopir.directory.tests.factories import OrganisationFactory
    from kopir.oversight.disclosure import published_value

    OrganisationFactory.create()
    counts = range(0, 41)
    found = Organisation.objects.annotate(
        **{f"n{n}": published_value(Value(n, output_field=IntegerField())) for n in counts}
    ).values(*(f"n{n}" for n in counts))[0]
    assert [found[f"n{n}"] for n in counts] == [publish_count(n).value for n in counts]


@pytest.mark.parametrize("cells", [(0, 0), (4, 4, 4, 4, 3), (1,)])
def test_a_sum_of_small_cells_never_claims_to_be_under_5(cells: tuple[int, ...]) -> None:
    """19 referrals from clinics of 4, 4, 4, 4 and 3 add up to no figure shown: "<5" would be
    false, so the sum says its parts are each under 5, the same whatever they hold (a zero too),
    which tells nothing the cells do not."""
    total = published_total(publish_count(n) for n in cells)
    assert str(total) == "each <5"
    assert str(as_count(total)) == "each <5"
    assert as_count(total) == Count(None)
