"""The staff search (issue 11, item 8) and wide tables on a 320 px screen (item 6), in a browser:
axe-clean in Kazakh, Russian and English, and worked with the keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.assessment.models import Referral
from kopir.rehabilitation.models import CatalogueStatus, MeasureCatalogue
from tests.browser.axe import axe_problems
from tests.browser.demo import DEMO_PASSWORD, Demo
from tests.browser.helpers import (
    LANGUAGES,
    assert_focus_is_visible,
    current_path,
    follow_by_keyboard,
    path_for,
    sign_in,
    submit_by_enter,
    tab_to,
    url_for,
)

pytestmark = pytest.mark.browser
FIRST_HIT = "[data-search-kind] .search-hits a"
# How far the page reaches past the window sideways (0: nothing is cut off).
PAGE_OVERFLOW_JS = (
    "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
)


def search_by_keyboard(page: Page, words: str) -> None:
    """From the top of the page: Tab to the header's search box, type, Enter."""
    page.focus("body")
    tab_to(page, "#site-search-q", max_presses=60)
    assert_focus_is_visible(page)
    page.keyboard.type(words)
    submit_by_enter(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_secretary_searches_the_council_and_opens_a_hit_with_the_keyboard(
    page: Page, live_server: Any, demo: Demo, language: str
) -> None:
    sign_in(page, live_server, "secretary", DEMO_PASSWORD, language)
    page.goto(url_for(live_server, "core:home", language))
    # Upper case typed, the demo's agenda item in lower case: Kazakh letters fold.
    search_by_keyboard(page, "ҚАРАТӨБЕ")
    assert current_path(page) == path_for("core:search", language)
    expect(
        page.locator("[data-search-kind='council.agenda_items'] .search-hits a")
    ).not_to_have_count(0)
    expect(page.locator("main input[name='q']")).to_have_value("ҚАРАТӨБЕ")
    problems = axe_problems(page, f"search results [{language}]")

    page.goto(url_for(live_server, "core:search", language) + "?q=жоқсөзжоқ")
    expect(page.locator(".empty-state")).to_have_count(1)
    problems += axe_problems(page, f"search, nothing found [{language}]")
    page.goto(url_for(live_server, "core:search", language) + "?q=а")
    expect(page.locator(".error-summary")).to_have_count(1)
    problems += axe_problems(page, f"search, too short [{language}]")
    assert not problems, "\n".join(problems)

    page.goto(url_for(live_server, "core:search", language) + "?q=ҚАРАТӨБЕ")
    follow_by_keyboard(page, FIRST_HIT)


def test_the_division_head_finds_a_referral_by_its_number_and_an_officer_has_no_search(
    page: Page, live_server: Any, demo: Demo
) -> None:
    head = demo.user("mse-head")
    referral = (
        Referral.objects.filter(mse_division_id=head.organisation_id, first_sent_at__isnull=False)
        .order_by("pk")
        .first()
    )
    assert referral is not None, "the demo division has no referral"
    sign_in(page, live_server, "mse-head", DEMO_PASSWORD)
    page.goto(url_for(live_server, "core:home", "kk"))
    search_by_keyboard(page, referral.number.lower())
    hits = page.locator("[data-search-kind='assessment.referrals'] .search-hits a")
    expect(hits).to_have_count(1)
    assert not axe_problems(page, "referral found by number")
    follow_by_keyboard(page, FIRST_HIT)
    assert current_path(page) == path_for("assessment:division_case", "kk", {"pk": referral.pk})

    page.context.clear_cookies()
    sign_in(page, live_server, "agency", DEMO_PASSWORD)
    expect(page.locator("#site-search-q")).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_wide_tables_scroll_in_their_own_region_on_a_320_px_screen(
    page: Page, live_server: Any, demo: Demo, language: str
) -> None:
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, live_server, "secretary", DEMO_PASSWORD, language)
    council = demo.user("secretary").organisation.council  # type: ignore[union-attr]
    pages = {
        # The shared paged table (core/partials/paged_table.html) and the council's list skeleton.
        "organisations": url_for(live_server, "directory:organisation_list", language),
        "meetings": url_for(live_server, "council:meeting_list", language, {"slug": council.slug}),
        "search": url_for(live_server, "core:search", language) + "?q=ҚАРАТӨБЕ",
    }
    problems: list[str] = []
    for name, url in pages.items():
        page.goto(url)
        overflow = page.evaluate(PAGE_OVERFLOW_JS)
        if overflow > 0:
            problems.append(f"{name} [{language}]: the page is {overflow}px wider than 320px")
        problems.extend(axe_problems(page, f"{name} at 320px [{language}]"))
        if name == "search":
            continue
        region = page.locator(".table-wrap[role='region']").first
        expect(region).to_have_attribute("tabindex", "0")
        caption = page.locator(f"caption#{region.get_attribute('aria-labelledby')}")
        expect(caption).to_have_count(1)
        # The keyboard reaches the region and scrolls the table inside it.
        page.focus("body")
        tab_to(page, ".table-wrap[role='region']", max_presses=80)
        assert_focus_is_visible(page)
        if region.evaluate("el => el.scrollWidth > el.clientWidth"):
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=2000)
    assert not problems, "\n".join(problems)


def test_a_table_outside_the_shared_partials_scrolls_in_a_named_region_at_320_px(
    page: Page, live_server: Any, demo: Demo
) -> None:
    # The clinic's referral list has its own table: kopir.js makes its box a region once the
    # table is wider than the screen.
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, live_server, "clinician", DEMO_PASSWORD)
    problems: list[str] = []
    for language in LANGUAGES:
        page.goto(url_for(live_server, "assessment:clinic_list", language))
        overflow = page.evaluate(PAGE_OVERFLOW_JS)
        if overflow > 0:
            problems.append(f"clinic list [{language}]: the page is {overflow}px wider than 320px")
        problems.extend(axe_problems(page, f"clinic list at 320px [{language}]"))
        box = page.locator("main .table-wrap").first
        assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: no test"
        expect(box).to_have_attribute("role", "region")
        expect(box).to_have_attribute("tabindex", "0")
        expect(page.locator(f"caption#{box.get_attribute('aria-labelledby')}")).to_have_count(1)
    assert not problems, "\n".join(problems)


def test_a_tables_hidden_column_head_does_not_widen_a_320_px_page(
    page: Page, live_server: Any, demo: Demo
) -> None:
    """A table whose last column is named only for screen readers (the routing rules' actions)
    scrolls in its box: the visually hidden name, absolutely placed, stays inside the box
    rather than stretching the page to the table's width."""
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(url_for(live_server, "rehabilitation:routing_list", "kk"))
    box = page.locator("main .table-wrap").first
    assert box.evaluate("el => el.scrollWidth > el.clientWidth"), "the table fits: no test"
    assert box.locator("th .visually-hidden").count() > 0
    assert page.evaluate(PAGE_OVERFLOW_JS) == 0


def test_a_choice_with_a_long_code_does_not_widen_a_320_px_page(
    page: Page, live_server: Any, demo: Demo
) -> None:
    """The new subscription's events are labelled with their codes, the longest wider than a
    320 px screen's column: the label breaks inside it."""
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    page.goto(url_for(live_server, "exchange:subscription_create", "kk"))
    expect(page.get_by_text("rehabilitation.programme.approved:")).to_have_count(1)
    assert page.evaluate(PAGE_OVERFLOW_JS) == 0


def test_a_long_kazakh_word_in_a_heading_does_not_widen_a_320_px_page(
    page: Page, live_server: Any, demo: Demo
) -> None:
    """ "Анықтамалықтың" at the title's size is wider than a 320 px screen's column."""
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, live_server, "admin", DEMO_PASSWORD)
    catalogue = MeasureCatalogue.objects.get(status=CatalogueStatus.ACTIVE)
    page.goto(url_for(live_server, "rehabilitation:suggestion_list", "kk", {"pk": catalogue.pk}))
    expect(page.locator("h1")).to_contain_text("Анықтамалықтың")
    assert page.evaluate(PAGE_OVERFLOW_JS) == 0


# How far the header's search hint reaches past its box (0: the whole hint shows).
HINT_CUT_OFF_JS = """() => {
  const box = document.querySelector("#site-search-q");
  box.value = box.placeholder;
  const cut = box.scrollWidth - box.clientWidth;
  box.value = "";
  return cut;
}"""


@pytest.mark.parametrize("width", [1280, 320])
def test_the_header_search_box_shows_its_whole_hint_in_every_language(
    page: Page, live_server: Any, demo: Demo, width: int
) -> None:
    # The Kazakh hint "Нөмір немесе сөздер" was cut to "Нөмір немесе сөзде" on a wide screen.
    page.set_viewport_size({"width": width, "height": 720})
    sign_in(page, live_server, "secretary", DEMO_PASSWORD)
    cut_off = {}
    for language in LANGUAGES:
        page.goto(url_for(live_server, "core:home", language))
        cut_off[language] = page.evaluate(HINT_CUT_OFF_JS)
    assert page.evaluate(PAGE_OVERFLOW_JS) == 0
    # On 320 px the box shares the header's width with its button, which is narrower there so
    # that the whole hint still shows.
    assert all(cut <= 0 for cut in cut_off.values()), cut_off


# Each checkbox of a filter row against its label: the label starts to the box's right, and the
# box is level with the label's lines (not on a line of its own above it).
CHECKBOXES_OFF_THEIR_LABELS_JS = """(form) => {
  const off = [];
  for (const box of form.querySelectorAll(".field--checkbox input[type=checkbox]")) {
    const label = form.querySelector(`label[for="${box.id}"]`).getBoundingClientRect();
    const input = box.getBoundingClientRect();
    const beside = label.left >= input.right;
    const level = input.top >= label.top - 2 && input.bottom <= label.bottom + 2;
    if (!beside || !level) off.push(box.name);
  }
  return off;
}"""


@pytest.mark.parametrize("width", [1280, 400])
def test_each_queue_filter_checkbox_sits_on_its_labels_line_above_the_results(
    page: Page, live_server: Any, demo: Demo, width: int
) -> None:
    # At 1280 px the long "documents to check" label went under its box, the box alone above.
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, "mse", DEMO_PASSWORD)
    page.goto(url_for(live_server, "assessment:division_queue", "kk"))
    form = page.locator("#queue-filter")
    expect(form.locator(".field--checkbox")).to_have_count(3)
    assert form.evaluate(CHECKBOXES_OFF_THEIR_LABELS_JS) == []
    assert page.evaluate(PAGE_OVERFLOW_JS) == 0
    # The results' caption stands apart from the filter's buttons (it touched them).
    filters = form.bounding_box()
    caption = page.locator("#queue-results caption").bounding_box()
    assert filters is not None
    assert caption is not None
    assert caption["y"] - (filters["y"] + filters["height"]) >= 16
