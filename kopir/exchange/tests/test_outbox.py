"""The transactional outbox: an event is written in the caller's transaction or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from kopir.core.tests.fixtures import rolled_back
from kopir.directory.models import Organisation
from kopir.exchange import services
from kopir.exchange.models import Delivery, DeliveryState, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _publish(audience: list[Organisation], **payload: Any) -> OutboxEvent:
    return services.event_publish(
        kind="test.thing",
        subject="test.thing:T-1",
        payload={"number": "T-1", **payload},
        audience=audience,
    )


def test_an_event_is_refused_outside_a_transaction(recipient: Organisation) -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        _publish([recipient])

    assert not OutboxEvent.objects.exists()


def test_a_rolled_back_change_leaves_no_event_and_no_delivery(recipient: Organisation) -> None:
    SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"])

    rolled_back(lambda: _publish([recipient]))

    assert not OutboxEvent.objects.exists()
    assert not Delivery.objects.exists()


def test_a_committed_change_has_its_event_and_one_pending_delivery_per_subscriber(
    recipient: Organisation, stranger_org: Organisation, sender: Organisation
) -> None:
    wanted = SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"])
    SubscriptionFactory.create(organisation=recipient, event_kinds=["message.sent"])  # other kind
    SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"], active=False)
    SubscriptionFactory.create(organisation=stranger_org, event_kinds=["test.thing"])  # not told

    with transaction.atomic():
        event = _publish([recipient, sender], count=3)

    stored = OutboxEvent.objects.get()
    assert stored.pk == event.pk
    assert stored.payload == {"number": "T-1", "count": 3}
    assert [(d.subscription_id, d.state) for d in Delivery.objects.all()] == [
        (wanted.pk, DeliveryState.PENDING)
    ]


def test_the_payload_schema_decides_what_leaves_kopir(recipient: Organisation) -> None:
    with transaction.atomic():
        event = _publish([recipient], diagnosis="H54.0")

    # A field the schema does not declare (a diagnosis) never reaches the outbox.
    assert event.payload == {"number": "T-1", "count": 0}


def test_an_unknown_kind_or_a_payload_against_its_schema_is_a_programming_error(
    recipient: Organisation,
) -> None:
    with pytest.raises(ValueError, match="unknown event kind"), transaction.atomic():
        services.event_publish(kind="nope", subject="x", payload={}, audience=[recipient])
    with pytest.raises(ValueError, match="schema"), transaction.atomic():
        services.event_publish(
            kind="test.thing", subject="x", payload={"count": "many"}, audience=[recipient]
        )
    assert not OutboxEvent.objects.exists()


def test_delivery_is_enqueued_only_once_the_transaction_commits(
    recipient: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"])
    enqueued: list[str] = []
    monkeypatch.setattr(services, "enqueue_delivery", lambda: enqueued.append("now"))

    with transaction.atomic():
        _publish([recipient])
        assert enqueued == []

    assert enqueued == ["now"]


def test_publishing_many_writes_what_publishing_each_would_in_a_few_statements(
    recipient: Organisation,
    stranger_org: Organisation,
    sender: Organisation,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
) -> None:
    to_recipient = SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"])
    to_sender = SubscriptionFactory.create(organisation=sender, event_kinds=["test.thing"])
    SubscriptionFactory.create(organisation=stranger_org, event_kinds=["test.thing"])  # not told
    enqueued: list[str] = []
    monkeypatch.setattr(services, "enqueue_delivery", lambda: enqueued.append("now"))
    items = [
        (f"test.thing:T-{n}", {"number": f"T-{n}", "count": n, "diagnosis": "H54.0"}, audience)
        for n, audience in enumerate([[recipient], [recipient, sender], [sender], [stranger_org]])
    ]

    # Events, the audience's subscriptions, deliveries: the same statements for any number.
    with transaction.atomic(), django_assert_max_num_queries(3 + 2):
        events = services.event_publish_many(kind="test.thing", events=items[:3])
        assert enqueued == []

    assert enqueued == ["now"]
    stored = {event.subject: event for event in OutboxEvent.objects.all()}
    assert [stored[event.subject].pk for event in events] == [event.pk for event in events]
    # The same schema as one by one: the undeclared field is dropped.
    assert stored["test.thing:T-1"].payload == {"number": "T-1", "count": 1}
    assert sorted(
        (d.event.subject, d.subscription_id, d.state) for d in Delivery.objects.all()
    ) == [
        ("test.thing:T-0", to_recipient.pk, DeliveryState.PENDING),
        ("test.thing:T-1", to_recipient.pk, DeliveryState.PENDING),
        ("test.thing:T-1", to_sender.pk, DeliveryState.PENDING),
        ("test.thing:T-2", to_sender.pk, DeliveryState.PENDING),
    ]
    with pytest.raises(RuntimeError, match="inside the transaction"):
        services.event_publish_many(kind="test.thing", events=items[3:])
    with pytest.raises(ValueError, match="schema"), transaction.atomic():
        services.event_publish_many(
            kind="test.thing", events=[*items[3:], ("x", {"count": "many"}, [recipient])]
        )
    assert OutboxEvent.objects.count() == 3


def test_a_malformed_payload_among_many_refuses_the_whole_list_and_writes_nothing(
    recipient: Organisation,
) -> None:
    # The payloads are checked by one call of the schema's validator for the list (more than
    # core.bulk.COPY_FROM: on PostgreSQL the events would go in by COPY), yet every one is
    # checked: a wrong type in the middle refuses them all, as one by one would.
    SubscriptionFactory.create(organisation=recipient, event_kinds=["test.thing"])
    items: list[tuple[str, dict[str, Any], list[Organisation]]] = [
        (f"test.thing:T-{n}", {"number": f"T-{n}", "count": n}, [recipient]) for n in range(30)
    ]
    items[17] = ("test.thing:T-17", {"number": "T-17", "count": "many"}, [recipient])

    with pytest.raises(ValueError, match="does not match its schema"), transaction.atomic():
        services.event_publish_many(kind="test.thing", events=items)

    assert not OutboxEvent.objects.exists()
    assert not Delivery.objects.exists()
    del items[17]
    with transaction.atomic():
        written = services.event_publish_many(kind="test.thing", events=items)
    stored = {event.pk: event for event in OutboxEvent.objects.all()}
    assert [stored[event.pk].payload for event in written] == [
        {"number": f"T-{n}", "count": n} for n in range(30) if n != 17
    ]
    assert Delivery.objects.count() == 29
