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


class DayNumber(Func):
    """CASE <date> WHEN d1 THEN n1 … END: a local date mapped to a number the caller computed
    (the working days before it). A simple CASE evaluates the date once per row."""

    output_field = IntegerField()

    def __init__(self, day: Expression | str, numbers: Mapping[dt.date, int]) -> None:
        self.numbers = dict(numbers)
        super().__init__(F(day) if isinstance(day, str) else day)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        if not self.numbers:
            return "NULL", []
        branches = " ".join("WHEN %s THEN %s" for _ in self.numbers)
        params: list[Any] = list(day_params)
        for day, number in self.numbers.items():
            params.extend([day.isoformat() if connection.vendor == "sqlite" else day, number])
        return f"(CASE {day_sql} {branches} ELSE NULL END)", params


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
