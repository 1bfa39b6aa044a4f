"""A staff member's notifications: the list, its empty state and the settings page axe-clean in
Kazakh, Russian and English, and a notification marked as read with the keyboard alone (htmx
swaps the list, the header's count follows, and the focus lands on what was done)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import PASSWORD
from kopir.notices.models import StaffNotification
from tests.browser.axe import axe_problems
from tests.browser.demo import staff
from tests.browser.helpers import (
    LANGUAGES,
    assert_focus_is_visible,
    sign_in,
    url_for,
)
from tests.browser.keyboard import reach, skip_to_main, start_at_top

pytestmark = pytest.mark.browser

MARK_READ = "main .notification form button"
HEADER_COUNT = "#header-count-noticesmine"


def officer_with_notifications(count: int) -> User:
    officer = staff(Role.AGENCY_OFFICER, username="officer-notified")
    for number in range(1, count + 1):
        StaffNotification.objects.create(
            user=officer, kind="council.recommendation_new", params={"number": f"2026-00{number}"}
        )
    return officer


def test_the_notification_pages_pass_axe_in_every_language(page: Page, live_server: Any) -> None:
    officer_with_notifications(2)
    empty = staff(Role.COUNCIL_SECRETARY, username="secretary-quiet")
    problems: list[str] = []
    for username in (empty.username, "officer-notified"):
        page.context.clear_cookies()
        sign_in(page, live_server, username, PASSWORD)
        for language in LANGUAGES:
            for name in ("notices:mine", "notices:preferences"):
                page.goto(url_for(live_server, name, language))
                problems.extend(axe_problems(page, f"{name} [{language}] as {username}"))
    assert not problems, "\n".join(problems)


def test_a_notification_is_marked_as_read_with_the_keyboard_alone(
    page: Page, live_server: Any
) -> None:
    officer_with_notifications(2)
    sign_in(page, live_server, "officer-notified", PASSWORD)
    page.goto(url_for(live_server, "notices:mine", "kk"))
    expect(page.locator(f"{HEADER_COUNT} .count-badge")).to_have_text("2")
    expect(page.locator(f"{HEADER_COUNT} .visually-hidden")).to_have_text(", 2 оқылмаған")

    start_at_top(page)
    skip_to_main(page)
    reach(page, MARK_READ)
    page.keyboard.press("Enter")

    # The list is swapped in place: one unread left, the header says so, the focus is on the
    # message that says what was done (not lost on the page's body).
    expect(page.locator(MARK_READ)).to_have_count(1)
    expect(page.locator(f"{HEADER_COUNT} .count-badge")).to_have_text("1")
    expect(page.locator("[data-focus-after-swap]")).to_be_focused()
    assert_focus_is_visible(page)
    assert StaffNotification.objects.filter(read_at__isnull=True).count() == 1
