"""Database pieces the dashboards' selectors share: working days counted by the database, and
percentiles computed by it (PostgreSQL) or read one number at a time (SQLite).

No row per case ever reaches Python: a percentile is the database's `percentile_disc` on
PostgreSQL, and on SQLite the one value at its rank (ORDER BY … LIMIT 1 OFFSET k).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Aggregate, Expression, F, FloatField, IntegerField, QuerySet
from django.db.models.expressions import Func
from django.db.models.functions import TruncDate
from django.utils import timezone

from kopir.core.working_days import working_calendar


class VendorSql(Func):
    """A function whose SQL the subclass writes from its compiled arguments (`sql`)."""

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        compiled = [compiler.compile(expression) for expression in self.source_expressions]
        return self.sql([sql for sql, _ in compiled], [list(p) for _, p in compiled], connection)

    def sql(
        self, arguments: list[str], params: list[list[Any]], connection: Any
    ) -> tuple[str, list[Any]]:
        raise NotImplementedError


class DayNumber(VendorSql):
    """CASE <date> WHEN d1 THEN n1 … END: a local date mapped to a number the caller computed
    (the working days before it). A simple CASE evaluates the date once per row."""

    output_field = IntegerField()

    def __init__(self, day: Expression | str, numbers: Mapping[dt.date, int]) -> None:
        self.numbers = dict(numbers)
        super().__init__(F(day) if isinstance(day, str) else day)

    def sql(
        self, arguments: list[str], params: list[list[Any]], connection: Any
    ) -> tuple[str, list[Any]]:
        [day_sql], [day_params] = arguments, params
        if not self.numbers:
            return "NULL", []
        branches = " ".join("WHEN %s THEN %s" for _ in self.numbers)
        values: list[Any] = list(day_params)
        for day, number in self.numbers.items():
            values.extend([day.isoformat() if connection.vendor == "sqlite" else day, number])
        return f"(CASE {day_sql} {branches} ELSE NULL END)", values


def working_day_numbers(start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """Each day from start to end with the number of working days after `start` up to it: the
    working days between two of them is the difference (as `working_days_between`)."""
    calendar = working_calendar(start, end)
    numbers: dict[dt.date, int] = {}
    count = 0
    day = start
    while day <= end:
        if day > start and calendar.is_working_day(day):
            count += 1
        numbers[day] = count
        day += dt.timedelta(days=1)
    return numbers


def working_days_expression(
    start_field: str, end_field: str, *, first: dt.date, last: dt.date
) -> Expression:
    """Working days from the local date of `start_field` to that of `end_field`, both timestamps
    falling between `first` and `last` (local dates); NULL outside."""
    zone = timezone.get_default_timezone()
    numbers = working_day_numbers(first, last)
    return DayNumber(TruncDate(end_field, tzinfo=zone), numbers) - DayNumber(
        TruncDate(start_field, tzinfo=zone), numbers
    )


class PercentileDisc(Aggregate):
    """PostgreSQL's percentile_disc(fraction) WITHIN GROUP (ORDER BY expression)."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def percentiles(
    queryset: QuerySet[Any], expression: Expression, fractions: tuple[float, ...], size: int
) -> list[float | None]:
    """The nearest-rank percentiles of `expression` over `queryset`'s rows (`size` of them, not
    NULL): the smallest value with at least that fraction of the rows at or below it."""
    if size == 0:
        return [None for _ in fractions]
    if connection.vendor == "postgresql":
        row = queryset.aggregate(
            **{f"p{i}": PercentileDisc(expression, f) for i, f in enumerate(fractions)}
        )
        return [
            None if row[f"p{i}"] is None else float(row[f"p{i}"]) for i in range(len(fractions))
        ]
    values: list[float | None] = []
    ordered = (
        queryset.annotate(measured=expression)
        .order_by("measured")
        .values_list("measured", flat=True)
    )
    for fraction in fractions:
        rank = max(1, math.ceil(fraction * size))
        found = list(ordered[rank - 1 : rank])
        values.append(float(found[0]) if found else None)
    return values


class DaysBetween(VendorSql):
    """Calendar days from one date expression to another, as an integer on both databases."""

    output_field = IntegerField()

    def __init__(self, start: Any, end: Any) -> None:
        super().__init__(start, end)

    def sql(
        self, arguments: list[str], params: list[list[Any]], connection: Any
    ) -> tuple[str, list[Any]]:
        start_sql, end_sql = arguments
        ordered = [*params[1], *params[0]]
        if connection.vendor == "sqlite":
            return f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)", ordered
        return f"(({end_sql})::date - ({start_sql})::date)", ordered
