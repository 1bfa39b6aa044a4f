"""Idempotency keys for the API's writes: the same request twice has the effect of one.

A request with a key looks the key up first: a repeat with the same body gets the stored
response, a repeat with a different body is refused (409). A new key is processed, and its
response stored by the same transaction as what the request wrote (`idempotency_store`, the
transaction's last statement): both are kept or neither. Only successes are stored, so a refused
request leaves the key free for the corrected one. Two requests with one key at once both do
their work, and the unique index on the key lets one commit: the other's transaction is undone
and it answers with the stored response of the first (or 409 if its body differs).

(Until 2026-12-06 the key was reserved by a transaction of its own before the work and completed
after it, four statements a request more; a reservation without a response still found — from
a request of that code, cut short — is answered as "in progress" until it is stale.)
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from kopir.assessment.models import ExternalSystem, IdempotencyRecord, Referral

MAX_KEY_LENGTH = 255
# A reservation older than this belongs to a request that died without answering; a retry may
# take it over rather than wait for ever.
STALE_RESERVATION = dt.timedelta(minutes=5)
# How long answers are kept for replay (the periodic prune deletes older records).
RETENTION = dt.timedelta(days=30)


class Outcome(enum.Enum):
    NEW = "new"  # not used yet: process the request, store its response if it succeeds
    REPLAY = "replay"  # answered before: send the stored response
    MISMATCH = "mismatch"  # the key was used for a different request
    IN_PROGRESS = "in_progress"  # the first request with this key has not finished


@dataclass(frozen=True)
class Reservation:
    outcome: Outcome
    record: IdempotencyRecord | None


def request_fingerprint(endpoint: str, body: Any) -> str:
    """SHA-256 of the endpoint and the body in canonical JSON: key order and spacing don't count."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{endpoint}\n{canonical}".encode()).hexdigest()


def idempotency_find(
    *, system: ExternalSystem, key: str, endpoint: str, fingerprint: str
) -> Reservation:
    """What is known of this key: nothing yet (NEW, no record), or the record and what it means
    for this request (REPLAY, MISMATCH, IN_PROGRESS). One read."""
    record = IdempotencyRecord.objects.filter(system=system, key=key).first()
    if record is None:
        return Reservation(Outcome.NEW, None)
    if record.endpoint != endpoint or record.request_hash != fingerprint:
        return Reservation(Outcome.MISMATCH, record)
    if record.status_code is not None:
        return Reservation(Outcome.REPLAY, record)
    if record.created_at >= timezone.now() - STALE_RESERVATION:
        return Reservation(Outcome.IN_PROGRESS, record)
    # A stale reservation of a request that never answered: free the key.
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()
    return Reservation(Outcome.NEW, None)


def idempotency_store(
    *,
    system: ExternalSystem,
    key: str,
    endpoint: str,
    fingerprint: str,
    status_code: int,
    body: Any,
    referral: Referral | None,
) -> IdempotencyRecord:
    """Store the response to a new key, in the caller's transaction, with what the request
    wrote. Raises IntegrityError when another request with the key stored its response first:
    the caller's transaction must then be undone (nothing of this request may stay)."""
    now = timezone.now()
    return IdempotencyRecord.objects.create(
        system=system,
        key=key,
        endpoint=endpoint,
        request_hash=fingerprint,
        status_code=status_code,
        response_body=body,
        referral=referral,
        completed_at=now,
    )


def idempotency_prune(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
