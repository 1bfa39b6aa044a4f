"""The outbox benchmark delivers with the worker's own code to a receiver in its own process,
and says whether every event arrived exactly once, signed."""

from __future__ import annotations

import pytest
from django.db import transaction

from kopir.bench.outbox import KIND, run_outbox
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Delivery, DeliveryState, OutboxEvent, Subscription
from kopir.exchange.services import event_publish
from kopir.exchange.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_event_arrives_once_signed_and_the_subscription_is_left_disabled():
    OrganisationFactory.create()

    run = run_outbox(count=40, workers=1, actor=None)

    assert run.exactly_once
    assert (run.received, run.duplicates, run.unexpected, run.bad_signatures) == (40, 0, 0, 0)
    assert run.delivered_once == 40
    assert run.per_second > 0
    assert OutboxEvent.objects.filter(kind=KIND).count() == 40
    assert set(Delivery.objects.values_list("state", "attempts")) == {(DeliveryState.DELIVERED, 1)}
    subscription = Subscription.objects.get()
    assert subscription.active is False
    assert subscription.event_kinds == [KIND]


def test_it_refuses_to_run_where_deliveries_are_already_due():
    organisation = OrganisationFactory.create()
    SubscriptionFactory.create(organisation=organisation, event_kinds=["message.sent"])
    with transaction.atomic():
        event_publish(
            kind="message.sent",
            subject="exchange.message:1",
            payload={
                "message_id": 1,
                "kind": "test",
                "subject": "s",
                "sender_code": "a",
                "recipient_code": "b",
                "due_on": None,
            },
            audience=[organisation],
        )

    with pytest.raises(RuntimeError, match="already due"):
        run_outbox(count=1, workers=1, actor=None)
    assert OutboxEvent.objects.count() == 1
