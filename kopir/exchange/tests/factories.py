from __future__ import annotations

from typing import TYPE_CHECKING, Any

import factory
from django.utils import timezone

from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Message, Subscription
from kopir.exchange.services import new_secret


class SubscriptionFactory(factory.django.DjangoModelFactory[Subscription]):
    class Meta:
        model = Subscription

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Subscription: ...  # type: ignore[misc]

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Case system {n}")
    url = "http://127.0.0.1:9/hooks"
    event_kinds = factory.LazyFunction(lambda: ["message.sent"])
    secret = factory.LazyFunction(new_secret)


class MessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> Message: ...  # type: ignore[misc]

    sender = factory.SubFactory(OrganisationFactory)
    recipient = factory.SubFactory(OrganisationFactory)
    kind = "test.handoff"
    subject = factory.Sequence(lambda n: f"MSE-2026-{n:06d}: measures")
    summary = "Жұмысқа орналастыру шарасы."
    sent_at = factory.LazyFunction(timezone.now)
