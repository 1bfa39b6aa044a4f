"""The dashboards' table downloads and the council's annual report in a real browser, in kk, ru
and en: the download links under a table reached by keyboard, and the report's page axe-clean,
its council and year chosen and the four files offered, all by keyboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from kopir.council.tests.factories import CompositionFactory, CouncilFactory, MemberFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.tests.referrals import sent_referral
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import staff
from tests.browser.helpers import (
    LANGUAGES,
    assert_focus_is_visible,
    sign_in,
    tab_to,
    url_for,
)
from tests.browser.keyboard import choose, press

pytestmark = pytest.mark.browser


def _member_of(council: Any) -> Any:
    member = staff(Role.COUNCIL_MEMBER)
    MemberFactory.create(account=member, composition=CompositionFactory.create(council=council))
    return member


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tables_download_links_are_reached_by_keyboard(
    page: Page, live_server: Any, language: str
) -> None:
    member = _member_of(CouncilFactory.create())
    clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    for _ in range(6):
        sent_referral(clinic, dt.date(2026, 2, 2))
    sign_in(page, live_server, member.username, PASSWORD, language)
    page.goto(url_for(live_server, "oversight:mse", language) + "?period=2026-Q1")
    assert_no_axe_violations(page, f"MSE dashboard with its downloads [{language}]")
    page.focus("body")
    tab_to(page, "a[href*='/tables/clinics.csv']", max_presses=120)
    assert_focus_is_visible(page)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "mse-clinics-2026-Q1.csv"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_annual_report_page_is_axe_clean_and_used_by_keyboard(
    page: Page, live_server: Any, language: str
) -> None:
    council = CouncilFactory.create(slug="report-council")
    member = _member_of(council)
    sign_in(page, live_server, member.username, PASSWORD, language)
    page.goto(url_for(live_server, "oversight:annual_report", language))
    assert_no_axe_violations(page, f"annual report page [{language}]")

    choose(page, "year", "2026")
    press(page, "main button[type='submit']", max_presses=40)
    links = page.locator("main a[href*='/annual-report/report-council/2026/']")
    expect(links).to_have_count(4)
    assert_no_axe_violations(page, f"annual report page, the files offered [{language}]")
    tab_to(page, "a[href$='/2026/ru.pdf']", max_presses=60)
    assert_focus_is_visible(page)
