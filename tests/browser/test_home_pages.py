"""Each demo role's home page and the visitors' front door: axe-clean in Kazakh, Russian and
English, every count reachable and followed with the keyboard alone, and every count opening a
list that answers (the demo stays walkable from each login's home page)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.axe import axe_problems
from tests.browser.demo import DEMO_PASSWORD, DEMO_ROLES, Demo
from tests.browser.helpers import (
    LANGUAGES,
    current_path,
    follow_by_keyboard,
    path_for,
    sign_in,
    url_for,
    visit,
)
from tests.browser.keyboard import press

pytestmark = pytest.mark.browser
HOME_LINK = "main .home-count a"
# Roles whose home page counts something (every demo account's does).
COUNTED = set(DEMO_ROLES)


def test_each_demo_roles_home_page_passes_axe_and_every_count_opens_its_list(
    page: Page, live_server: Any, demo: Demo
) -> None:
    problems: list[str] = []
    for username in DEMO_ROLES:
        page.context.clear_cookies()
        sign_in(page, live_server, username, DEMO_PASSWORD)
        for language in LANGUAGES:
            where = f"home [{language}] as {username}"
            seen = visit(page, url_for(live_server, "core:home", language))
            if seen.status != 200 or seen.path != path_for("core:home", language):
                problems.append(f"{where}: answered {seen.status} at {seen.path}")
                continue
            problems.extend(axe_problems(page, where))
            items = page.locator("[data-home-item]")
            if username in COUNTED and items.count() == 0:
                problems.append(f"{where}: no work is counted on the home page")
        # Each count's link (or its "open the list" link when zero) opens a page that answers.
        page.goto(url_for(live_server, "core:home", "kk"))
        counts = page.locator("[data-home-item]").evaluate_all(
            "els => els.map(e => e.dataset.homeItem + '=' +"
            " (e.querySelector('.home-count__number')?.textContent || '0'))"
        )
        print(f"{username}: {', '.join(counts)}")
        links = page.locator(HOME_LINK).evaluate_all("els => els.map(e => e.href)")
        for href in links:
            seen = visit(page, href)
            if seen.status != 200:
                problems.append(
                    f"{username}: the home page links to {href}, which answered {seen.status}"
                )
            else:
                problems.extend(axe_problems(page, f"{href} from {username}'s home page"))
    assert not problems, "\n".join(problems)


def test_an_agency_officer_follows_a_count_with_the_keyboard_alone(
    page: Page, live_server: Any, demo: Demo
) -> None:
    sign_in(page, live_server, "agency", DEMO_PASSWORD)
    page.goto(url_for(live_server, "core:home", "kk"))
    follow_by_keyboard(page, HOME_LINK)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_front_door_passes_axe_and_leads_a_visitor_on_by_keyboard(
    page: Page, live_server: Any, demo: Demo, language: str
) -> None:
    page.goto(url_for(live_server, "core:home", language))
    assert not axe_problems(page, f"front door [{language}]")
    expect(page.locator("h1")).to_have_count(1)

    # The public councils, then a council's page and its petition form, all by keyboard.
    page.focus("body")
    press(
        page, f"main a[href='{path_for('council:public_council_list', language)}']", max_presses=40
    )
    assert current_path(page) == path_for("council:public_council_list", language)
    assert not axe_problems(page, f"public councils [{language}]")
    press(page, "main a[href*='/petition/']", max_presses=60)
    assert current_path(page).endswith("/petition/")

    # Staff sign-in is one link among the others.
    page.goto(url_for(live_server, "core:home", language))
    page.focus("body")
    press(page, f"main a[href='{path_for('accounts:login', language)}']", max_presses=40)
    assert current_path(page) == path_for("accounts:login", language)

    page.goto(url_for(live_server, "core:accessibility", language))
    assert not axe_problems(page, f"accessibility statement [{language}]")
