"""The exchange's demo: one subscription per demo organisation, all events, pointing at the local
receiver that `manage.py serve` starts in the demo (kopir/exchange/receiver.py), and a tracked
message between two bodies. Idempotent."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from kopir.directory.models import Organisation
from kopir.exchange.catalogue import event_kinds
from kopir.exchange.models import Message, Subscription
from kopir.exchange.services import SUBSCRIPTIONS, message_send, new_secret

# Earlier demos named every subscription this; such rows are renamed, not duplicated.
LEGACY_DEMO_NAME = "Demo receiver"


def demo_name(organisation: Organisation) -> str:
    """A subscription's name in the demo, by its organisation (18 identical names could not be
    told apart), in Kazakh as the demo's data are."""
    base = organisation.short_name_kk or organisation.name_kk
    suffix = ": демо қабылдағыш"
    return base[: 100 - len(suffix)] + suffix


def receiver_url(subscription_id: int) -> str:
    return f"http://127.0.0.1:{settings.KOPIR_DEMO_RECEIVER_PORT}/hooks/{subscription_id}"


def load() -> str:
    created = 0
    kinds = [kind.name for kind in event_kinds()]
    with transaction.atomic():
        for organisation in Organisation.objects.order_by("pk"):
            name = demo_name(organisation)
            subscription = Subscription.objects.filter(
                organisation=organisation, name__in=[name, LEGACY_DEMO_NAME]
            ).first()
            if subscription is None:
                subscription = Subscription.objects.create(
                    organisation=organisation,
                    name=name,
                    url="http://127.0.0.1/",
                    event_kinds=kinds,
                    secret=new_secret(),
                )
                created += 1
            Subscription.objects.filter(pk=subscription.pk).update(
                name=name, url=receiver_url(subscription.pk), event_kinds=kinds, active=True
            )
        # update() sends no signal: every process reads the subscriptions again after commit.
        SUBSCRIPTIONS.changed()
        sender = Organisation.objects.filter(code="wko-mse-division-oral").first()
        recipient = Organisation.objects.filter(code="wko-employment-office").first()
        if (
            sender is not None
            and recipient is not None
            and not Message.objects.filter(kind="demo.handoff").exists()
        ):
            # Written in Kazakh, as a specialist would write it: the text is data, not UI.
            message_send(
                actor=None,
                sender=sender,
                recipient=recipient,
                kind="demo.handoff",
                subject="MSE-2026-000001: жұмыспен қамту орталығына оңалту іс-шаралары",
                summary=(
                    "Оңалтудың жеке бағдарламасында квоталық жұмыс орнына жұмысқа орналастыру "
                    "көзделген. Хабарламаны алғаныңызды растап, Карьера орталығының жоспарымен "
                    "жауап беріңіз."
                ),
            )
    return f"{created} demo subscriptions for the local webhook receiver"


def describe() -> list[str]:
    return [
        f"Demo webhook receiver: http://127.0.0.1:{settings.KOPIR_DEMO_RECEIVER_PORT}/ "
        "(what it got: Webhook subscriptions, signed in as admin)."
    ]
