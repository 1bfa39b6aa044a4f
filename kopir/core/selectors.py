"""Reads every app needs in the same way."""

from __future__ import annotations

from django.db.models import Model


def stored_version(record: Model) -> int:
    """The version of `record` saved in the database now, e.g. after an edit conflict: the form
    then carries it, so sending the form again is a deliberate overwrite."""
    version: int = type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk)
    return version
