"""The main navigation: which pages a signed-in user sees, by role.

The entries are the apps' (`registry.menu`, registered in each app's `AppConfig.ready()`), each
with a predicate from that app's `access.py`. A page that is not in a user's navigation is still
protected by its own view: this list only decides what is offered.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from kopir.core.registry import HeaderLink, registry


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


class HeaderLinkShown:
    """A header link for one user; its count is read when a page template asks for it, so a
    fragment answering an htmx request, which does not draw the header, costs no query."""

    def __init__(self, link: HeaderLink, user: Any, current_path: str) -> None:
        self._link, self._user = link, user
        self.key = link.key
        self.label = link.label
        self.url = reverse(link.url_name)
        self.current = current_path.startswith(self.url)

    @cached_property
    def count(self) -> int:
        return self._link.count(self._user)

    @cached_property
    def count_text(self) -> str:
        return self._link.count_text(self.count)


def header_links_for(request: HttpRequest) -> list[HeaderLinkShown]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    return [
        HeaderLinkShown(link, user, request.path)
        for link in registry.header_links()
        if link.allowed(user)
    ]
