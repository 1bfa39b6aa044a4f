"""Rehabilitation's IRP and catalogue pages in a real browser: each answers and passes axe in
Kazakh for the role it is for, and the MSE division's head approves a draft programme by keyboard
alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.axe import axe_problems
from tests.browser.demo import DEMO_PASSWORD, Demo
from tests.browser.helpers import focused, path_for, sign_in, visit
from tests.browser.keyboard import press
from tests.browser.rehabilitation_pages import REHABILITATION_ARGUMENTS

pytestmark = pytest.mark.browser

FILES = {"rehabilitation:programme_document"}
PAGES_BY_ROLE = {
    "admin": [
        "rehabilitation:catalogue_list",
        "rehabilitation:catalogue_create",
        "rehabilitation:routing_list",
        "rehabilitation:routing_create",
        *(
            name
            for name in REHABILITATION_ARGUMENTS
            if name.split(":")[1].startswith(("catalogue", "measure", "suggestion", "routing"))
        ),
    ],
    "mse-head": [
        "rehabilitation:programme_list",
        *(name for name in REHABILITATION_ARGUMENTS if ":programme" in name),
    ],
}


@pytest.mark.parametrize("username", list(PAGES_BY_ROLE))
def test_rehabilitation_pages_answer_and_pass_axe_in_kazakh(
    page: Page, live_server: Any, demo: Demo, username: str
) -> None:
    user = demo.user(username)
    sign_in(page, live_server, username, DEMO_PASSWORD)
    problems: list[str] = []
    for name in PAGES_BY_ROLE[username]:
        arguments = (
            REHABILITATION_ARGUMENTS[name](demo, user) if name in REHABILITATION_ARGUMENTS else None
        )
        path = path_for(name, "kk", arguments)
        seen = visit(page, f"{live_server.url}{path}")
        where = f"{name} as {username} ({path})"
        if seen.status != 200:
            problems.append(f"{where}: answered {seen.status}")
        elif name in FILES:
            assert not seen.is_html, where
        else:
            problems.extend(axe_problems(page, where))
    assert not problems, "\n".join(problems)


def test_the_head_approves_a_draft_programme_by_keyboard(
    page: Page, live_server: Any, demo: Demo
) -> None:
    head = demo.user("mse-head")
    sign_in(page, live_server, "mse-head", DEMO_PASSWORD)
    arguments = REHABILITATION_ARGUMENTS["rehabilitation:programme_detail"](demo, head)
    draft = REHABILITATION_ARGUMENTS["rehabilitation:programme_approve"](demo, head)
    page.goto(f"{live_server.url}{path_for('rehabilitation:programme_detail', 'kk', draft)}")
    assert arguments != draft  # the approved programme is another one
    press(page, "a[href$='/approve/']", max_presses=40)
    assert page.locator("h1").count() == 1
    press(page, "main form button[type='submit']", max_presses=40)
    assert "/approve/" not in page.url, focused(page)
    assert page.locator(".messages, [role='status'], .message").count() >= 1
    assert not axe_problems(page, "the approved programme")


def test_each_routing_rule_link_has_a_name_of_its_own(
    page: Page, live_server: Any, demo: Demo
) -> None:
    """WCAG 2.4.4: the demo has several region-wide rules; "change" and "remove" on each row name
    the rule (kind, measure, territory), so no two links share a name and differ in purpose."""
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    path = path_for("rehabilitation:routing_list", "kk")
    assert visit(page, f"{live_server.url}{path}").status == 200
    links = page.locator("main table a")
    names = [" ".join(name.split()) for name in links.all_text_contents()]
    targets = links.evaluate_all("links => links.map(link => link.getAttribute('href'))")
    assert len(names) >= 8, names  # a change and a remove link per rule
    by_name: dict[str, set[str]] = {}
    for name, target in zip(names, targets, strict=True):
        by_name.setdefault(name, set()).add(target)
    shared = {name: hrefs for name, hrefs in by_name.items() if len(hrefs) > 1}
    assert not shared, shared
    # The accessible name is the text read out: the visible verb and the hidden rule.
    first = links.first
    assert first.get_attribute("aria-label") is None
    assert "Өзгерту" in names[0], names
    assert "Батыс Қазақстан" in " ".join(names), names
    assert not axe_problems(page, "routing rules")
