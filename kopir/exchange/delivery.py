"""The worker's side of the outbox: claim due deliveries in batches, sign and POST them, record
the outcome or the next attempt.

At least once, never lost: a claim counts the attempt and pushes `next_attempt_at` a lease into
the future in the claiming transaction (rows locked with SKIP LOCKED on PostgreSQL, the IMMEDIATE
write transaction on SQLite), so a second worker skips them and a worker that dies mid-send leaves
them due again once the lease ends. Every attempt of one event carries the same `webhook-id`, the
receiver's idempotency key, so a retry after a timeout is recognised as the same event.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import random
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import certifi
import urllib3
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from standardwebhooks import Webhook

from kopir.exchange.models import Delivery, DeliveryState, OutboxEvent, Subscription

logger = logging.getLogger(__name__)

USER_AGENT = "Kopir-Webhooks/1"
DUE_STATES = (DeliveryState.PENDING, DeliveryState.FAILED)


def max_attempts() -> int:
    return int(settings.KOPIR_WEBHOOK_MAX_ATTEMPTS)


def backoff(attempts: int, *, jitter: Callable[[], float] = random.random) -> dt.timedelta:
    """The pause after the `attempts`-th failed attempt: doubling from the base, capped, plus up to
    a fifth more at random so that a receiver coming back up is not hit by every retry at once."""
    base = settings.KOPIR_WEBHOOK_BACKOFF_BASE_SECONDS
    cap = settings.KOPIR_WEBHOOK_BACKOFF_CAP_SECONDS
    seconds = min(cap, base * 2 ** max(attempts - 1, 0))
    return dt.timedelta(seconds=seconds * (1 + 0.2 * jitter()))


def lease(claimed: int = 1) -> dt.timedelta:
    """How long a claim holds: longer than sending all `claimed` deliveries can take (each batch
    is sent `KOPIR_WEBHOOK_CONCURRENCY` at a time, each request up to the timeout), so a claimed
    delivery is not claimed again while it is in flight."""
    rounds = -(-max(claimed, 1) // max(settings.KOPIR_WEBHOOK_CONCURRENCY, 1))
    return dt.timedelta(seconds=settings.KOPIR_WEBHOOK_TIMEOUT_SECONDS * 2 * rounds + 30)


_pools: dict[int, ThreadPoolExecutor] = {}
_connections: dict[int, urllib3.PoolManager] = {}
_pools_lock = threading.Lock()


def http_connections() -> urllib3.PoolManager:
    """The process's HTTP connections, kept alive between deliveries: one pool per receiver
    (scheme, host and port), at most `KOPIR_WEBHOOK_CONCURRENCY` connections each, shared by the
    sending threads. urllib3 directly rather than requests: a delivery is one POST with fixed
    headers, and requests' per-call machinery cost more than the POST itself. Certificates are
    checked against certifi's bundle, as requests did; no proxy from the environment. Keyed by
    process id: a forked worker opens its own."""
    pid = os.getpid()
    with _pools_lock:
        manager = _connections.get(pid)
        if manager is None:
            manager = urllib3.PoolManager(
                maxsize=max(1, settings.KOPIR_WEBHOOK_CONCURRENCY),
                block=True,
                retries=False,
                cert_reqs="CERT_REQUIRED",
                ca_certs=certifi.where(),
            )
            _connections[pid] = manager
    return manager


def sending_pool() -> ThreadPoolExecutor:
    """The threads that POST, one pool per process for its whole life rather than new threads
    for every batch. Keyed by process id: a forked worker makes its own."""
    pid = os.getpid()
    with _pools_lock:
        pool = _pools.get(pid)
        if pool is None:
            pool = ThreadPoolExecutor(
                max_workers=max(1, settings.KOPIR_WEBHOOK_CONCURRENCY),
                thread_name_prefix="kopir-webhooks",
            )
            _pools[pid] = pool
    return pool


def claim_due(*, limit: int, now: dt.datetime | None = None) -> list[int]:
    """Take up to `limit` due deliveries for one attempt each; returns their ids."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Delivery.objects.filter(
            state__in=DUE_STATES, next_attempt_at__lte=now, subscription__active=True
        ).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("id", flat=True)[:limit])
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                attempts=F("attempts") + 1,
                next_attempt_at=now + lease(len(ids)),
                last_attempt_at=now,
            )
    return ids


def webhook_body(event: OutboxEvent) -> bytes:
    """The Standard Webhooks payload shape: type, timestamp, data."""
    return json.dumps(
        {
            "type": event.kind,
            "timestamp": event.occurred_at.isoformat(),
            "data": {"subject": event.subject, **event.payload},
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def signing_secrets(subscription: Subscription, now: dt.datetime) -> list[str]:
    current = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires is not None and expires > now:
        current.append(subscription.previous_secret)
    return current


def signed_headers(
    event: OutboxEvent, subscription: Subscription, body: bytes, now: dt.datetime
) -> dict[str, str]:
    signatures = " ".join(
        Webhook(secret).sign(msg_id=event.webhook_id, timestamp=now, data=body)
        for secret in signing_secrets(subscription, now)
    )
    return {
        "content-type": "application/json",
        "webhook-id": event.webhook_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signatures,
    }


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    error: str


def _error_name(error: Exception) -> str:
    """A short, stable name for a failed request (the names the delivery pages have shown)."""
    if isinstance(error, urllib3.exceptions.ReadTimeoutError):
        return "ReadTimeout"
    if isinstance(error, urllib3.exceptions.NewConnectionError | urllib3.exceptions.ProtocolError):
        return "ConnectionError"
    if isinstance(error, urllib3.exceptions.ConnectTimeoutError):
        return "ConnectTimeout"
    return type(error).__name__


def _post(delivery: Delivery) -> Outcome:
    now = timezone.now()
    body = webhook_body(delivery.event)
    headers = signed_headers(delivery.event, delivery.subscription, body, now)
    headers["user-agent"] = USER_AGENT
    try:
        response = http_connections().request(
            "POST",
            delivery.subscription.url,
            body=body,
            headers=headers,
            timeout=settings.KOPIR_WEBHOOK_TIMEOUT_SECONDS,
            redirect=False,
        )
    except urllib3.exceptions.HTTPError as error:
        return Outcome(False, None, _error_name(error))
    if 200 <= response.status < 300:
        return Outcome(True, response.status, "")
    return Outcome(False, response.status, f"HTTP {response.status}")


def _record_failure(delivery: Delivery, outcome: Outcome, jitter: Callable[[], float]) -> str:
    """Store one failed attempt: retried after its backoff, or dead after the last attempt."""
    # Conditional on the attempt this worker claimed: a worker whose lease ran out (and whose
    # delivery another worker took over) does not overwrite the newer attempt's outcome.
    mine = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if delivery.attempts >= max_attempts():
        mine.update(
            state=DeliveryState.DEAD,
            next_attempt_at=None,
            last_status_code=outcome.status_code,
            last_error=outcome.error[:300],
        )
        logger.warning("webhook delivery %s dead after %s attempts", delivery.pk, delivery.attempts)
        return DeliveryState.DEAD
    mine.update(
        state=DeliveryState.FAILED,
        next_attempt_at=timezone.now() + backoff(delivery.attempts, jitter=jitter),
        last_status_code=outcome.status_code,
        last_error=outcome.error[:300],
    )
    return DeliveryState.FAILED


def _record_delivered(delivered: list[tuple[Delivery, Outcome]]) -> None:
    """Store the successful attempts of a batch with one UPDATE per (attempt, status code) pair,
    each conditional on the attempt claimed, as a failure's is."""
    now = timezone.now()
    groups: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for delivery, outcome in delivered:
        groups[(delivery.attempts, outcome.status_code)].append(delivery.pk)
    for (attempts, status_code), ids in groups.items():
        Delivery.objects.filter(pk__in=ids, attempts=attempts).update(
            state=DeliveryState.DELIVERED,
            delivered_at=now,
            next_attempt_at=None,
            last_status_code=status_code,
            last_error="",
        )
    for delivery, _outcome in delivered:
        _after_delivery(delivery)


def _safe_post(delivery: Delivery) -> Outcome:
    try:
        return _post(delivery)
    except Exception as error:  # a bug must not stop the batch: recorded as a failed attempt
        logger.exception("webhook delivery %s raised", delivery.pk)
        return Outcome(False, None, type(error).__name__)


def deliver_batch(ids: list[int], *, jitter: Callable[[], float] = random.random) -> list[str]:
    """One attempt for each claimed delivery: read in one query, POSTed concurrently by the
    process's sending threads (the HTTP calls only; every database write stays in this thread),
    outcomes stored in one transaction (the successes in bulk)."""
    deliveries = list(
        Delivery.objects.select_related("event", "subscription").filter(pk__in=ids).order_by("id")
    )
    if settings.KOPIR_WEBHOOK_CONCURRENCY <= 1 or len(deliveries) <= 1:
        outcomes = [_safe_post(delivery) for delivery in deliveries]
    else:
        outcomes = list(sending_pool().map(_safe_post, deliveries))
    states: list[str] = []
    delivered: list[tuple[Delivery, Outcome]] = []
    with transaction.atomic():
        for delivery, outcome in zip(deliveries, outcomes, strict=True):
            if outcome.ok:
                delivered.append((delivery, outcome))
                states.append(DeliveryState.DELIVERED)
            else:
                states.append(_record_failure(delivery, outcome, jitter))
        _record_delivered(delivered)
    return states


def deliver_one(delivery_id: int, *, jitter: Callable[[], float] = random.random) -> str:
    """One attempt of one claimed delivery; returns its state afterwards."""
    states = deliver_batch([delivery_id], jitter=jitter)
    return states[0] if states else ""


def _after_delivery(delivery: Delivery) -> None:
    # A tracked message is delivered once the recipient's own system has taken it.
    if delivery.event.kind != "message.sent":
        return
    from kopir.exchange.models import Message
    from kopir.exchange.services import message_mark_delivered

    message_id = delivery.event.payload.get("message_id")
    message = Message.objects.filter(pk=message_id).first()
    if message is not None:
        message_mark_delivered(message=message, via="webhook")


def deliver_due(*, batch: int | None = None, rounds: int = 20) -> int:
    """Claim and send due deliveries batch by batch; returns how many attempts were made."""
    batch = batch or settings.KOPIR_WEBHOOK_BATCH
    attempted = 0
    for _round in range(rounds):
        ids = claim_due(limit=batch)
        if not ids:
            break
        try:
            deliver_batch(ids)
        except Exception:
            # Stays claimed; due again when the lease ends.
            logger.exception("webhook delivery batch of %d raised", len(ids))
        attempted += len(ids)
    return attempted
