"""The referral's domain events reach the sending clinic's systems through the exchange's outbox,
in the transaction of the move, without the person or the diagnosis."""

from __future__ import annotations

import pytest

from kopir.assessment.tests.division_fixtures import decided, returned, sent
from kopir.exchange.models import Delivery, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


def _identity(person) -> list[str]:
    return [person.iin, person.last_name, person.first_name]


def test_sent_returned_and_decided_are_events_for_the_clinics_system(
    clinic, clinician, identifiable, specialist, head, experts, person
):
    subscription = SubscriptionFactory.create(
        organisation=clinic,
        event_kinds=["referral.sent", "referral.returned", "referral.decided"],
    )
    referral = returned(clinician, identifiable, specialist, "Perimetry chart")
    done = decided(clinician, person, head, experts)

    kinds = list(OutboxEvent.objects.order_by("occurred_at").values_list("kind", "subject"))
    assert kinds[:2] == [
        ("referral.sent", f"assessment.referral:{referral.number}"),
        ("referral.returned", f"assessment.referral:{referral.number}"),
    ]
    decided_event = OutboxEvent.objects.get(kind="referral.decided")
    assert decided_event.subject == f"assessment.referral:{done.number}"
    assert decided_event.payload["outcome"] == "established"
    assert OutboxEvent.objects.get(kind="referral.returned").payload["missing_count"] >= 1
    assert Delivery.objects.filter(subscription=subscription).count() == OutboxEvent.objects.count()
    # No person and no diagnosis leave Kopir in a referral's events.
    for event in OutboxEvent.objects.all():
        text = str(event.payload)
        assert not any(value and value in text for value in _identity(identifiable))
        assert done.primary_diagnosis.code not in text


def test_a_division_without_a_subscription_gets_nothing_of_the_clinics_events(
    clinician, identifiable, division
):
    SubscriptionFactory.create(organisation=division, event_kinds=["referral.sent"])
    sent(clinician, identifiable)
    assert OutboxEvent.objects.filter(kind="referral.sent").exists()
    assert not Delivery.objects.exists()
