"""Save a council record and write its audit record: the last step of most council services."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.db.models import Model
from django.http import HttpRequest

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record

RecordT = TypeVar("RecordT", bound=Model)


def save_audited(
    record: RecordT,
    action: AuditAction | str,
    fields: Iterable[str] = (),
    *,
    actor: Any,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    update_fields: Iterable[str] | None = None,
    check: Callable[[RecordT], None] | None = None,
) -> RecordT:
    """full_clean() the record, save it (only `update_fields` where given) and audit `fields` of
    it; `check` runs the service's own checks after full_clean(). Call it inside the caller's transaction, so the record and its audit stand or fall
    together."""
    record.full_clean()
    if check is not None:
        check(record)
    record.save(update_fields=update_fields)
    audited(record, action, fields, actor=actor, request=request, channel=channel)
    return record


def audited(
    target: Model,
    action: AuditAction | str,
    fields: Iterable[str] = (),
    *,
    actor: Any,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> None:
    """Audit a change to `target` that the caller saved some other way (its rows, its status)."""
    audit_record(
        actor=actor, action=action, target=target, request=request, channel=channel, fields=fields
    )
