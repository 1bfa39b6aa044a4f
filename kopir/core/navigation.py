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


def _can_answer_recommendations(user: Any) -> bool:
    from kopir.council.access import can_answer_recommendations

    return can_answer_recommendations(user)


def _can_open_councils(user: Any) -> bool:
    from kopir.council.access import can_open_councils

    return can_open_councils(user)


def _is_clinic_user(user: Any) -> bool:
    from kopir.assessment.access import is_clinic_user

    return is_clinic_user(user)


def _is_division_user(user: Any) -> bool:
    from kopir.assessment.access import is_division_user

    return is_division_user(user)


def _is_expert(user: Any) -> bool:
    from kopir.assessment.access import is_expert

    return is_expert(user)


def _is_appeal_reviewer(user: Any) -> bool:
    from kopir.assessment.access import is_appeal_reviewer

    return is_appeal_reviewer(user)


def _can_manage_rules(user: Any) -> bool:
    from kopir.assessment.access import can_manage_rules

    return can_manage_rules(user)


def _may_view_outbox(user: Any) -> bool:
    from kopir.notices.access import may_view_outbox

    return may_view_outbox(user)


ITEMS: list[NavItem] = [
    NavItem(_("Home"), "core:home", _signed_in),
    NavItem(_("Persons"), "people:search", _can_search_people),
    NavItem(_("MSE referrals"), "assessment:clinic_list", _is_clinic_user),
    NavItem(_("MSE queue"), "assessment:division_queue", _is_division_user),
    NavItem(_("My expert reviews"), "assessment:expert_worklist", _is_expert),
    NavItem(_("Appeals"), "assessment:appeal_list", _is_appeal_reviewer),
    NavItem(_("Organisations"), "directory:organisation_list", _signed_in),
    NavItem(_("Territories"), "directory:territory_list", _signed_in),
    NavItem(_("Councils"), "council:council_list", _can_open_councils),
    NavItem(_("Recommendations to us"), "council:inbox", _can_answer_recommendations),
    NavItem(_("Completeness rules"), "assessment:rules_list", _can_manage_rules),
    NavItem(_("Outbox"), "notices:outbox", _may_view_outbox),
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
