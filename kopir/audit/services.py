"""Writing audit records. Every service that reads personal data or changes a record calls
`audit_record` inside its own transaction; a service that saves a record it checked calls
`save_audited` (full_clean, save, audit) or `create_audited` (the same, as a CREATE, in one
transaction), and `audited` for a change it saved some other way."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Required, TypedDict, TypeVar, Unpack

from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from kopir.audit.models import AuditAction, AuditChannel, AuditEvent, AuditRow
from kopir.core.actors import is_signed_in
from kopir.core.client import client_address


def request_source(request: HttpRequest | None) -> str:
    """Where a request came from: the client's address, read past the trusted reverse proxies
    (never the query string)."""
    if request is None:
        return ""
    return client_address(request)[:100]


@dataclass(frozen=True)
class Ref:
    """A record named by its type ("app_label.model_name") and id, for a bulk writer that read
    ids rather than model instances (the deadline sweep); accepted wherever a target is."""

    target_type: str
    pk: Any

    @classmethod
    def of(cls, model: type[models.Model], pk: Any) -> Ref:
        return cls(f"{model._meta.app_label}.{model._meta.model_name}", pk)


def target_type_of(target: models.Model | Ref) -> str:
    if isinstance(target, Ref):
        return target.target_type
    return f"{target._meta.app_label}.{target._meta.model_name}"


def _unsaved(
    *,
    actor: Any,
    action: AuditAction | str,
    target_type: str,
    target_id: str | int,
    request: HttpRequest | None,
    channel: AuditChannel | str,
    source: str,
    fields: Iterable[str],
    detail: str,
) -> AuditEvent:
    is_user = is_signed_in(actor)
    return AuditEvent(
        actor=actor if is_user else None,
        actor_username=actor.get_username() if is_user else "",
        organisation_id=getattr(actor, "organisation_id", None) if is_user else None,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        channel=channel,
        source=source or request_source(request),
        fields=sorted(fields),
        detail=detail[:200],
    )


_deferred = threading.local()


@contextmanager
def audit_deferred() -> Iterator[None]:
    """Hold back the audit records written inside the block and append them all at its end, in
    order, under one take of the chain's lock (`append_chained`).

    The chain's lock is held from the first record until the commit, so a transaction that
    audits early and then does more work makes every other auditing transaction wait that long.
    Open it just inside the `transaction.atomic()` of a write that audits several times (an
    intake: the person, the referral, its documents, its sending): the records then go in last,
    and the lock is held for microseconds. A nested block joins the outer one; if it fails, its
    records are dropped with it, as a savepoint drops its rows. Records written inside have no
    id until the block ends.
    """
    pending: list[AuditEvent | AuditRow] | None = getattr(_deferred, "events", None)
    if pending is not None:
        start = len(pending)
        try:
            yield
        except BaseException:
            del pending[start:]
            raise
        return
    events: list[AuditEvent | AuditRow] = []
    _deferred.events = events
    try:
        yield
    finally:
        _deferred.events = None
    AuditEvent.objects.append_chained(events)


def audit_record(
    *,
    actor: Any,
    action: AuditAction | str,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    source: str = "",
    fields: Iterable[str] = (),
    detail: str = "",
) -> AuditEvent:
    """Append one audit record. Call it inside the transaction of the change it describes.

    `detail` and `fields` must not carry personal data (no names, IINs, addresses): they say what
    kind of thing happened, the record's id says to what.
    """
    if target is not None:
        target_type = target_type_of(target)
        target_id = target.pk
    event = _unsaved(
        actor=actor,
        action=action,
        target_type=target_type,
        target_id=target_id,
        request=request,
        channel=channel,
        source=source,
        fields=fields,
        detail=detail,
    )
    pending: list[AuditEvent | AuditRow] | None = getattr(_deferred, "events", None)
    if pending is not None:
        pending.append(event)
    else:
        event.save()
    return event


RecordT = TypeVar("RecordT", bound=models.Model)


class AuditedBy(TypedDict, total=False):
    """Who made the change, how it came and what it was: audit_record's `actor`, `request`,
    `channel` and `detail`."""

    actor: Required[Any]
    request: HttpRequest | None
    channel: AuditChannel | str
    detail: str


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


def create_audited(record: RecordT, fields: Iterable[str] = (), **by: Unpack[AuditedBy]) -> RecordT:
    """Save a new record and its CREATE audit record in one transaction (the caller's, if it
    runs in one)."""
    with transaction.atomic():
        return save_audited(record, AuditAction.CREATE, fields, **by)


def audited(
    target: models.Model,
    action: AuditAction | str,
    fields: Iterable[str] = (),
    **by: Unpack[AuditedBy],
) -> None:
    """Audit a change to `target` that the caller saved some other way (its rows, its status)."""
    audit_record(action=action, target=target, fields=fields, **by)


def audit_record_many(
    *,
    actor: Any,
    action: AuditAction | str,
    entries: Iterable[tuple[models.Model | Ref, str]],
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
    fields: Iterable[str] = (),
) -> list[AuditRow]:
    """Append one audit record per `(target, detail)` of `entries`, in that order, as
    `audit_record` would one by one, in a few INSERTs under one take of the chain's lock.

    For a step that changes many records in one transaction (the deadline sweep's escalations,
    the notices they queue, a bulk file's batch). The records are plain `AuditRow`s, not model
    instances, each given its id once written. Call it last in the transaction, like
    `audit_record`: the chain's lock is held from here until the commit.
    """
    is_user = is_signed_in(actor)
    # What every record of the call shares, as `_unsaved` gives it one by one.
    at = timezone.now()
    actor_id = actor.pk if is_user else None
    actor_username = actor.get_username() if is_user else ""
    organisation_id = getattr(actor, "organisation_id", None) if is_user else None
    source = request_source(request)
    names = sorted(fields)
    types: dict[type[models.Model], str] = {}
    events = []
    for target, detail in entries:
        if isinstance(target, Ref):
            target_type = target.target_type
        else:
            kind = type(target)
            target_type = types.get(kind) or types.setdefault(kind, target_type_of(target))
        events.append(
            AuditRow(
                at=at,
                actor_id=actor_id,
                actor_username=actor_username,
                organisation_id=organisation_id,
                action=str(action),
                channel=str(channel),
                source=source,
                fields=names,
                target_type=target_type,
                target_id=str(target.pk),
                detail=detail[:200],
            )
        )
    pending: list[AuditEvent | AuditRow] | None = getattr(_deferred, "events", None)
    if pending is not None:
        pending.extend(events)
        return events
    return list(AuditEvent.objects.append_chained(events))


def audit_search_reach(
    *,
    actor: Any,
    records: Iterable[models.Model],
    request: HttpRequest | None = None,
    purpose: str = "staff search",
) -> None:
    """One SEARCH record per record holding personal data that a staff search (or another page
    listing records by their content, `purpose`) showed the user (a referral by its number, a
    petition): who could have opened what, even unopened."""
    entries = [(record, purpose) for record in records]
    if entries:
        with transaction.atomic():
            audit_record_many(
                actor=actor, action=AuditAction.SEARCH, entries=entries, request=request
            )
