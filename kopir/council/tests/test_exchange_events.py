"""The council's domain events reach the addressee's systems through the exchange's outbox, in
the transaction of the change, with no more than a public recommendation says."""

from __future__ import annotations

import pytest

from kopir.accounts.models import User
from kopir.core.tests.fixtures import rolled_back
from kopir.council import models as m
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import answer_recommendation, send_recommendation
from kopir.directory.models import Organisation
from kopir.exchange.models import Delivery, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory

pytestmark = pytest.mark.django_db


def test_a_sent_recommendation_is_an_event_for_the_addressees_subscribed_system(
    recommendation: m.Recommendation, secretary: User, agency: Organisation
) -> None:
    subscription = SubscriptionFactory.create(
        organisation=agency, event_kinds=["recommendation.sent"]
    )
    SubscriptionFactory.create(
        organisation=secretary.organisation, event_kinds=["recommendation.sent"]
    )

    send_recommendation(recommendation, secretary)

    event = OutboxEvent.objects.get(kind="recommendation.sent")
    recommendation.refresh_from_db()
    assert (
        event.subject
        == f"council.recommendation:{recommendation.council.slug}/{recommendation.number}"
    )
    assert event.payload["addressee_code"] == agency.code
    assert event.payload["text"] == recommendation.text
    assert recommendation.text_ru
    assert event.payload["text_ru"] == recommendation.text_ru
    assert recommendation.answer_due_on is not None
    assert event.payload["answer_due_on"] == recommendation.answer_due_on.isoformat()
    assert [d.subscription for d in Delivery.objects.all()] == [subscription]


def test_a_send_that_rolls_back_publishes_nothing(
    recommendation: m.Recommendation, secretary: User
) -> None:
    rolled_back(lambda: send_recommendation(recommendation, secretary))
    assert not OutboxEvent.objects.exists()


def test_an_answer_is_an_event_without_its_text(
    sent_recommendation: m.Recommendation, officer: User
) -> None:
    answer_recommendation(
        sent_recommendation, officer, "Квота орындалды, 12 адам жұмысқа орналасты."
    )

    event = OutboxEvent.objects.get(kind="recommendation.answered")
    assert event.payload["reported_status"] == "executed"
    assert "Квота" not in str(event.payload)
