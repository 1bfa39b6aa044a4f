"""The outbox delivery benchmark (`manage.py kopir_bench --outbox N`, docs/performance.md).

It starts the receiver (`receiver.py`) in a process of its own, subscribes an organisation to
one event kind at that receiver's address, writes N events of that kind to the outbox with
`event_publish_many` (as the deadline sweep does), and has W worker processes deliver them with
the worker's own code (`deliver_due`, the body of the `deliver_due_webhooks` task: claim with
SKIP LOCKED, sign, POST, record). Then it checks that the receiver got every event exactly once
with a valid signature and that every delivery is recorded delivered after one attempt, and
reports events per second. The subscription is disabled at the end, audited, so nothing the
benchmark wrote is ever delivered again.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import time
from dataclasses import dataclass
from typing import Any

from django.db import connections, transaction
from django.utils import timezone

from kopir.bench import receiver
from kopir.directory.models import Organisation
from kopir.exchange.delivery import deliver_due
from kopir.exchange.models import Delivery, DeliveryState, Subscription
from kopir.exchange.services import (
    event_publish_many,
    subscription_create,
    subscription_set_active,
)

KIND = "rehabilitation.measure.escalated"
PUBLISH_BATCH = 1000


@dataclass(frozen=True)
class OutboxRun:
    events: int
    workers: int
    publish_seconds: float
    deliver_seconds: float
    received: int
    duplicates: int
    unexpected: int
    bad_signatures: int
    delivered_once: int

    @property
    def per_second(self) -> float:
        return self.events / self.deliver_seconds if self.deliver_seconds else 0.0

    @property
    def exactly_once(self) -> bool:
        return (
            self.received == self.events
            and self.duplicates == 0
            and self.unexpected == 0
            and self.bad_signatures == 0
            and self.delivered_once == self.events
        )

    def summary(self) -> dict[str, Any]:
        return {
            "events": self.events,
            "workers": self.workers,
            "publish_seconds": round(self.publish_seconds, 2),
            "deliver_seconds": round(self.deliver_seconds, 2),
            "events_per_second": round(self.per_second),
            "received": self.received,
            "duplicates": self.duplicates,
            "unexpected": self.unexpected,
            "bad_signatures": self.bad_signatures,
            "delivered_once": self.delivered_once,
            "exactly_once": self.exactly_once,
        }


def _payload(n: int, today: dt.date) -> dict[str, Any]:
    return {
        "measure_id": n,
        "measure_code": "bench",
        "status": "assigned",
        "programme_number": f"IRP-BENCH-{n:07d}",
        "person_iin": "000000000000",
        "organisation_code": "bench",
        "due_on": today,
        "overdue": True,
        "escalation_tier": 1,
    }


def _publish(organisation: Organisation, count: int) -> list[str]:
    today = timezone.localdate()
    ids: list[str] = []
    for start in range(0, count, PUBLISH_BATCH):
        with transaction.atomic():
            events = event_publish_many(
                kind=KIND,
                events=[
                    (f"bench:{n}", _payload(n, today), [organisation])
                    for n in range(start, min(count, start + PUBLISH_BATCH))
                ],
            )
        ids.extend(event.webhook_id for event in events)
    return ids


def _deliver_until_done() -> None:
    """One worker process: deliver what is due until nothing is (the task's own body)."""
    try:
        while deliver_due():
            pass
    finally:
        connections.close_all()


def _deliver(workers: int) -> None:
    if workers == 1:
        _deliver_until_done()
        return
    # Forked workers each open their own connection; none may inherit this one.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_deliver_until_done) for _ in range(workers)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()


def run_outbox(*, count: int, workers: int, actor: Any) -> OutboxRun:
    """Publish `count` events for a fresh subscription at a local receiver, deliver them with
    `workers` worker processes, and check every one arrived exactly once, signed."""
    if Delivery.objects.filter(state__in=(DeliveryState.PENDING, DeliveryState.FAILED)).exists():
        raise RuntimeError("deliveries are already due here: the benchmark would send them too")
    organisation = Organisation.objects.order_by("id").first()
    if organisation is None:
        raise RuntimeError("no organisation: run manage.py kopir_generate first")
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    subscription = subscription_create(
        actor=actor,
        organisation=organisation,
        name=f"Outbox benchmark {timezone.now():%Y-%m-%d %H:%M:%S}",
        url="http://127.0.0.1:9/hooks",  # replaced once the receiver has its port
        event_kinds=[KIND],
    )
    process = spawn.Process(target=receiver.serve, args=(subscription.secret, theirs))
    process.start()
    try:
        port = ours.recv()
        Subscription.objects.filter(pk=subscription.pk).update(url=f"http://127.0.0.1:{port}/hooks")
        started = time.perf_counter()
        webhook_ids = _publish(organisation, count)
        published = time.perf_counter()
        _deliver(workers)
        delivered = time.perf_counter()
        ours.send("stop")
        tally = ours.recv()
    finally:
        process.join(timeout=10)
        if process.is_alive():
            process.kill()
        subscription.refresh_from_db()
        subscription_set_active(
            actor=actor,
            subscription=subscription,
            expected_version=subscription.version,
            active=False,
        )
    delivered_once = Delivery.objects.filter(
        subscription=subscription, state=DeliveryState.DELIVERED, attempts=1
    ).count()
    received = set(tally["ids"])
    expected = set(webhook_ids)
    return OutboxRun(
        events=count,
        workers=workers,
        publish_seconds=published - started,
        deliver_seconds=delivered - published,
        received=len(received & expected),
        duplicates=tally["duplicates"],
        unexpected=len(received - expected),
        bad_signatures=tally["bad_signatures"],
        delivered_once=delivered_once,
    )
