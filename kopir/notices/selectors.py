"""Reading the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from kopir.notices.access import notices_for_user
from kopir.notices.models import Notice


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    channel: str = ""
    topic: str = ""


def outbox_for_user(user: Any, criteria: OutboxFilter) -> QuerySet[Notice]:
    notices = notices_for_user(user)
    if criteria.status:
        notices = notices.filter(status=criteria.status)
    if criteria.channel:
        notices = notices.filter(channel=criteria.channel)
    if criteria.topic:
        notices = notices.filter(topic=criteria.topic)
    # The list shows no person's details, only an addressee organisation's name (public reference
    # data); the order has an index-friendly tie.
    return notices.select_related("organisation").order_by("-created_at", "-id")


def outbox_topics(user: Any) -> list[str]:
    return list(notices_for_user(user).order_by("topic").values_list("topic", flat=True).distinct())
