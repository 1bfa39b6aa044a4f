"""What the browser tests check on every oversight dashboard: the chart named by its one-sentence
summary, the figures in the table beside it, and a definition and a table reached by keyboard."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.helpers import focus_matches, tab_to


def chart_named_by_its_summary(page: Page, chart_id: str) -> None:
    chart = page.locator("main figure.chart svg[role='img']")
    expect(chart).to_have_attribute("aria-labelledby", f"{chart_id}-summary")
    expect(page.locator(f"#{chart_id}-summary")).not_to_be_empty()


def first_figure(page: Page, caption: str, row: str) -> Any:
    """The first figure of the table's row headed `row`."""
    table = page.locator(f"main table:has(caption#{caption})")
    return table.locator("tbody tr", has_text=row).locator("td").first


def keyboard_reaches_a_definition_and_a_table(page: Page) -> None:
    """A definition opens from the keyboard, and the table's region takes the focus to scroll."""
    page.focus("body")
    tab_to(page, "main details.definition summary", max_presses=60)
    page.keyboard.press("Enter")
    expect(page.locator("main details.definition").first).to_have_attribute("open", "")
    tab_to(page, "main .table-wrap[tabindex='0']", max_presses=80)
    assert focus_matches(page, "main .table-wrap[tabindex='0']")


def small_parts(language: str) -> str:
    """How a sum of cells under 5 reads in the language ("each <5"; decision 11)."""
    from django.utils import translation

    from kopir.oversight.disclosure import SMALL_PARTS_LABEL

    with translation.override(language):
        return str(SMALL_PARTS_LABEL)
