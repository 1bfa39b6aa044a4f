"""Reading the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db import transaction
from django.db.models import QuerySet

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record
from kopir.core.selectors import page_of
from kopir.notices.access import notice_for_user, notices_for_user
from kopir.notices.models import Notice

PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    channel: str = ""
    topic: str = ""


def outbox_for_user(user: Any, criteria: OutboxFilter) -> QuerySet[Notice]:
    wanted = {"status": criteria.status, "channel": criteria.channel, "topic": criteria.topic}
    # A criterion left empty does not filter.
    notices = notices_for_user(user).filter(
        **{name: value for name, value in wanted.items() if value}
    )
    # The list shows no person's details, only an addressee organisation's name (public reference
    # data); the order has an index-friendly tie.
    return notices.select_related("organisation").order_by("-created_at", "-id")


def outbox_page(
    user: Any, criteria: OutboxFilter | None, number: int | str | None = 1
) -> Page[Notice]:
    """A page of the outbox; none of it when the filters did not make sense (`criteria` None)."""
    return page_of(
        outbox_for_user(user, criteria) if criteria is not None else None, PAGE_SIZE, number
    )


def outbox_topics(user: Any) -> list[str]:
    return list(notices_for_user(user).order_by("topic").values_list("topic", flat=True).distinct())


def notice_read(user: Any, pk: int, *, request: Any = None) -> Notice:
    """One notice for someone who may read it (403 or 404 otherwise), the read recorded: its
    address and text are personal data."""
    notice = notice_for_user(user, pk)
    with transaction.atomic():
        audit_record(actor=user, action=AuditAction.VIEW, target=notice, request=request)
    return notice
