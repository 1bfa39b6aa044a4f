"""What the apps' tests read of the staff notifications their events wrote."""

from __future__ import annotations

from kopir.notices.models import StaffNotification


def told(kind: str) -> dict[int, list[StaffNotification]]:
    """Who was told of `kind`: their notifications by account, oldest first."""
    by_user: dict[int, list[StaffNotification]] = {}
    for notification in StaffNotification.objects.filter(kind=kind).order_by("id"):
        by_user.setdefault(notification.user_id, []).append(notification)
    return by_user
