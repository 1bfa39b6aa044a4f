"""The main navigation and the header mark as current only the link a page belongs under."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.core.navigation import header_links_for, navigation_for

pytestmark = pytest.mark.django_db


def _current(path: str) -> tuple[list[str], list[str]]:
    """The menu's and the header's links marked current on the page at `path`."""
    request = RequestFactory().get(path)
    request.user = UserFactory(roles=[Role.ADMINISTRATOR])
    with translation.override("en"):  # as LocaleMiddleware would for an /en/ address
        menu = [item["url"] for item in navigation_for(request) if item["current"]]
        header = [link.url for link in header_links_for(request) if link.current]
    return menu, header


@pytest.mark.parametrize(
    ("path", "menu", "header"),
    [
        # The notifications live under the outbox's address: only the header's link is current.
        ("/en/notices/mine/", [], ["/en/notices/mine/"]),
        ("/en/notices/mine/settings/", [], ["/en/notices/mine/"]),
        ("/en/notices/", ["/en/notices/"], []),
        ("/en/notices/12/", ["/en/notices/"], []),
        ("/en/", ["/en/"], []),
        ("/en/accounts/users/7/", ["/en/accounts/users/"], []),
        # A page under no link marks none, the home page's included.
        ("/en/accounts/profile/", [], []),
    ],
)
def test_only_the_longest_link_a_page_is_under_is_current(
    path: str, menu: list[str], header: list[str]
) -> None:
    assert _current(path) == (menu, header)
