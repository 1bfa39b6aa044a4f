"""Appending many rows with little client-side work: COPY on PostgreSQL, INSERT elsewhere.

`copy_rows` writes plain values (the synthetic dataset's generator, `kopir/bench`);
`append_rows` writes plain values with the model's defaults for the columns it is not given and
returns the rows' ids, for a step that appends thousands of rows per transaction without
building a model instance for each (a bulk file's batch: the referrals' findings, events, audit
records, notices and outbox events); `insert_instances` writes unsaved model instances and gives them their ids, for a background step
that appends thousands of rows in one transaction (the deadline sweep's notices, outbox events
and audit records). Django's `bulk_create` compiles an INSERT and quotes every parameter in
Python; COPY sends the rows as they are, and the database parses them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.utils import timezone

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
    adapted: bool = False,
) -> int:
    """Append `rows` (values in the order of `columns`) to the model's table; return how many.

    `adapted`: the rows' JSON values are already their text (`append_rows`), so each row goes
    to the database as it is."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    count = 0
    if connection.vendor == "postgresql":
        # psycopg's errors become Django's (IntegrityError, DataError…), as a cursor's would.
        with connection.cursor() as cursor, connection.wrap_database_errors:
            raw = cursor.cursor  # psycopg's own cursor: Django's wrapper has no copy()
            with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                if adapted:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
                else:
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


# Each table's id sequence by database alias and table, resolved once per process:
# `nextval(pg_get_serial_sequence(…))` resolves the name again for every id drawn (5-6 times
# slower on PostgreSQL 15 for 4,000 ids).
_SEQUENCES: dict[tuple[str, str], str] = {}


def _draw_ids(model: type[models.Model], count: int, using: str) -> list[int]:
    """`count` ids from the table's sequence, in ascending order, in one round trip."""
    connection = connections[using]
    table = model._meta.db_table
    with connection.cursor() as cursor:
        sequence = _SEQUENCES.get((using, table))
        if sequence is None:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
            sequence = _SEQUENCES[(using, table)] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
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


def _json_encoder(field: models.JSONField[Any]) -> Callable[[Any], Any]:
    """A JSON column's encoding for one `append_rows` call. Rows often share one value object
    (the fields an audit record names, an empty list): each is encoded once per call, known by
    its id while the rows hold it."""
    encoder = field.encoder
    done: dict[int, tuple[Any, str]] = {}

    def encode(value: Any) -> Any:
        if value is None:
            return None
        known = done.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = json.dumps(value, cls=encoder, ensure_ascii=False)
        done[id(value)] = (value, text)
        return text

    return encode


def append_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    using: str = "default",
) -> list[Any]:
    """Append `rows` (plain values in the order of `columns`, the fields' attribute names, a
    foreign key as its id) to the model's table without a model instance per row, and return
    their primary keys in the rows' order.

    Every column not named takes its field's default as `bulk_create` would give it: a callable
    default called per row (a UUID), a constant once, an `auto_now_add` stamp the time of the
    call. A JSON column's values are encoded by its field's encoder. On PostgreSQL, from
    `COPY_FROM` rows: the ids drawn from the table's sequence in one statement (ascending, in
    the rows' order) and the rows sent by one COPY. Otherwise (SQLite, a few rows): instances
    built from the values and `bulk_create`, the same rows. Nothing is validated here: the
    caller has checked its values (`full_clean`'s checks, or a check of its own per batch).
    """
    if not rows:
        return []
    connection = connections[using]
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    if connection.vendor != "postgresql" or len(rows) < COPY_FROM:
        instances: list[Any] = [model(**dict(zip(columns, row, strict=True))) for row in rows]
        models.QuerySet(model, using=using).bulk_create(instances, batch_size=INSERT_BATCH)
        return [instance.pk for instance in instances]
    given = {name: index for index, name in enumerate(columns)}
    draws_ids = pk.attname not in given and isinstance(pk, models.AutoField | models.BigAutoField)
    now = timezone.now()
    # Per concrete column: where its value comes from, in the order the COPY names them.
    names: list[str] = []
    sources: list[tuple[int, Any]] = []  # (0, index in the row) | (1, constant) | (2, callable)
    encoders: dict[int, Callable[[Any], Any]] = {}
    for field in meta.concrete_fields:
        if field.generated or (field is pk and draws_ids):
            continue
        names.append(field.column)
        position = len(names) - 1
        if isinstance(field, models.JSONField):
            encoders[position] = _json_encoder(field)
        if field.attname in given:
            sources.append((0, given[field.attname]))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            sources.append((1, now))
        elif field.has_default() and callable(field.default) and field.default not in (list, dict):
            sources.append((2, field.default))
        else:
            sources.append((1, field.get_default()))
    constants = {
        position: value
        for position, (kind, value) in enumerate(sources)
        if kind == 1 and position not in encoders
    }
    constants.update(
        {
            position: encoders[position](value)
            for position, (kind, value) in enumerate(sources)
            if kind == 1 and position in encoders
        }
    )
    from_row = [(position, index) for position, (kind, index) in enumerate(sources) if kind == 0]
    called = [(position, make) for position, (kind, make) in enumerate(sources) if kind == 2]
    template = [constants.get(position) for position in range(len(names))]
    row_encoders = [
        (position, index, encoders[position])
        for position, index in from_row
        if position in encoders
    ]
    plain = [(position, index) for position, index in from_row if position not in encoders]

    def written() -> Iterable[list[Any]]:
        for row in rows:
            out = template.copy()
            for position, index in plain:
                out[position] = row[index]
            for position, index, encode in row_encoders:
                out[position] = encode(row[index])
            for position, make in called:
                value = make()
                out[position] = encoders[position](value) if position in encoders else value
            yield out

    produced = list(written())
    if draws_ids:
        ids = _draw_ids(model, len(rows), using)
        names.insert(0, pk.column)
        for new_id, out in zip(ids, produced, strict=True):
            out.insert(0, new_id)
    else:
        at = names.index(pk.column)
        ids = [out[at] for out in produced]
    copy_rows(model, names, produced, using=using, adapted=True)
    return ids


def field_checks(
    model: type[models.Model], columns: Sequence[str]
) -> Callable[[Sequence[Any]], bool]:
    """A check of plain rows (values in the order of `columns`, attribute names) that passes
    exactly the rows whose values `full_clean` would pass for those fields: an empty value only
    where the field may be blank, a choice among the field's choices, each of the field's
    validators (its length, no NUL character…). Nothing of the model's `clean` or constraints,
    and a foreign key's target is left to the database to check on insert.

    For a bulk writer that checks thousands of rows per transaction: the check costs a few
    comparisons a value, where `full_clean` costs a model instance and Django's cleaning of
    each field. It says only whether a row passes; a writer runs `full_clean` on the row that
    does not, for the error and its message.
    """
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    plans = []
    for index, name in enumerate(columns):
        field = by_attname[name]
        if field.is_relation:
            continue  # its target is the database's to check
        choices = (
            frozenset(str(value) for value, _label in field.flatchoices) if field.choices else None
        )
        plans.append((index, field.blank, tuple(field.empty_values), choices, field.validators))

    def check(row: Sequence[Any]) -> bool:
        for index, blank, empty, choices, validators in plans:
            value = row[index]
            if value in empty:
                if blank:
                    continue
                return False
            if choices is not None and str(value) not in choices:
                return False
            for validate in validators:
                try:
                    validate(value)
                except ValidationError:
                    return False
        return True

    return check
