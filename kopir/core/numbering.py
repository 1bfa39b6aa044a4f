"""Registration numbers that are never given twice, for every numbered record in Kopir.

A sequence is a scope (what is numbered and in whose register, e.g. "council.petition:7") and a
year; `next_number` increments its counter row in ONE statement and returns the new value. The
increment takes the row's lock, and the lock is held until the caller's transaction ends, so two
simultaneous registrations queue on that row instead of both reading the same highest number;
if the caller's transaction rolls back, the number is given back with it. Take the number as late
in the transaction as possible (after validation) to keep the wait short.

Each app formats its own number string ("MSE-2026-000123", "Ө-2026-0001", "2026-001", "2026/1").
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from kopir.core.models import NumberSequence

# A sequence that does not restart each year (e.g. a council's meetings) uses this year.
NO_YEAR = 0


def next_number(scope: str, year: int) -> int:
    """The next number in the (scope, year) sequence, starting at 1; never the same one twice."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(NumberSequence._meta.db_table)
        # One statement: creates the row on first use and increments it otherwise. A concurrent
        # caller blocks on the row (or on the unique index for a new row) and then increments
        # the committed value, so nobody reads a stale counter.
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (scope, year, last_issued) VALUES (%s, %s, 1) "  # noqa: S608 - the table name is Kopir's own
                f"ON CONFLICT (scope, year) DO UPDATE SET last_issued = {table}.last_issued + 1 "
                "RETURNING last_issued",
                [scope, year],
            )
            row = cursor.fetchone()
        assert row is not None
        return int(row[0])
    # SQLite: the IMMEDIATE transaction holds the database's write lock from BEGIN, so the
    # update and the read below cannot interleave with another writer.
    with transaction.atomic():
        NumberSequence.objects.get_or_create(scope=scope, year=year)
        NumberSequence.objects.filter(scope=scope, year=year).update(
            last_issued=F("last_issued") + 1
        )
        return NumberSequence.objects.values_list("last_issued", flat=True).get(
            scope=scope, year=year
        )


def peek_number(scope: str, year: int) -> int:
    """The number `next_number` would give now, without taking it: a suggestion only."""
    last = (
        NumberSequence.objects.filter(scope=scope, year=year)
        .values_list("last_issued", flat=True)
        .first()
    )
    return (last or 0) + 1


def number_used(scope: str, year: int, number: int) -> None:
    """Record that `number` was given by hand, so the sequence never issues it (or less) again."""
    with transaction.atomic():
        NumberSequence.objects.get_or_create(scope=scope, year=year)
        NumberSequence.objects.filter(scope=scope, year=year).update(
            last_issued=Greatest(F("last_issued"), number)
        )
