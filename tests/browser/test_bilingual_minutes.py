"""Bilingual minutes in a real browser: the meeting's texts page (Kazakh and Russian side by side)
and the minutes page (both languages side by side, stacked on a phone) pass axe in kk, ru and en,
and a missing Russian text is found, filled and saved by keyboard alone (the demo's first meeting).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.council.demo.meetings import SEED_MEETING_NUMBER
from kopir.council.models import Decision, Meeting
from kopir.council.services.minutes import minutes_assemble
from kopir.council.services.minutes_texts import missing_texts
from tests.browser.axe import axe_problems
from tests.browser.demo import DEMO_PASSWORD, Demo
from tests.browser.helpers import (
    LANGUAGES,
    assert_focus_is_visible,
    current_path,
    focus_matches,
    focused,
    path_for,
    sign_in_by_keyboard,
)
from tests.browser.keyboard import press, skip_to_main

pytestmark = pytest.mark.browser

RUSSIAN_DECISION = "Рекомендовать акимату района расширить обслуживание на дому."


def _first_meeting_with_a_gap(demo: Demo) -> tuple[Meeting, Decision]:
    """The demo's first meeting, its minutes assembled while its decision lacks the Russian text."""
    meeting = Meeting.objects.select_related("council").get(council__slug="wko-social", number=1)
    decision = Decision.objects.get(agenda_item__meeting=meeting)
    Decision.objects.filter(pk=decision.pk).update(text_ru="")
    minutes_assemble(actor=demo.user("secretary"), meeting=meeting)
    return meeting, decision


def test_the_texts_and_minutes_pages_show_both_languages_and_a_gap_is_filled_by_keyboard(
    page: Page, live_server: Any, demo: Demo
) -> None:
    meeting, decision = _first_meeting_with_a_gap(demo)
    texts_kwargs = {"slug": meeting.council.slug, "pk": meeting.pk}
    minutes_kwargs = {"slug": meeting.council.slug, "number": meeting.number}
    sign_in_by_keyboard(page, live_server, "secretary", DEMO_PASSWORD)

    problems: list[str] = []
    for language in LANGUAGES:
        page.goto(live_server.url + path_for("council:meeting_texts", language, texts_kwargs))
        key = f"text-decision-{decision.pk}-text"
        expect(page.locator(f"textarea#{key}-kk")).to_have_attribute("lang", "kk")
        expect(page.locator(f"textarea#{key}-ru")).to_have_attribute("lang", "ru")
        expect(page.locator(f"textarea#{key}-ru")).to_have_value("")
        problems += axe_problems(page, f"meeting texts [{language}]")
        page.goto(live_server.url + path_for("council:minutes_detail", language, minutes_kwargs))
        expect(page.locator("article.minutes-document[lang='kk']")).to_be_visible()
        expect(page.locator("article.minutes-document[lang='ru']")).to_be_visible()
        problems += axe_problems(page, f"bilingual minutes [{language}]")
    assert not problems, "\n".join(problems)

    # Side by side on a desktop, one above the other on a 320 px phone.
    kazakh = page.locator("article.minutes-document[lang='kk']")
    russian = page.locator("article.minutes-document[lang='ru']")
    page.set_viewport_size({"width": 1280, "height": 900})
    wide_kk, wide_ru = kazakh.bounding_box(), russian.bounding_box()
    assert wide_kk
    assert wide_ru
    assert wide_ru["x"] > wide_kk["x"] + wide_kk["width"] - 1
    assert abs(wide_ru["y"] - wide_kk["y"]) < 1
    page.set_viewport_size({"width": 320, "height": 700})
    narrow_kk, narrow_ru = kazakh.bounding_box(), russian.bounding_box()
    assert narrow_kk
    assert narrow_ru
    assert narrow_ru["y"] >= narrow_kk["y"] + narrow_kk["height"]
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
    page.set_viewport_size({"width": 1280, "height": 900})

    # By keyboard, in Kazakh: from the minutes' list of gaps to the missing Russian text, typed
    # and saved; the gap is gone.
    minutes_path = path_for("council:minutes_detail", "kk", minutes_kwargs)
    page.goto(live_server.url + minutes_path)
    page.focus("body")
    skip_to_main(page)
    texts_path = path_for("council:meeting_texts", "kk", texts_kwargs)
    field_id = f"text-decision-{decision.pk}-text-ru"
    press(page, f"main a[href='{texts_path}#{field_id}']")
    assert current_path(page) == texts_path
    assert focus_matches(page, f"textarea#{field_id}"), f"focus: {focused(page)}"
    assert_focus_is_visible(page)
    page.keyboard.type(RUSSIAN_DECISION)
    press(page, "main form.form button[type='submit']")

    decision.refresh_from_db()
    assert decision.text_ru == RUSSIAN_DECISION
    assert missing_texts(meeting) == []
    expect(page.locator("#missing-texts-heading")).to_have_count(0)
    problems = axe_problems(page, "meeting texts, saved [kk]")
    assert not problems, "\n".join(problems)


# Each vote table's box: the table's width, the box's, and whether the box is a named,
# focusable region (what a keyboard user scrolls when the table is wider than the box).
VOTE_TABLE_BOXES = """() => Array.from(document.querySelectorAll('table.vote-table')).map(t => {
  const box = t.closest('.table-wrap');
  return {table: t.scrollWidth, box: box.clientWidth, region: box.getAttribute('role') === 'region'
    && box.tabIndex === 0 && !!box.getAttribute('aria-labelledby')};
})"""


def test_the_vote_tables_of_the_side_by_side_minutes_fit_or_scroll_in_their_box(
    page: Page, live_server: Any, demo: Demo
) -> None:
    meeting = Meeting.objects.select_related("council").get(
        council__slug="wko-social", number=SEED_MEETING_NUMBER
    )
    sign_in_by_keyboard(page, live_server, "secretary", DEMO_PASSWORD)
    minutes_kwargs = {"slug": meeting.council.slug, "number": meeting.number}
    for language in LANGUAGES:
        page.goto(live_server.url + path_for("council:minutes_detail", language, minutes_kwargs))
        # Side by side (1280) and stacked (1024): every column of every vote table shows.
        for width in (1280, 1024):
            page.set_viewport_size({"width": width, "height": 900})
            boxes = page.evaluate(VOTE_TABLE_BOXES)
            assert boxes, "the seed meeting's minutes have votes"
            cut = [box for box in boxes if box["table"] > box["box"]]
            assert not cut, f"{language} at {width} px: {cut}"
        # A 320 px phone: the page never scrolls sideways; a table wider than its box scrolls
        # inside it, a region the keyboard reaches.
        page.set_viewport_size({"width": 320, "height": 700})
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 320
        assert all(box["region"] for box in page.evaluate(VOTE_TABLE_BOXES))
        page.set_viewport_size({"width": 1280, "height": 900})
