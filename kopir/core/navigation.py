"""The main navigation: which pages a signed-in user sees, by role.

The entries are the apps' (`registry.menu`, registered in each app's `AppConfig.ready()`), each
with a predicate from that app's `access.py`. A page that is not in a user's navigation is still
protected by its own view: this list only decides what is offered.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from kopir.core.addresses import link_url
from kopir.core.registry import HeaderLink, registry


def _leads_to(path: str, url: str) -> bool:
    """Whether the page at `path` belongs under the link to `url`: the page itself, or, below a
    section's address (not the home page's `/<lang>/`), any page in it."""
    return path == url if url.rstrip("/").count("/") <= 1 else path.startswith(url)


def current_link(path: str) -> str | None:
    """The address of the one link, of the main navigation or the header, that the page at
    `path` belongs under: the longest that leads to it, so the notifications at /notices/mine/
    mark the header's link, not the outbox's at /notices/."""
    urls = [link_url(entry.url_name) for entry in registry.menu_entries()]
    urls += [link_url(link.url_name) for link in registry.header_links()]
    return max((url for url in urls if _leads_to(path, url)), key=len, default=None)


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = current_link(request.path)
    items = []
    for entry in registry.menu_entries():
        if not entry.allowed(user):
            continue
        url = link_url(entry.url_name)
        items.append({"label": entry.label, "url": url, "current": url == current})
    return items


class HeaderLinkShown:
    """A header link for one user; its count is read when a page template asks for it, so a
    fragment answering an htmx request, which does not draw the header, costs no query."""

    def __init__(self, link: HeaderLink, user: Any, current: str | None) -> None:
        self._link, self._user = link, user
        self.key = link.key
        self.label = link.label
        self.url = link_url(link.url_name)
        self.current = self.url == current

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
    current = current_link(request.path)
    return [
        HeaderLinkShown(link, user, current)
        for link in registry.header_links()
        if link.allowed(user)
    ]
