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
import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests
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


def lease() -> dt.timedelta:
    # Longer than one send can take, so a claimed delivery is not claimed again while in flight.
    return dt.timedelta(seconds=settings.KOPIR_WEBHOOK_TIMEOUT_SECONDS * 2 + 30)


_local = threading.local()


def http_session() -> requests.Session:
    """One session per thread, kept alive between deliveries (connection reuse)."""
    session = getattr(_local, "session", None)
    if session is None:
        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        _local.session = session
    return session


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
                attempts=F("attempts") + 1, next_attempt_at=now + lease(), last_attempt_at=now
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


def _post(delivery: Delivery) -> Outcome:
    now = timezone.now()
    body = webhook_body(delivery.event)
    headers = signed_headers(delivery.event, delivery.subscription, body, now)
    try:
        response = http_session().post(
            delivery.subscription.url,
            data=body,
            headers=headers,
            timeout=settings.KOPIR_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        response.close()
    except requests.RequestException as error:
        return Outcome(False, None, type(error).__name__)
    if 200 <= response.status_code < 300:
        return Outcome(True, response.status_code, "")
    return Outcome(False, response.status_code, f"HTTP {response.status_code}")


def _record(delivery: Delivery, outcome: Outcome, jitter: Callable[[], float]) -> str:
    """Store one attempt's outcome; returns the delivery's state afterwards."""
    now = timezone.now()
    # Conditional on the attempt this worker claimed: a worker whose lease ran out (and whose
    # delivery another worker took over) does not overwrite the newer attempt's outcome.
    mine = Delivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts)
    if outcome.ok:
        mine.update(
            state=DeliveryState.DELIVERED,
            delivered_at=now,
            next_attempt_at=None,
            last_status_code=outcome.status_code,
            last_error="",
        )
        _after_delivery(delivery)
        return DeliveryState.DELIVERED
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
        next_attempt_at=now + backoff(delivery.attempts, jitter=jitter),
        last_status_code=outcome.status_code,
        last_error=outcome.error[:300],
    )
    return DeliveryState.FAILED


def _safe_post(delivery: Delivery) -> Outcome:
    try:
        return _post(delivery)
    except Exception as error:  # a bug must not stop the batch: recorded as a failed attempt
        logger.exception("webhook delivery %s raised", delivery.pk)
        return Outcome(False, None, type(error).__name__)


def deliver_batch(ids: list[int], *, jitter: Callable[[], float] = random.random) -> list[str]:
    """One attempt for each claimed delivery: read in one query, POSTed concurrently (the HTTP
    calls only; every database write stays in this thread), outcomes stored in one transaction."""
    deliveries = list(
        Delivery.objects.select_related("event", "subscription").filter(pk__in=ids).order_by("id")
    )
    workers = max(1, min(settings.KOPIR_WEBHOOK_CONCURRENCY, len(deliveries)))
    if workers == 1:
        outcomes = [_safe_post(delivery) for delivery in deliveries]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outcomes = list(pool.map(_safe_post, deliveries))
    with transaction.atomic():
        return [
            _record(delivery, outcome, jitter)
            for delivery, outcome in zip(deliveries, outcomes, strict=True)
        ]


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
