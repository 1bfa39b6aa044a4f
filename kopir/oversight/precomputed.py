"""The dashboards' precomputed store: written by a background job, read by the selectors.

A dashboard over a year of national data would otherwise group a million cases and compute its
percentiles on every request (docs/performance.md). Here the database groups them once per
refresh into the small tables of `models.py` — counts per quarter × organisation × what the
dashboard groups by, and durations as histograms of whole days — with INSERT … SELECT, so no case
reaches Python. A dashboard then sums a few thousand rows for any period and filter; the
small-cell rules (`disclosure.py`) are applied after that sum, as they are on live data, so
both give the same figures (tested).

Stores plug in by name (`register_store`); `refresh()` recomputes every one, each in its own
transaction under its `StoreRefresh` row lock, and stamps when. Until a store has been computed
once, its dashboard computes live and says so.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    DateField,
    F,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Substr, TruncDate, TruncQuarter, TruncYear
from django.utils import timezone

from kopir.assessment.models import Referral, Route
from kopir.assessment.selectors.deadlines import WorkingDayIndex
from kopir.oversight.aggregates import DaysBetween
from kopir.oversight.disclosure import published_value
from kopir.oversight.models import (
    DeliveryDays,
    FailedPeriod,
    MeasurePeriod,
    MeasureQuarter,
    MseDecisionDays,
    MseQuarter,
    RedirectQuarter,
    StoreRefresh,
    WorkingDayNumber,
)
from kopir.oversight.selectors.scope import Scope
from kopir.rehabilitation.models import Handoff, Measure
from kopir.rehabilitation.models.execution import MeasureStatus

MSE = "mse"
REHABILITATION = "rehabilitation"

# A store's refresh: given the local date "today" is, rewrite its tables (inside a transaction).
Refresher = Callable[[dt.date], None]
_stores: dict[str, Refresher] = {}


def register_store(name: str, refresher: Refresher) -> None:
    """Add a store that `refresh()` recomputes; its dashboard reads `computed(name)`."""
    _stores[name] = refresher


def computed(store: str) -> StoreRefresh | None:
    """The store's last refresh, or None when it was never computed: the dashboard then computes
    live. One indexed read."""
    return StoreRefresh.objects.filter(store=store, computed_at__isnull=False).first()


@dataclass(frozen=True)
class RefreshRun:
    store: str
    took_ms: int

    def __str__(self) -> str:
        return f"{self.store}: {self.took_ms} ms"


def refresh(today: dt.date | None = None, stores: Iterable[str] | None = None) -> list[RefreshRun]:
    """Recompute the stores (all by default), each in one transaction: a reader sees the old
    figures until the new ones are complete. Safe in two workers at once: the second waits on
    the store's row lock and then recomputes from what the first left."""
    today = today or timezone.localdate()
    runs = []
    for name in list(stores) if stores is not None else sorted(_stores):
        started = time.monotonic()
        with transaction.atomic():
            StoreRefresh.objects.get_or_create(store=name)
            stamp = StoreRefresh.objects.select_for_update().get(store=name)
            _stores[name](today)
            stamp.computed_at = timezone.now()
            stamp.as_of = today
            stamp.took_ms = round((time.monotonic() - started) * 1000)
            stamp.save()
        runs.append(RefreshRun(name, stamp.took_ms))
    return runs


# -- Writing ---------------------------------------------------------------------------------


def _local_quarter(field: str) -> TruncQuarter:
    """The first day of the local quarter of a timestamp field, as a date on both databases."""
    return TruncQuarter(
        TruncDate(field, tzinfo=timezone.get_default_timezone()), output_field=DateField()
    )


def _insert_grouped(model: type[Model], queryset: QuerySet[Any], columns: Sequence[str]) -> None:
    """INSERT INTO model (columns) SELECT …: the grouped rows of `queryset`, whose values() and
    annotate() name `_<column>` for each of `columns` in that order, written by the database."""
    select, params = queryset.values_list(*(f"_{c}" for c in columns)).query.sql_with_params()
    quote = connection.ops.quote_name
    fields = {field.name: field.column for field in model._meta.concrete_fields}
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(fields[c]) for c in columns)}) {select}",
            params,
        )


def _insert_histogram(
    model: type[Model], rows: QuerySet[Any], by_quarter: dict[str, Any], count: str
) -> None:
    """A histogram of `rows`' `_days` per quarter and organisation, and per quarter for the
    whole country (organisation NULL)."""
    for grouping in (by_quarter, {"_quarter": by_quarter["_quarter"]}):
        _insert_grouped(
            model,
            rows.values("_days", **grouping).annotate(**{f"_{count}": Count("id")}).order_by(),
            ("quarter", *(("organisation",) if "_organisation" in grouping else ()), "days", count),
        )


def _write_working_day_numbers(first: dt.date, last: dt.date) -> None:
    """The span's dates numbered by the working days before them (the calendar's own rule,
    administrators' overrides included): one row per day, a few thousand at most."""
    WorkingDayNumber.objects.all().delete()
    index = WorkingDayIndex(first, last)
    days = (last - first).days + 1
    WorkingDayNumber.objects.bulk_create(
        WorkingDayNumber(day=day, number=index.between(first, day))
        for day in (first + dt.timedelta(days=n) for n in range(days))
    )


def _working_day_number(day: str) -> Subquery:
    """The number of the outer row's local date annotated as `day`."""
    return Subquery(WorkingDayNumber.objects.filter(day=OuterRef(day)).values("number")[:1])


def _refresh_mse(today: dt.date) -> None:
    from kopir.oversight.selectors.mse import OPEN_STATUSES

    MseQuarter.objects.all().delete()
    MseDecisionDays.objects.all().delete()
    referrals = Referral.objects.filter(route=Route.IN_ABSENTIA, first_sent_at__isnull=False)
    by_quarter = {
        "_quarter": _local_quarter("first_sent_at"),
        "_organisation": F("medical_organisation"),
    }
    _insert_grouped(
        MseQuarter,
        referrals.values(**by_quarter, _chapter=F("primary_diagnosis__chapter"))
        .annotate(
            _sent=Count("id"),
            _returned=Count("id", filter=Q(returns_count__gt=0)),
            _returns=Sum("returns_count"),
            _overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, step_due_on__lt=today)),
        )
        .order_by(),
        ("quarter", "organisation", "chapter", "sent", "returned", "returns", "overdue"),
    )
    zone = timezone.get_default_timezone()
    end_of_today = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    decided = referrals.filter(decided_at__isnull=False, decided_at__lt=end_of_today)
    earliest = decided.aggregate(first=Min("first_sent_at"))["first"]
    if earliest is None:
        return
    _write_working_day_numbers(timezone.localtime(earliest, zone).date(), today)
    durations = decided.annotate(
        _sent_on=TruncDate("first_sent_at", tzinfo=zone),
        _decided_on=TruncDate("decided_at", tzinfo=zone),
        _days=_working_day_number("_decided_on") - _working_day_number("_sent_on"),
    )
    _insert_histogram(MseDecisionDays, durations, by_quarter, "referrals")


def _refresh_rehabilitation(today: dt.date) -> None:
    from kopir.oversight.selectors.rehabilitation import measure_outcome

    for model in (MeasureQuarter, RedirectQuarter, DeliveryDays, MeasurePeriod, FailedPeriod):
        model.objects.all().delete()
    measures = Measure.objects.exclude(status=MeasureStatus.CANCELLED)
    by_quarter = {
        "_quarter": TruncQuarter("due_on", output_field=DateField()),
        "_organisation": F("organisation"),
    }
    _insert_grouped(
        MeasureQuarter,
        measures.values(
            **by_quarter,
            _measure_type_code=F("measure_type__code"),
            _outcome=measure_outcome(today),
        )
        .annotate(_measures=Count("id"), _disputed=Count("id", filter=Q(dispute_count__gt=0)))
        .order_by(),
        ("quarter", "organisation", "measure_type_code", "outcome", "measures", "disputed"),
    )
    _insert_grouped(
        RedirectQuarter,
        Handoff.objects.filter(from_organisation__isnull=False)
        .values(
            _quarter=_local_quarter("at"),
            _organisation=F("from_organisation"),
            _measure_type_code=F("measure__measure_type__code"),
        )
        .annotate(_handoffs=Count("id"))
        .order_by(),
        ("quarter", "organisation", "measure_type_code", "handoffs"),
    )
    _insert_histogram(
        DeliveryDays,
        measures.filter(status=MeasureStatus.DELIVERED, delivered_on__isnull=False).annotate(
            _days=delivery_days()
        ),
        by_quarter,
        "measures",
    )
    for whole_year in (False, True):
        _insert_period_rows(whole_year)


# The rehabilitation dashboard's columns, as `MeasurePeriod` names them (OutcomeRow's order).
MEASURE_COLUMNS = ("on_time", "late", "failed", "overdue", "pending", "disputed", "redirected")


def _period_cells(whole_year: bool) -> tuple[str, list[Any]]:
    """The published cells of every quarter or every year, from the quarter tables just
    written: (first_day, organisation, code, column, reason, value) — each (organisation, type,
    outcome) cell's true count summed over the period and published (NULL: "<5"), each outcome
    in its column (every failure in "failed", with its reason), the disputes of the on-time and
    of the late cell and the redirects as cells of their own. SQL and its parameters."""
    from kopir.oversight.selectors.rehabilitation import FAILED, LATE, ON_TIME

    first_day = TruncYear("quarter", output_field=DateField()) if whole_year else F("quarter")
    period = {
        "_first_day": first_day,
        "_organisation": F("organisation"),
        "_code": F("measure_type_code"),
    }
    failed = Q(outcome__startswith=FAILED)
    outcomes = MeasureQuarter.objects.values(
        **period,
        _column=Case(When(failed, then=Value("failed")), default=F("outcome")),
        _reason=Case(When(failed, then=Substr("outcome", len(FAILED) + 1)), default=Value("")),
    ).annotate(_value=published_value(Sum("measures")))
    disputed = (
        MeasureQuarter.objects.filter(outcome__in=(ON_TIME, LATE))
        .values(**period, _outcome=F("outcome"), _column=Value("disputed"), _reason=Value(""))
        .annotate(_value=published_value(Sum("disputed")))
    )
    redirected = RedirectQuarter.objects.values(
        **period, _column=Value("redirected"), _reason=Value("")
    ).annotate(_value=published_value(Sum("handoffs")))
    columns = ("_first_day", "_organisation", "_code", "_column", "_reason", "_value")
    parts = [
        query.order_by().values_list(*columns).query.sql_with_params()
        for query in (outcomes, disputed, redirected)
    ]
    return " UNION ALL ".join(sql for sql, _ in parts), [p for _, params in parts for p in params]


def _insert_period_rows(whole_year: bool) -> None:
    """`MeasurePeriod` and `FailedPeriod` for every quarter or every year: the published cells
    added up by the database, per column, with how many show "<5"."""
    cells, params = _period_cells(whole_year)
    by_column = [name for column in MEASURE_COLUMNS for name in (column, f"{column}_left_out")]
    _insert_cell_sums(
        MeasurePeriod, (cells, params), whole_year, ("measure_type_code", "code"), by_column
    )
    _insert_cell_sums(
        FailedPeriod,
        (cells, params),
        whole_year,
        ("reason", "reason"),
        ["failed", "failed_left_out"],
    )


def _insert_cell_sums(
    model: type[Model],
    cells: tuple[str, list[Any]],
    whole_year: bool,
    key: tuple[str, str],
    sums: list[str],
) -> None:
    """INSERT INTO model (first_day, whole_year, organisation, key, sums) the published cells
    (`_period_cells`) grouped by (first day, organisation, key): each of `sums` — a column's
    name, then the same with "_left_out" — adds up that column's published values, then counts
    its cells that show "<5" (NULL)."""
    sql, params = cells
    field, cell_key = key
    quote = connection.ops.quote_name
    fields = {f.name: f.column for f in model._meta.concrete_fields}
    names = ["first_day", "whole_year", "organisation", field, *sums]
    selected, column_params = [], []
    for name in sums:
        column = name.removesuffix("_left_out")
        if name == column:
            selected.append("SUM(CASE WHEN column_name = %s THEN COALESCE(value, 0) ELSE 0 END)")
        else:
            selected.append("SUM(CASE WHEN column_name = %s AND value IS NULL THEN 1 ELSE 0 END)")
        column_params.append(column)
    with connection.cursor() as cursor:
        cursor.execute(
            # Kopir's own names and the ORM's SQL only; values are parameters.
            f"WITH cell (first_day, organisation, code, column_name, reason, value) AS ({sql}) "  # noqa: S608
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(fields[n]) for n in names)}) "
            f"SELECT first_day, %s, organisation, {cell_key}, {', '.join(selected)} FROM cell "
            f"WHERE column_name IN ({', '.join(['%s'] * len(sums[::2]))}) "
            f"GROUP BY first_day, organisation, {cell_key}",
            [*params, whole_year, *column_params, *column_params[::2]],
        )


def delivery_days() -> DaysBetween:
    """Calendar days from a measure's assignment (its local date) to its delivery."""
    return DaysBetween(
        TruncDate("assigned_at", tzinfo=timezone.get_default_timezone()), F("delivered_on")
    )


register_store(MSE, _refresh_mse)
register_store(REHABILITATION, _refresh_rehabilitation)


# -- Reading ---------------------------------------------------------------------------------


def _in_scope(model: type[Model], scope: Scope, *, country_rows: bool = False) -> QuerySet[Any]:
    """The store's rows of the scope's quarters and organisations; with `country_rows`, a
    histogram's rows for the whole country when the scope is the whole country."""
    rows = model._default_manager.filter(
        quarter__gte=scope.period.start, quarter__lte=scope.period.end
    )
    if country_rows and scope.territory is None and scope.organisation is None:
        return rows.filter(organisation__isnull=True)
    return rows.filter(scope.organisation_filter("organisation"), organisation__isnull=False)


def mse_by_cell(scope: Scope) -> QuerySet[Any]:
    """The live GROUP BY's rows (`medical_organisation_id`, `primary_diagnosis__chapter`, sent,
    returned, returns, overdue) summed from the store."""
    return (
        _in_scope(MseQuarter, scope)
        .values(
            medical_organisation_id=F("organisation_id"),
            primary_diagnosis__chapter=F("chapter"),
        )
        .annotate(
            sent=Sum("sent"),
            returned=Sum("returned"),
            returns=Sum("returns"),
            overdue=Sum("overdue"),
        )
        .order_by()
    )


def mse_decision_days(scope: Scope) -> list[tuple[int | None, int]]:
    """(working days, referrals) of the decided referrals in scope, fewest days first."""
    return _histogram(_in_scope(MseDecisionDays, scope, country_rows=True), "referrals")


def _in_period(model: type[Model], scope: Scope) -> QuerySet[Any]:
    """A period store's rows of the scope's period and organisations."""
    return model._default_manager.filter(
        scope.organisation_filter("organisation"),
        first_day=scope.period.start,
        whole_year=scope.period.quarter is None,
    )


def measure_sums(scope: Scope, by: str) -> QuerySet[Any]:
    """The rehabilitation dashboard's rows in scope added up by `by` ("organisation_id" or
    "measure_type_code"): tuples of the key, then each of MEASURE_COLUMNS' sum of published
    cells and how many of them show "<5"."""
    names = [name for column in MEASURE_COLUMNS for name in (column, f"{column}_left_out")]
    return (
        _in_period(MeasurePeriod, scope)
        .values(by)
        .annotate(**{f"sum_{name}": Sum(name) for name in names})
        .values_list(by, *(f"sum_{name}" for name in names))
        .order_by()
    )


def failed_sums(scope: Scope) -> QuerySet[Any]:
    """(reason, sum of published failed cells, how many show "<5") in scope."""
    return (
        _in_period(FailedPeriod, scope)
        .values("reason")
        .annotate(sum_failed=Sum("failed"), sum_left_out=Sum("failed_left_out"))
        .values_list("reason", "sum_failed", "sum_left_out")
        .order_by()
    )


def delivery_days_histogram(scope: Scope) -> list[tuple[int | None, int]]:
    return _histogram(_in_scope(DeliveryDays, scope, country_rows=True), "measures")


def _histogram(queryset: QuerySet[Any], count: str) -> list[tuple[int | None, int]]:
    # One row per distinct number of days (a few dozen), not per case.
    return list(
        queryset.values_list("days").annotate(n=Sum(count)).order_by(F("days").asc(nulls_last=True))
    )


def histogram_percentiles(
    bins: Sequence[tuple[int | None, int]], fractions: tuple[float, ...]
) -> list[float | None]:
    """The nearest-rank percentiles of the values a histogram counts (as `aggregates.percentiles`
    and PostgreSQL's percentile_disc: the smallest value with at least that fraction of the
    values at or below it; cases without a value are left out). Exact for whole days."""
    counted = [(value, n) for value, n in bins if value is not None and n]
    size = sum(n for _, n in counted)
    found: list[float | None] = []
    for fraction in fractions:
        if size == 0:
            found.append(None)
            continue
        rank = max(1, math.ceil(fraction * size))
        below = 0
        for value, n in counted:
            below += n
            if below >= rank:
                found.append(float(value))
                break
    return found
