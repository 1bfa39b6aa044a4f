"""Appending many rows with little client-side work: COPY on PostgreSQL, INSERT elsewhere.

`copy_rows` writes plain values (the synthetic dataset's generator, `kopir/bench`);
`insert_instances` writes unsaved model instances and gives them their ids, for a background step
that appends thousands of rows in one transaction (the deadline sweep's notices, outbox events
and audit records). Django's `bulk_create` compiles an INSERT and quotes every parameter in
Python; COPY sends the rows as they are, and the database parses them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.db import connections, models

# Rows of one INSERT where COPY is not available (SQLite).
INSERT_BATCH = 1000
# Fewer instances than this go in by an INSERT on PostgreSQL too: for a few rows a multi-row
# INSERT RETURNING is one round trip, drawing ids and a COPY two.
COPY_FROM = 20


def _adapt(value: Any) -> Any:
    # JSON columns are written as their text; everything else as the driver adapts it.
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def copy_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    using: str = "default",
) -> int:
    """Append `rows` (values in the order of `columns`) to the model's table; return how many."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    if connection.vendor == "postgresql":
        # psycopg's errors become Django's (IntegrityError, DataError…), as a cursor's would.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_adapt(value) for value in row])
                    count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - names quoted
    batch: list[list[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            batch.append([_adapt(value) for value in row])
            if len(batch) == 5 * INSERT_BATCH:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _draw_ids(model: type[models.Model], count: int, using: str) -> list[int]:
    """`count` ids from the table's sequence, in ascending order, in one round trip."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return sorted(int(row[0]) for row in cursor.fetchall())


# The fields whose pre_save only reads the attribute (a date without auto_now/auto_now_add is one).
_PLAIN_PRE_SAVE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def _reader(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """How a field's value for an INSERT is read from an instance: its `pre_save`, or, where
    that only reads the attribute, the attribute itself (a bulk file's rows read 60,000 values)."""
    if type(field).pre_save in _PLAIN_PRE_SAVE and not (
        getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ):
        return attrgetter(field.attname)
    return lambda instance: field.pre_save(instance, True)


def insert_instances(
    model: type[models.Model], instances: list[Any], *, using: str = "default"
) -> list[Any]:
    """Insert unsaved `instances` of `model`, in order, and set their primary keys.

    On PostgreSQL, from `COPY_FROM` instances on: the ids are drawn from the table's sequence in one statement (ascending, in the
    instances' order, as a multi-row INSERT would draw them) and the rows go in by one COPY.
    Otherwise: `bulk_create` in batches. Either way `save()` and the model's signals are skipped,
    as `bulk_create` skips them; each field's `pre_save` runs (auto_now_add stamps).
    """
    if not instances:
        return instances
    connection = connections[using]
    if connection.vendor != "postgresql" or len(instances) < COPY_FROM:
        return models.QuerySet(model, using=using).bulk_create(instances, batch_size=INSERT_BATCH)
    pk = model._meta.pk
    if isinstance(pk, models.AutoField | models.BigAutoField):
        for instance, new_id in zip(
            instances, _draw_ids(model, len(instances), using), strict=True
        ):
            setattr(instance, pk.attname, new_id)
    # A generated column is the database's to compute (COPY refuses it).
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    encoders = [
        (lambda value, e=field.encoder: json.dumps(value, cls=e, ensure_ascii=False))
        if isinstance(field, models.JSONField)
        else None
        for field in fields
    ]

    readers = [_reader(field) for field in fields]

    def rows() -> Iterable[list[Any]]:
        for instance in instances:
            row = []
            for read, encode in zip(readers, encoders, strict=True):
                value = read(instance)
                row.append(value if encode is None or value is None else encode(value))
            yield row

    copy_rows(model, [field.column for field in fields], rows(), using=using)
    for instance in instances:
        instance._state.adding = False
        instance._state.db = using
    return instances
