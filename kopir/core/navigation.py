"""The main navigation: which pages a signed-in user sees, by role.

Each entry names a URL and a predicate on the user. A page that is not in a user's navigation is
still protected by its own view: this list only decides what is offered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    allowed: Callable[[Any], bool]


def _signed_in(user: Any) -> bool:
    return bool(user.is_authenticated)


def _can_search_people(user: Any) -> bool:
    from kopir.people.access import can_search_people

    return can_search_people(user)


def _is_administrator(user: Any) -> bool:
    from kopir.accounts.access import is_administrator

    return is_administrator(user)


ITEMS: list[NavItem] = [
    NavItem(_("Home"), "core:home", _signed_in),
    NavItem(_("Persons"), "people:search", _can_search_people),
    NavItem(_("Organisations"), "directory:organisation_list", _signed_in),
    NavItem(_("Territories"), "directory:territory_list", _signed_in),
    NavItem(_("Accounts"), "accounts:user_list", _is_administrator),
    NavItem(_("Audit log"), "audit:search", _is_administrator),
]


def navigation_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    current = request.path
    items = []
    for item in ITEMS:
        if not item.allowed(user):
            continue
        url = reverse(item.url_name)
        is_current = current == url if url.rstrip("/").count("/") <= 1 else current.startswith(url)
        items.append({"label": item.label, "url": url, "current": is_current})
    return items
