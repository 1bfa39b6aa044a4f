"""Reading the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db import transaction
from django.db.models import QuerySet

from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.selectors import matching, page_of
from kopir.notices.access import notice_for_user, notices_for_user
from kopir.notices.kinds import StaffNotificationKind, staff_kinds_for
from kopir.notices.models import Notice, StaffNotification, StaffNotificationPreference

PAGE_SIZE = 50


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    channel: str = ""
    topic: str = ""


def outbox_for_user(user: Any, criteria: OutboxFilter) -> QuerySet[Notice]:
    notices = matching(
        notices_for_user(user),
        status=criteria.status,
        channel=criteria.channel,
        topic=criteria.topic,
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
        audited(notice, AuditAction.VIEW, actor=user, request=request)
    return notice


NOTIFICATIONS_PAGE_SIZE = 25


def staff_notifications_of(user: Any) -> QuerySet[StaffNotification]:
    """The user's own notifications, newest first (served by `staff_notif_list_idx`)."""
    return StaffNotification.objects.filter(user_id=user.pk).order_by("-created_at", "-id")


def staff_notifications_page(user: Any, number: int | str | None = 1) -> Page[StaffNotification]:
    return page_of(staff_notifications_of(user), NOTIFICATIONS_PAGE_SIZE, number)


def unread_notifications_count(user: Any) -> int:
    """One COUNT over the partial index of unread notifications."""
    return StaffNotification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def preference_initial(user: Any) -> dict[str, Any]:
    """The preferences form as the person left it, or with each kind's default."""
    preference = StaffNotificationPreference.objects.filter(user_id=user.pk).first()
    chosen = {kind.key: wants(preference, kind) for kind in staff_kinds_for(user)}
    return {
        "email_kinds": [key for key, wanted in chosen.items() if wanted["email"]],
        "sms_kinds": [key for key, wanted in chosen.items() if wanted["sms"]],
        "sms_phone": preference.sms_phone if preference is not None else "",
    }


def wants(
    preference: StaffNotificationPreference | None, kind: StaffNotificationKind
) -> dict[str, bool]:
    """{"email": bool, "sms": bool}: what the person chose for the kind, or its default."""
    email = preference.email if preference is not None else {}
    sms = preference.sms if preference is not None else {}
    return {
        "email": bool(email.get(kind.key, kind.email_by_default)),
        # SMS only when asked for: it costs money and reaches a phone at any hour.
        "sms": bool(sms.get(kind.key, False) and preference and preference.sms_phone),
    }
