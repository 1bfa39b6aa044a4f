"""Optimistic concurrency for records a person edits: one conditional UPDATE per change.

Versioned reference data (assessment's completeness rule sets, rehabilitation's measure catalogue)
and other edited records carry a `version` column; a change names the version it was read at and
is written only if that version is still stored, so two editors never overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Model

from kopir.core.errors import ConflictError


def update_if_current(record: Model, expected_version: int, conflict: Any, **values: Any) -> None:
    """Save `values` and the next version on `record` if its stored version is `expected_version`;
    otherwise raise ConflictError(conflict) and write nothing. `record` is updated in memory."""
    rows = (
        type(record)
        ._default_manager.filter(pk=record.pk, version=expected_version)
        .update(**values, version=expected_version + 1)
    )
    if rows != 1:
        raise ConflictError(conflict)
    for name, value in values.items():
        setattr(record, name, value)
    record.version = expected_version + 1  # type: ignore[attr-defined]


def require_current(record: Model, expected_version: int, conflict: Any) -> None:
    """Refuse a change made from a stale page before anything else is checked (whoever saved in
    between may have moved the record on, and the user must see a conflict, not a puzzle):
    ConflictError(conflict) unless both the caller's copy of `record`, which may itself be stale,
    and its stored row are at `expected_version`."""
    stored = (
        type(record)._default_manager.filter(pk=record.pk).values_list("version", flat=True).first()
    )
    if record.version != expected_version or stored != expected_version:  # type: ignore[attr-defined]
        raise ConflictError(conflict)


def assign_changes(record: Any, values: Mapping[str, Any]) -> list[str]:
    """Set on `record` (in memory) each of `values` that differs from what it holds; the names of
    those set, in the order given: what an update saves and its audit record names. A new
    record's relation not yet set holds None."""
    changed = [name for name, value in values.items() if getattr(record, name, None) != value]
    for name in changed:
        setattr(record, name, values[name])
    return changed
