"""The administrators' count of webhook deliveries given up on the signed-in home page
(registered in `apps.py`): the rows of the dead-letter page, which it opens."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kopir.exchange.models import Delivery, DeliveryState


def dead_count(user: Any) -> int:
    return Delivery.objects.filter(state=DeliveryState.DEAD).count()


def dead_url(user: Any) -> str:
    return reverse("exchange:dead_letters")
