"""Registration numbers that are never given twice, for every numbered record in Kopir.

A sequence is a scope (what is numbered and in whose register, e.g. "council.petition:7") and a
year; `next_number` increments its counter row in ONE statement and returns the new value. The
increment takes the row's lock, and the lock is held until the caller's transaction ends, so two
simultaneous registrations queue on that row instead of both reading the same highest number;
if the caller's transaction rolls back, the number is given back with it. Take the number as late
in the transaction as possible (after validation) to keep the wait short.

Each app formats its own number string ("MSE-2026-000123", "Ө-2026-0001", "2026-001", "2026/1").

A register that takes numbers at national rates (referrals) uses `draw_numbers` instead: on
PostgreSQL a database sequence per scope and year, which no transaction locks, so concurrent
registrations never wait on each other; the price is that a rolled-back registration does not
give its number back (the register may have gaps, never a repeat).
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Greatest

from kopir.core.models import NumberSequence

# A sequence that does not restart each year (e.g. a council's meetings) uses this year.
NO_YEAR = 0
# The PostgreSQL function behind `draw_numbers` (installed by core's migration).
DRAW_FUNCTION = "core_draw_numbers"


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


def sequence_name(scope: str, year: int) -> str:
    """The PostgreSQL sequence of (scope, year): a fixed prefix and a digest, so any scope fits
    the 63 characters an identifier may have and needs no quoting."""
    digest = hashlib.sha256(f"{scope}:{year}".encode()).hexdigest()[:16]
    return f"core_number_{year}_{digest}"


def draw_numbers(scope: str, year: int, count: int = 1) -> list[int]:
    """`count` new numbers of the (scope, year) register, ascending, in one round trip.

    Never the same number twice, and no lock is held until the commit: on PostgreSQL they come
    from a sequence (created on first use, starting after what the counter row `next_number`
    keeps had issued), so a rolled-back transaction leaves a gap. On SQLite, where writers take
    the database's lock anyway, from the counter row: one UPDATE for all `count`.
    """
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {DRAW_FUNCTION}(%s, %s, %s, %s)",
                [sequence_name(scope, year), scope, year, count],
            )
            rows = cursor.fetchall()
        return sorted(int(row[0]) for row in rows)
    with transaction.atomic():
        NumberSequence.objects.get_or_create(scope=scope, year=year)
        NumberSequence.objects.filter(scope=scope, year=year).update(
            last_issued=F("last_issued") + count
        )
        last = NumberSequence.objects.values_list("last_issued", flat=True).get(
            scope=scope, year=year
        )
    return list(range(last - count + 1, last + 1))


def install_draw_function(schema_connection: object) -> None:
    """Create the PostgreSQL function `draw_numbers` calls: nextval `count` times, creating the
    sequence first if it does not exist yet (two first callers at once: one creates it, the other
    uses it). One statement from Python whether or not the sequence existed."""
    if getattr(schema_connection, "vendor", "") != "postgresql":
        return
    table = NumberSequence._meta.db_table
    with schema_connection.cursor() as cursor:  # type: ignore[attr-defined]
        cursor.execute(
            f"""CREATE OR REPLACE FUNCTION {DRAW_FUNCTION}(
                    sequence_name text, scope_name text, scope_year integer, wanted integer)
                RETURNS SETOF bigint VOLATILE LANGUAGE plpgsql AS $$
                DECLARE
                    first bigint;
                BEGIN
                    BEGIN
                        RETURN QUERY SELECT nextval(sequence_name::regclass)
                            FROM generate_series(1, wanted);
                        RETURN;
                    EXCEPTION WHEN undefined_table THEN
                        NULL;
                    END;
                    -- Continue the register where the counter row left it.
                    SELECT COALESCE(MAX(last_issued), 0) + 1 INTO first FROM {table}
                        WHERE scope = scope_name AND year = scope_year;
                    BEGIN
                        EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I START WITH %s',
                            sequence_name, first);
                    EXCEPTION WHEN unique_violation OR duplicate_table THEN
                        NULL;  -- created by a concurrent first caller
                    END;
                    RETURN QUERY SELECT nextval(sequence_name::regclass)
                        FROM generate_series(1, wanted);
                END $$"""  # noqa: S608 - constants only
        )
