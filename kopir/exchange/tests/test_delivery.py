"""Delivery against a real HTTP receiver on localhost that fails (500, a timeout, nobody
listening) and then recovers: every event arrives, signed, processed once by its webhook-id."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.directory.models import Organisation
from kopir.exchange import delivery as worker
from kopir.exchange import services
from kopir.exchange.models import Delivery, DeliveryState, OutboxEvent, Subscription
from kopir.exchange.tests.factories import SubscriptionFactory
from kopir.exchange.tests.receiver import Receiver, bodies, running

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_enqueue(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run the worker's rounds themselves, to control what happens between them.
    monkeypatch.setattr(services, "enqueue_delivery", lambda: None)


def _publish(recipient: Organisation, count: int) -> list[OutboxEvent]:
    events = []
    for number in range(count):
        with transaction.atomic():
            events.append(
                services.event_publish(
                    kind="test.thing",
                    subject=f"test.thing:T-{number}",
                    payload={"number": f"T-{number}", "count": number},
                    audience=[recipient],
                )
            )
    return events


def _time_passes() -> None:
    """The backoff pause is over for everything still being tried."""
    Delivery.objects.filter(state__in=worker.DUE_STATES).update(next_attempt_at=timezone.now())


def _wait_for(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the receiver did not get there in time"
        time.sleep(0.05)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _subscribed(recipient: Organisation, receiver: Receiver) -> Subscription:
    return SubscriptionFactory.create(
        organisation=recipient,
        url=receiver.url,
        secret=receiver.secret,
        event_kinds=["test.thing"],
    )


def test_a_failing_then_recovering_receiver_gets_every_event_exactly_once(
    recipient: Organisation,
) -> None:
    receiver = Receiver(secret=services.new_secret(), hang_seconds=1.5)
    with running(receiver):
        subscription = _subscribed(recipient, receiver)
        events = _publish(recipient, 3)

        receiver.mode = "500"
        assert worker.deliver_due() == 3
        assert set(Delivery.objects.values_list("state", "last_status_code")) == {
            (DeliveryState.FAILED, 500)
        }

        receiver.mode = "hang"  # answers after the client's 1 s timeout, having processed them
        _time_passes()
        assert worker.deliver_due() == 3
        assert set(Delivery.objects.values_list("state", "last_error")) == {
            (DeliveryState.FAILED, "ReadTimeout")
        }
        # The receiver finishes them after the client gave up: processed, but not answered.
        _wait_for(lambda: len(receiver.processed) == 3)

        # Down: nobody listens at the address.
        Subscription.objects.filter(pk=subscription.pk).update(
            url=f"http://127.0.0.1:{_closed_port()}/hooks"
        )
        _time_passes()
        worker.deliver_due()
        assert set(Delivery.objects.values_list("state", "last_error")) == {
            (DeliveryState.FAILED, "ConnectionError")
        }

        # Back up.
        Subscription.objects.filter(pk=subscription.pk).update(url=receiver.url)
        receiver.mode = "ok"
        _time_passes()
        assert worker.deliver_due() == 3

    assert set(Delivery.objects.values_list("state", "attempts")) == {(DeliveryState.DELIVERED, 4)}
    expected_ids = {event.webhook_id for event in events}
    # Each event processed once, by its id; the retries after the timeout were recognised.
    assert set(receiver.processed) == expected_ids
    assert receiver.duplicates == 3
    assert receiver.bad_signatures == 0
    # Every attempt of an event carried the same id and the same body.
    sent: dict[str, set[bytes]] = {}
    for request in receiver.requests:
        sent.setdefault(request["headers"]["webhook-id"], set()).add(request["body"])
    assert set(sent) == expected_ids
    assert all(len(versions) == 1 for versions in sent.values())
    assert {body["type"] for body in bodies(receiver)} == {"test.thing"}
    assert receiver.processed[events[2].webhook_id]["data"] == {
        "subject": "test.thing:T-2",
        "number": "T-2",
        "count": 2,
    }


def test_backoff_doubles_from_the_base_with_up_to_a_fifth_of_jitter_and_a_cap(
    settings: pytest.FixtureRequest,
) -> None:
    none, most = (lambda: 0.0), (lambda: 1.0)
    assert [worker.backoff(n, jitter=none).total_seconds() for n in (1, 2, 3, 4)] == [
        30,
        60,
        120,
        240,
    ]
    assert worker.backoff(3, jitter=most).total_seconds() == pytest.approx(144)
    assert worker.backoff(40, jitter=none) == dt.timedelta(hours=6)


def test_a_failed_attempt_waits_its_backoff_before_the_next(recipient: Organisation) -> None:
    receiver = Receiver(secret=services.new_secret(), mode="500")
    with running(receiver):
        _subscribed(recipient, receiver)
        _publish(recipient, 1)
        worker.deliver_due()
        delivery = Delivery.objects.get()
        assert delivery.last_attempt_at is not None
        assert delivery.next_attempt_at is not None
        pause = (delivery.next_attempt_at - delivery.last_attempt_at).total_seconds()
        assert 30 <= pause <= 37
        # Not due yet: a second round sends nothing.
        assert worker.deliver_due() == 0
        assert len(receiver.requests) == 1


def test_a_delivery_is_given_up_after_the_last_attempt_and_an_administrator_replays_it(
    recipient: Organisation, administrator: User
) -> None:
    receiver = Receiver(secret=services.new_secret(), mode="500")
    with running(receiver):
        _subscribed(recipient, receiver)
        (event,) = _publish(recipient, 1)
        for _attempt in range(4):
            worker.deliver_due()
            _time_passes()
        delivery = Delivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
            DeliveryState.DEAD,
            4,
            None,
        )
        assert worker.deliver_due() == 0  # dead letters are not retried on their own

        receiver.mode = "ok"
        services.delivery_replay(actor=administrator, delivery=delivery)
        assert worker.deliver_due() == 1

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED
    assert set(receiver.processed) == {event.webhook_id}
    assert AuditEvent.objects.filter(
        actor=administrator, target_type="exchange.delivery", detail="replay:dead"
    ).exists()


def test_a_disabled_subscription_keeps_its_events_waiting(recipient: Organisation) -> None:
    receiver = Receiver(secret=services.new_secret())
    with running(receiver):
        subscription = _subscribed(recipient, receiver)
        Subscription.objects.filter(pk=subscription.pk).update(active=False)
        with transaction.atomic():
            # Published while the subscription was active, delivered after it was disabled.
            Subscription.objects.filter(pk=subscription.pk).update(active=True)
            _publish_inside = services.event_publish(
                kind="test.thing", subject="s", payload={"number": "1"}, audience=[recipient]
            )
            Subscription.objects.filter(pk=subscription.pk).update(active=False)
        assert worker.deliver_due() == 0
        Subscription.objects.filter(pk=subscription.pk).update(active=True)
        assert worker.deliver_due() == 1
    assert set(receiver.processed) == {_publish_inside.webhook_id}


def test_a_rotated_secret_signs_with_both_during_the_grace_period(
    recipient: Organisation, administrator: User
) -> None:
    old_secret = services.new_secret()
    receiver = Receiver(secret=old_secret)  # the receiver has not switched yet
    with running(receiver):
        subscription = _subscribed(recipient, receiver)
        rotated = services.subscription_rotate_secret(
            actor=administrator, subscription=subscription, expected_version=subscription.version
        )
        assert rotated.secret != old_secret
        assert rotated.previous_secret == old_secret
        assert rotated.secret.startswith("whsec_")
        (event,) = _publish(recipient, 1)
        worker.deliver_due()
        receiver.secret = rotated.secret  # switched: the next event verifies with the new one
        (second,) = _publish(recipient, 1)
        worker.deliver_due()
    assert set(receiver.processed) == {event.webhook_id, second.webhook_id}
    assert receiver.bad_signatures == 0

    # After the grace period only the new secret signs.
    later = timezone.now() + dt.timedelta(hours=25)
    body = worker.webhook_body(event)
    headers = worker.signed_headers(event, rotated, body, later)
    assert len(headers["webhook-signature"].split(" ")) == 1
    now = timezone.now()
    headers = worker.signed_headers(event, rotated, body, now)
    Webhook(rotated.secret).verify(body, headers)
    Webhook(old_secret).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(services.new_secret()).verify(body, headers)
    assert not AuditEvent.objects.filter(detail__contains="whsec_").exists()


def test_a_claimed_delivery_is_not_claimed_again_while_in_flight(recipient: Organisation) -> None:
    SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"])
    _publish(recipient, 3)

    first = worker.claim_due(limit=2)
    second = worker.claim_due(limit=2)
    third = worker.claim_due(limit=2)

    assert len(first) == 2
    assert len(second) == 1
    assert third == []
    assert not set(first) & set(second)


def test_connections_to_a_receiver_are_kept_alive_from_one_batch_to_the_next(
    recipient: Organisation, settings: Any
) -> None:
    settings.KOPIR_WEBHOOK_CONCURRENCY = 2
    receiver = Receiver(secret=services.new_secret())
    with running(receiver):
        _subscribed(recipient, receiver)
        _publish(recipient, 6)
        assert worker.deliver_due(batch=2) == 6  # three batches of two, two requests at once

    assert len(receiver.processed) == 6
    # Six requests over the connections of the first batch, not a connection each.
    assert len(receiver.clients) <= 2
    assert {r["headers"]["user-agent"] for r in receiver.requests} == {worker.USER_AGENT}
    assert worker.http_connections() is worker.http_connections()
    assert worker.sending_pool() is worker.sending_pool()


def test_a_claim_holds_long_enough_to_send_the_whole_batch(settings: Any) -> None:
    settings.KOPIR_WEBHOOK_TIMEOUT_SECONDS = 10
    settings.KOPIR_WEBHOOK_CONCURRENCY = 8
    # Eight requests at a time, each up to the timeout (twice over, for margin), plus 30 s.
    assert worker.lease(1) == dt.timedelta(seconds=50)
    assert worker.lease(8) == dt.timedelta(seconds=50)
    assert worker.lease(500) == dt.timedelta(seconds=10 * 2 * 63 + 30)


def test_a_batch_records_its_successes_in_bulk_and_each_failure_on_its_own(
    recipient: Organisation, django_assert_max_num_queries: Any
) -> None:
    receiver = Receiver(secret=services.new_secret())
    with running(receiver):
        _subscribed(recipient, receiver)
        _publish(recipient, 12)
        ids = worker.claim_due(limit=12)
        # Read, then one UPDATE for the successes (and the transaction around them).
        with django_assert_max_num_queries(4):
            states = worker.deliver_batch(ids)

    assert states == [DeliveryState.DELIVERED] * 12
    assert set(Delivery.objects.values_list("state", "attempts", "last_status_code")) == {
        (DeliveryState.DELIVERED, 1, 204)
    }


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED exists on PostgreSQL only"
)
def test_two_workers_at_once_deliver_each_event_once(recipient: Organisation) -> None:
    receiver = Receiver(secret=services.new_secret())
    with running(receiver):
        _subscribed(recipient, receiver)
        events = _publish(recipient, 40)
        barrier = threading.Barrier(2)

        def work() -> None:
            from django.db import connection as own

            barrier.wait()
            try:
                worker.deliver_due(batch=5)
            finally:
                own.close()

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(receiver.requests) == 40
    assert receiver.duplicates == 0
    assert set(receiver.processed) == {event.webhook_id for event in events}
    assert set(Delivery.objects.values_list("state", "attempts")) == {(DeliveryState.DELIVERED, 1)}
