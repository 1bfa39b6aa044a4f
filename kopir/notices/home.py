"""The administrators' count of undelivered notices on the signed-in home page (registered in
`apps.py`): the outbox's own query with the status filter the link opens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import ngettext

from kopir.notices.models import NoticeStatus
from kopir.notices.selectors import OutboxFilter, outbox_for_user

UNDELIVERED = OutboxFilter(status=NoticeStatus.FAILED)


def undelivered_count(user: Any) -> int:
    return outbox_for_user(user, UNDELIVERED).order_by().count()


def undelivered_url(user: Any) -> str:
    return f"{reverse('notices:outbox')}?{urlencode({'status': NoticeStatus.FAILED})}"


def unread_text(count: int) -> str:
    """The header's count in words, read after "Notifications" ("Notifications, 3 unread")."""
    return ngettext("%(count)d unread", "%(count)d unread", count) % {"count": count}
