"""Save a council record and write its audit record: the last step of most council services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Required, TypedDict, TypeVar, Unpack

from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record

RecordT = TypeVar("RecordT", bound=Model)


class AuditedBy(TypedDict, total=False):
    """Who made the change and how it came: audit_record's `actor`, `request` and `channel`."""

    actor: Required[Any]
    request: HttpRequest | None
    channel: AuditChannel | str


def save_audited(
    record: RecordT,
    action: AuditAction | str,
    fields: Iterable[str] = (),
    *,
    update_fields: Iterable[str] | None = None,
    check: Callable[[RecordT], None] | None = None,
    **by: Unpack[AuditedBy],
) -> RecordT:
    """full_clean() the record, run the service's own `check` of it, save it (only
    `update_fields` where given) and audit `fields` of it. Call it inside the caller's
    transaction, so that the record and its audit record stand or fall together."""
    record.full_clean()
    if check is not None:
        check(record)
    record.save(update_fields=update_fields)
    audited(record, action, fields, **by)
    return record


def create_audited(record: RecordT, fields: Iterable[str], **by: Unpack[AuditedBy]) -> RecordT:
    """Save a new record and its CREATE audit record in one transaction (the caller's, if it
    runs in one)."""
    with transaction.atomic():
        return save_audited(record, AuditAction.CREATE, fields, **by)


def audited(
    target: Model, action: AuditAction | str, fields: Iterable[str] = (), **by: Unpack[AuditedBy]
) -> None:
    """Audit a change to `target` that the caller saved some other way (its rows, its status)."""
    audit_record(action=action, target=target, fields=fields, **by)
