"""The exchange's demo: one subscription per demo organisation, all events, pointing at the local
receiver that `manage.py serve` starts in the demo (kopir/exchange/receiver.py), and a tracked
message between two bodies. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from kopir.directory.models import Organisation
from kopir.exchange.catalogue import event_kinds
from kopir.exchange.models import Message, Subscription
from kopir.exchange.services import message_send, new_secret

DEMO_NAME = "Demo receiver"


def receiver_url(subscription_id: int) -> str:
    return f"http://127.0.0.1:{settings.KOPIR_DEMO_RECEIVER_PORT}/hooks/{subscription_id}"


def load() -> str:
    created = 0
    kinds = [kind.name for kind in event_kinds()]
    with transaction.atomic():
        for organisation in Organisation.objects.order_by("pk"):
            subscription = Subscription.objects.filter(
                organisation=organisation, name=DEMO_NAME
            ).first()
            if subscription is None:
                subscription = Subscription.objects.create(
                    organisation=organisation,
                    name=DEMO_NAME,
                    url="http://127.0.0.1/",
                    event_kinds=kinds,
                    secret=new_secret(),
                )
                created += 1
            Subscription.objects.filter(pk=subscription.pk).update(
                url=receiver_url(subscription.pk), event_kinds=kinds, active=True
            )
        sender = Organisation.objects.filter(code="wko-mse-division-oral").first()
        recipient = Organisation.objects.filter(code="wko-employment-office").first()
        if (
            sender is not None
            and recipient is not None
            and not Message.objects.filter(kind="demo.handoff").exists()
        ):
            message_send(
                actor=None,
                sender=sender,
                recipient=recipient,
                kind="demo.handoff",
                subject="MSE-2026-000001: IRP measures for the employment office",
                summary=(
                    "The individual rehabilitation programme lists a job placement on a quota "
                    "job. Please acknowledge and answer with the career centre's plan."
                ),
            )
    return f"{created} demo subscriptions for the local webhook receiver"


def describe() -> list[str]:
    return [
        f"Demo webhook receiver: http://127.0.0.1:{settings.KOPIR_DEMO_RECEIVER_PORT}/ "
        "(what it got: Webhook subscriptions, signed in as admin)."
    ]
