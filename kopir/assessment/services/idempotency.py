"""Idempotency keys for the API's writes: the same request twice has the effect of one.

The first request with a key reserves it (a row with no response yet) before doing anything, and
stores its response when it succeeds. A repeat with the same body gets that stored response; a
repeat with a different body is refused (409), as is a repeat that arrives while the first is
still being processed. Failed requests release their key, so a corrected request may reuse it.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from kopir.assessment.models import ExternalSystem, IdempotencyRecord, Referral

MAX_KEY_LENGTH = 255
# A reservation older than this belongs to a request that died without answering; a retry may
# take it over rather than wait for ever.
STALE_RESERVATION = dt.timedelta(minutes=5)
# How long answers are kept for replay (the periodic prune deletes older records).
RETENTION = dt.timedelta(days=30)


class Outcome(enum.Enum):
    NEW = "new"  # reserved: process the request, then complete or release
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


def idempotency_reserve(
    *, system: ExternalSystem, key: str, endpoint: str, fingerprint: str
) -> Reservation:
    for _attempt in range(2):
        try:
            # Its own transaction, committed at once: a concurrent request with the same key
            # must see the reservation while this one is still working.
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    system=system, key=key, endpoint=endpoint, request_hash=fingerprint
                )
            return Reservation(Outcome.NEW, record)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(system=system, key=key).first()
            if existing is None:  # released in between: try again
                continue
        record = existing
        if record.endpoint != endpoint or record.request_hash != fingerprint:
            return Reservation(Outcome.MISMATCH, record)
        if record.status_code is not None:
            return Reservation(Outcome.REPLAY, record)
        if record.created_at >= timezone.now() - STALE_RESERVATION:
            return Reservation(Outcome.IN_PROGRESS, record)
        IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()
    return Reservation(Outcome.IN_PROGRESS, None)


def idempotency_complete(
    *, record: IdempotencyRecord, status_code: int, body: Any, referral: Referral | None
) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status_code=status_code,
        response_body=body,
        referral=referral,
        completed_at=timezone.now(),
    )


def idempotency_release(*, record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()


def idempotency_prune(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
