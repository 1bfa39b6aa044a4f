"""Reads every app needs in the same way."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.db.models import Max, Model, QuerySet
from django.http import Http404
from django.utils.functional import Promise

ModelT = TypeVar("ModelT", bound=Model)


def stored_version(record: Model) -> int:
    """The version of `record` saved in the database now, e.g. after an edit conflict: the form
    then carries it, so sending the form again is a deliberate overwrite."""
    version: int = type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk)
    return version


def first_or_404(rows: QuerySet[ModelT], message: str | Promise | None = None) -> ModelT:
    """The first of `rows` (narrowed by the caller to one record: its id within what the user may
    see), or 404, so that a record outside the user's reach is not told to exist.

    `first()` rather than `get()`: a reach built from joins may repeat a row, which `get()` would
    turn into a server error."""
    record = rows.first()
    if record is None:
        raise Http404 if message is None else Http404(message)
    return record


def matching(rows: QuerySet[ModelT], **wanted: Any) -> QuerySet[ModelT]:
    """`rows` filtered by each lookup of `wanted` that has a value: a criterion a list's filter
    left empty (blank, None, False, 0) does not filter."""
    return rows.filter(**{lookup: value for lookup, value in wanted.items() if value})


def capped_count(rows: QuerySet[Any], cap: int) -> int:
    """How many rows match, counted up to `cap + 1` only (`COUNT(*)` over a `LIMIT`): a number
    past `cap` means "more than `cap`", and no count walks millions of rows or every match of a
    common name (docs/performance.md)."""
    return rows.order_by().values("pk")[: cap + 1].count()


def next_order(rows: QuerySet[Any], *, field: str = "order", first: int = 1, step: int = 1) -> int:
    """The `field` a row added at the end of `rows` takes (the `order` of an agenda's items or a
    checklist's, a council's next meeting `number`, a programme line's `position`): `step` past
    the highest, or `first` when there is none yet. Two writers would read the same highest value,
    so the caller keeps them apart (a lock on the set's owner, a version it updates) or a unique
    constraint refuses the second."""
    last = rows.aggregate(last=Max(field))["last"]
    return first if last is None else int(last) + step


def page_of(
    rows: QuerySet[ModelT] | None, per_page: int, number: int | str | None = 1
) -> Page[ModelT]:
    """Page `number` of `rows` (the last page for a number past the end). `rows` is None where a
    list's filters did not make sense: an empty first page then, and nothing is read."""
    if rows is None:
        nothing: list[ModelT] = []
        return Paginator(nothing, per_page).get_page(1)
    return Paginator(rows, per_page).get_page(number)
