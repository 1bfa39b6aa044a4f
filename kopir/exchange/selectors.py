"""Reading the exchange: subscriptions and their deliveries, the dead letters, messages.

Nothing here is personal data (payloads carry references, not persons), so reads are not
audited; writes are (services.py).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Q

from kopir.core.selectors import page_of
from kopir.exchange.access import messages_for_user
from kopir.exchange.catalogue import with_subjects
from kopir.exchange.models import Delivery, DeliveryState, DemoReceipt, Message, Subscription

PAGE_SIZE = 25
BOXES = ("received", "sent", "all")


def subscription_page(number: int | str | None = 1) -> Page[Subscription]:
    rows = (
        Subscription.objects.select_related("organisation")
        .annotate(
            dead_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.DEAD)),
            waiting_count=Count(
                "deliveries",
                filter=Q(deliveries__state__in=[DeliveryState.PENDING, DeliveryState.FAILED]),
            ),
        )
        .order_by("organisation__name_kk", "name", "id")
    )
    return page_of(rows, PAGE_SIZE, number)


def delivery_page(subscription: Subscription, number: int | str | None = 1) -> Page[Delivery]:
    rows = (
        Delivery.objects.filter(subscription=subscription)
        .select_related("event")
        .order_by("-created_at", "-id")
    )
    return page_of(rows, PAGE_SIZE, number)


def dead_letter_page(number: int | str | None = 1) -> Page[Delivery]:
    rows = (
        Delivery.objects.filter(state=DeliveryState.DEAD)
        .select_related("event", "subscription__organisation")
        .order_by("-created_at", "-id")
    )
    return page_of(rows, PAGE_SIZE, number)


def message_page(user: Any, box: str, number: int | str | None = 1) -> Page[Message]:
    """The messages the user's organisation received, or sent, or "all" the user may read (an
    administrator: every message)."""
    rows = messages_for_user(user).select_related("sender", "recipient")
    if box != "all":
        field = "recipient_id" if box == "received" else "sender_id"
        rows = rows.filter(**{field: user.organisation_id})
    page = page_of(rows.order_by("-sent_at", "-id"), PAGE_SIZE, number)
    # Each subject in the reader's language where the message's kind can say it.
    page.object_list = with_subjects(list(page.object_list))
    return page


def demo_receipt_page(number: int | str | None = 1) -> Page[DemoReceipt]:
    return page_of(DemoReceipt.objects.order_by("-received_at", "-id"), PAGE_SIZE, number)
