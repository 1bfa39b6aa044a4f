"""The employment dashboard: persons placed in a job in the period, on a quota job or another,
by district; the employers' quota jobs set and filled, by size band and by district.

Persons are counted in published cells (`disclosure.py`): placements in (district, quota job or
not) cells, the register's filled jobs in (district, size band) cells; every row, column and total
adds up published cells, so no table beside another gives a small cell away (decision 11). The
quota jobs an employer must set are figures about employers, not persons: shown as they are.
Reads: one GROUP BY per table, the districts' and the bands' names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils.translation import ngettext

from kopir.core.collation import alphabet_key
from kopir.directory.models import Territory, TerritoryLevel
from kopir.directory.selectors import territory_subtree_ids
from kopir.oversight.disclosure import Count as PublishedCount
from kopir.oversight.disclosure import (
    Total,
    publish_count,
    published_total,
    sum_totals,
    total_share,
)
from kopir.oversight.selectors.scope import Scope
from kopir.rehabilitation.models import EmployerQuota, Placement, QuotaBand
from kopir.rehabilitation.models.employment import MIN_QUOTA_HEADCOUNT

DISTRICT_LEVELS = (TerritoryLevel.DISTRICT, TerritoryLevel.CITY)
# A settlement lies in a rural district, in a district: three steps up at most (KATO).
UP = ("", "parent__", "parent__parent__", "parent__parent__parent__")
NO_BAND = 0  # employers below the smallest band: no quota


def district_of(territory_path: str) -> Case:
    """The district (or city of regional significance) the territory at `territory_path` lies
    in, found by the database from the unit's level and its parents'."""
    return Case(
        *(
            When(
                **{f"{territory_path}__{up}level__in": DISTRICT_LEVELS},
                then=F(f"{territory_path}__{up}id"),
            )
            for up in UP
        ),
        default=Value(None),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class PlacementRow:
    label: str
    on_quota: Total
    other: Total

    @property
    def placed(self) -> Total:
        return sum_totals((self.on_quota, self.other))


@dataclass(frozen=True)
class QuotaRow:
    label: str
    quota_jobs: int  # employers' figures, not persons: as they are
    filled: Total

    @property
    def filled_share(self) -> float | None:
        if not self.quota_jobs:
            return None
        return total_share(self.filled, Total(self.quota_jobs, 0))


@dataclass(frozen=True)
class EmploymentDashboard:
    year: int  # the register's year (a quarter shows its year's register)
    placements: list[PlacementRow]
    placements_total: PlacementRow
    quota_by_district: list[QuotaRow]
    quota_by_band: list[QuotaRow]
    quota_total: QuotaRow
    # Whether the employers' quota register has any row for the year in scope: without one the
    # quota jobs are unknown, not 0.
    has_quota_register: bool = True


def _districts(subtree: list[int] | None) -> dict[int, str]:
    """Every district in scope, people placed or not (a zero reads "<5" like 1 to 4)."""
    districts = Territory.objects.filter(level__in=DISTRICT_LEVELS)
    if subtree is not None:
        districts = districts.filter(pk__in=subtree)
    return {t.pk: t.name for t in districts.only("name_kk", "name_ru", "name_en")}


def band_label(band: QuotaBand | None) -> str:
    """The band's name in the active language; the noun agrees with the number it follows
    (Russian has three forms: "от 251 работника", "от 51 до 250 работников")."""
    if band is None:
        low = MIN_QUOTA_HEADCOUNT
        text = ngettext(
            "Under %(low)s employee (no quota)", "Under %(low)s employees (no quota)", low
        )
        return text % {"low": low}
    if band.max_headcount is None:
        low = band.min_headcount
        return ngettext("%(low)s employee and more", "%(low)s employees and more", low) % {
            "low": low
        }
    high = band.max_headcount
    text = ngettext("%(low)s–%(high)s employee", "%(low)s–%(high)s employees", high)
    return text % {"low": band.min_headcount, "high": high}


def _band_of(bands: list[QuotaBand]) -> Case:
    """The size band of an employer's whole headcount, as the band's id (NO_BAND below them)."""
    return Case(
        *(
            When(
                Q(headcount__gte=band.min_headcount)
                & (Q() if band.max_headcount is None else Q(headcount__lte=band.max_headcount)),
                then=Value(band.pk),
            )
            for band in bands
        ),
        default=Value(NO_BAND),
        output_field=IntegerField(),
    )


def employment_dashboard(scope: Scope) -> EmploymentDashboard:
    subtree = territory_subtree_ids(scope.territory) if scope.territory is not None else None
    districts = _districts(subtree)
    in_territory = Q() if subtree is None else Q(measure__territory_id__in=subtree)
    placements = Placement.objects.filter(
        in_territory,
        start_date__gte=scope.period.start,
        start_date__lte=scope.period.end,
    )
    if scope.organisation is not None:
        placements = placements.filter(measure__organisation_id=scope.organisation.pk)
    placed_cells: dict[tuple[int, bool], PublishedCount] = {}
    for row in (
        placements.annotate(district=district_of("measure__territory"))
        .values("district", "on_quota_job")
        .annotate(persons=Count("measure__person_id", distinct=True))
        .order_by()
    ):
        if row["district"] is not None:
            placed_cells[(row["district"], row["on_quota_job"])] = publish_count(row["persons"])
    districts = _with_names(districts, {d for d, _ in placed_cells})

    def placement_row(label: str, keep: set[int]) -> PlacementRow:
        def of(on_quota: bool) -> Total:
            return published_total(
                c for (d, quota), c in placed_cells.items() if d in keep and quota == on_quota
            )

        return PlacementRow(label, on_quota=of(True), other=of(False))

    placement_rows = sorted(
        (placement_row(name, {pk}) for pk, name in districts.items()),
        key=lambda r: alphabet_key(r.label),
    )

    bands = list(QuotaBand.objects.order_by("min_headcount"))
    quotas = EmployerQuota.objects.filter(year=scope.period.year)
    if subtree is not None:
        quotas = quotas.filter(territory_id__in=subtree)
    if scope.organisation is not None:
        quotas = quotas.filter(kept_by_id=scope.organisation.pk)
    jobs: dict[tuple[int, int], int] = defaultdict(int)
    filled_cells: dict[tuple[int, int], PublishedCount] = {}
    for row in (
        quotas.annotate(district=district_of("territory"), band=_band_of(bands))
        .values("district", "band")
        .annotate(jobs=Sum("quota_jobs"), filled=Sum("filled"))
        .order_by()
    ):
        if row["district"] is None:
            continue
        key = (row["district"], row["band"])
        jobs[key] += row["jobs"] or 0
        filled_cells[key] = publish_count(row["filled"] or 0)
    districts = _with_names(districts, {d for d, _ in filled_cells})

    def quota_row(label: str, keep: set[tuple[int, int]]) -> QuotaRow:
        return QuotaRow(
            label,
            quota_jobs=sum(n for key, n in jobs.items() if key in keep),
            filled=published_total(c for key, c in filled_cells.items() if key in keep),
        )

    band_ids = [NO_BAND, *(band.pk for band in bands)]
    labels = {NO_BAND: band_label(None), **{band.pk: band_label(band) for band in bands}}
    by_district = sorted(
        (quota_row(name, {(pk, band) for band in band_ids}) for pk, name in districts.items()),
        key=lambda r: alphabet_key(r.label),
    )
    everything = {(pk, band) for pk in districts for band in band_ids}
    by_band = (
        [quota_row(labels[band], {(pk, band) for pk in districts}) for band in band_ids]
        if districts
        else []
    )
    return EmploymentDashboard(
        year=scope.period.year,
        placements=placement_rows,
        placements_total=placement_row("", set(districts)),
        quota_by_district=by_district,
        quota_by_band=by_band,
        quota_total=quota_row("", everything),
        has_quota_register=bool(filled_cells),
    )


def _with_names(districts: dict[int, str], found: set[int]) -> dict[int, str]:
    """The districts in scope, and any other a record was found in (a district's unit moved)."""
    missing = found - set(districts)
    if not missing:
        return districts
    return {
        **districts,
        **{
            t.pk: t.name
            for t in Territory.objects.filter(pk__in=missing).only("name_kk", "name_ru", "name_en")
        },
    }
