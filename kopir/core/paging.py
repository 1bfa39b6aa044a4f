"""Keyset paging for the lists ordered by (due date, id): the cursor the address carries, and the
page's query built so that an index on (…, status, due date, id) serves its order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import Expression, F, Model, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan

RowT = TypeVar("RowT", bound=Model)
SelectionT = TypeVar("SelectionT")
ItemT = TypeVar("ItemT")


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: after the row with this due date and id."""

    due: dt.date
    pk: int

    def encode(self) -> str:
        return f"{self.due.isoformat()},{self.pk}"

    @classmethod
    def parse(cls, text: str | None) -> Cursor | None:
        """The cursor from the address, or None when it is missing or malformed (first page)."""
        if not text:
            return None
        due_text, _sep, pk_text = text.partition(",")
        try:
            return cls(dt.date.fromisoformat(due_text), int(pk_text))
        except ValueError:
            return None


@dataclass(frozen=True)
class CursorPage(Generic[ItemT]):
    """One page of a list paged by cursor: its rows, the cursor of the page after it (None on the
    last) and whether it is the first; core/partials/cursor_pager.html draws its links. It reads
    as a page of rows (`object_list`, iteration), so a table extending
    core/partials/paged_table.html lists it."""

    rows: list[ItemT] = field(default_factory=list)
    next_cursor: str | None = None
    is_first: bool = True

    @property
    def object_list(self) -> list[ItemT]:
        return self.rows

    def __iter__(self) -> Iterator[ItemT]:
        return iter(self.rows)


def cut_page(
    rows: list[ItemT], limit: int, cursor_of: Callable[[ItemT], str]
) -> tuple[list[ItemT], str | None]:
    """`rows` read `limit + 1` at most, cut to the page's `limit`, and the cursor of the page after
    it: `cursor_of` its last row when the extra row shows that more follow, else None."""
    shown = rows[:limit]
    return shown, cursor_of(shown[-1]) if len(rows) > limit and shown else None


def rows_after(rows: QuerySet[RowT], due_field: str, after: Cursor | None) -> QuerySet[RowT]:
    """The rows after `after` in (due date, id) order; all of them without a cursor."""
    if after is None:
        return rows
    return rows_past(rows, F(due_field), after.due, after.pk)


def rows_past(rows: QuerySet[RowT], key: Expression | F, value: Any, pk: int) -> QuerySet[RowT]:
    """The rows after (`value`, `pk`) in (key, id) order: `(key, id) > (value, pk)`, a row
    comparison on PostgreSQL that an index on (key, id) serves as its lower bound."""
    return rows.filter(TupleGreaterThan(Tuple(key, F("id")), (value, pk)))


def merged_page(
    one: Callable[[SelectionT], QuerySet[RowT]],
    whole: SelectionT,
    parts: Sequence[SelectionT],
    *,
    due_field: str,
    size: int,
) -> QuerySet[RowT]:
    """The first `size` rows of `one(whole)` in (due date, id) order.

    An index ordered by (…, status, due date, id) yields one status's rows in page order, but for
    several the database would read every matching row and sort them. So each of `parts` (one a
    status) is read on its own, `size` rows at most straight from the index, and the branches are
    merged. With fewer than two parts `whole` is read as it is.
    """
    # SQLite (development) cannot limit the parts of a UNION; it reads and sorts instead.
    if len(parts) < 2 or not connection.features.supports_slicing_ordering_in_compound:
        return one(whole)[:size]
    branches = [one(part)[:size] for part in parts]
    return branches[0].union(*branches[1:], all=True).order_by(due_field, "id")[:size]
