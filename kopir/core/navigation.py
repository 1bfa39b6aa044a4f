"""The main navigation: which pages a signed-in user sees, by role.

The entries are the apps' (`registry.menu`, registered in each app's `AppConfig.ready()`), each
with a predicate from that app's `access.py`. A page that is not in a user's navigation is still
protected by its own view: this list only decides what is offered.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from kopir.core.registry import registry


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = request.path
    items = []
    for entry in registry.menu_entries():
        if not entry.allowed(user):
            continue
        url = reverse(entry.url_name)
        is_current = current == url if url.rstrip("/").count("/") <= 1 else current.startswith(url)
        items.append({"label": entry.label, "url": url, "current": is_current})
    return items
