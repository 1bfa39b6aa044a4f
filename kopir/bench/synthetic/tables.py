"""Writing many rows fast: COPY on PostgreSQL, executemany INSERT elsewhere, ids allocated here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

from kopir.core.bulk import copy_rows


def table_of(model: type[models.Model]) -> str:
    return model._meta.db_table


def next_id(model: type[models.Model]) -> int:
    """The first id after the table's highest."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table_of(model))}"
        )
        return int(cursor.fetchone()[0]) + 1


def write_rows(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Append `rows` (values in the order of `columns`) to the model's table; return how many."""
    return copy_rows(model, columns, rows)


def reset_sequences(models_written: Iterable[type[models.Model]]) -> None:
    """After writing explicit ids, move PostgreSQL's id sequences past them."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_written:
            table = table_of(model)
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {connection.ops.quote_name(table)}))",
                [table],
            )


_REQUIRED = object()


class Table:
    """One model's table as rows of plain values: every concrete column, with the model's own
    defaults filled in once (the database has no defaults of its own: Django sets them)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        # A generated column is the database's to compute: never written.
        self.fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
        self.columns = [field.column for field in self.fields]
        self._index = {field.attname: i for i, field in enumerate(self.fields)}
        self._template: list[Any] = []
        for field in self.fields:
            if field.primary_key:
                self._template.append(_REQUIRED)
            elif field.has_default() and not callable(field.default):
                self._template.append(field.get_default())
            elif field.has_default() and field.default in (list, dict):
                self._template.append(field.default())
            elif field.null:
                self._template.append(None)
            elif field.blank and isinstance(
                field, models.CharField | models.TextField | models.FileField
            ):
                self._template.append("")
            else:
                self._template.append(_REQUIRED)
        self._converters = [self._converter(field) for field in self.fields]

    @staticmethod
    def _converter(field: models.Field[Any, Any]) -> Any:
        if isinstance(field, models.JSONField):
            return lambda value: json.dumps(value, ensure_ascii=False)
        if connection.vendor == "postgresql":
            return None
        if isinstance(field, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(field, models.DateField):
            return lambda value: None if value is None else value.isoformat()
        if isinstance(field, models.DecimalField):
            return lambda value: None if value is None else str(value)
        return None

    def row(self, **values: Any) -> list[Any]:
        row = list(self._template)
        for name, value in values.items():
            row[self._index[name]] = value
        for i, value in enumerate(row):
            if value is _REQUIRED:
                raise ValueError(f"{self.model.__name__}.{self.fields[i].attname} is required")
            converter = self._converters[i]
            if converter is not None and value is not None:
                row[i] = converter(value)
        return row

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        return write_rows(self.model, self.columns, rows)
