"""A council secretary reads the in-absentia MSE dashboard in a real browser, in kk, ru and en:
axe-clean, the chart's text alternative and the table beside it, and the definitions and the
table reached by keyboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.tests.referrals import sent_referral
from tests.browser.axe import assert_no_axe_violations
from tests.browser.dashboards import keyboard_reaches_a_definition_and_a_table, small_parts
from tests.browser.demo import staff
from tests.browser.helpers import LANGUAGES, sign_in, url_for

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mse_dashboard_is_readable_without_the_chart_and_by_keyboard(
    page: Page, live_server: Any, language: str
) -> None:
    secretary = staff(Role.COUNCIL_SECRETARY)
    large, small = (
        OrganisationFactory.create(
            kind=OrganisationKind.MEDICAL, name_kk=name, name_ru=name, name_en=name
        )
        for name in ("Clinic Alpha", "Clinic Beta")
    )
    for _ in range(6):
        sent_referral(large, dt.date(2026, 2, 2), returns=1)
    for _ in range(2):
        sent_referral(small, dt.date(2026, 2, 2))
    sign_in(page, live_server, secretary.username, PASSWORD, language)
    page.goto(url_for(live_server, "oversight:mse", language) + "?period=2026-Q1")

    # The chart is an image named by its one-sentence summary; the table carries every figure.
    chart = page.locator("main figure.chart svg[role='img']")
    expect(chart).to_have_attribute("aria-labelledby", "mse-chart-summary")
    expect(page.locator("#mse-chart-summary")).not_to_be_empty()
    table = page.locator("main table:has(caption#mse-table-caption)")
    expect(table.locator("tbody tr", has_text="Clinic Alpha").locator("td").first).to_have_text("5")
    # The clinic's row adds up cells under 5: "each <5", never a "<5" its sum may not be.
    expect(table.locator("tbody tr", has_text="Clinic Beta").locator("td").first).to_have_text(
        small_parts(language)
    )
    assert_no_axe_violations(page, f"MSE dashboard [{language}]")

    keyboard_reaches_a_definition_and_a_table(page)
    assert_no_axe_violations(page, f"MSE dashboard, a definition open [{language}]")
