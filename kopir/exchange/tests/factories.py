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


def sent_message(sender: Any, recipient: Any, actor: Any = None, **texts: str) -> Message:
    """A message sent through the service (its steps, events and audit records as in use)."""
    from kopir.exchange.services import message_send

    given: dict[str, Any] = {
        "kind": "irp.measure",
        "subject": "MSE-2026-000123: job placement",
        "summary": "Please place the person on a quota job.",
        **texts,
    }
    return message_send(actor=actor, sender=sender, recipient=recipient, **given)
