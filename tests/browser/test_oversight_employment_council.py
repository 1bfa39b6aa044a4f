"""A seated council member reads the employment and the council dashboards in a real browser, in
kk, ru and en: axe-clean, the chart named by its one-sentence summary, the tables that carry
every figure ("<5" for a small group), and a definition and a table reached by keyboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import PASSWORD
from kopir.council.tests.factories import (
    CouncilFactory,
    MemberFactory,
    PetitionFactory,
    RecommendationFactory,
)
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory, next_bin
from kopir.rehabilitation.models import Placement
from kopir.rehabilitation.tests.factories import MeasureFactory
from tests.browser.axe import assert_no_axe_violations
from tests.browser.demo import staff
from tests.browser.helpers import LANGUAGES, focus_matches, sign_in, tab_to, url_for

pytestmark = pytest.mark.browser


def _named(name: str) -> dict[str, str]:
    return {"name_kk": name, "name_ru": name, "name_en": name}


def _seated_member() -> Any:
    member = staff(Role.COUNCIL_MEMBER)
    MemberFactory.create(account=member)
    return member


def _keyboard_reaches_a_definition_and_a_table(page: Page) -> None:
    page.focus("body")
    tab_to(page, "main details.definition summary", max_presses=60)
    page.keyboard.press("Enter")
    expect(page.locator("main details.definition").first).to_have_attribute("open", "")
    tab_to(page, "main .table-wrap[tabindex='0']", max_presses=80)
    assert focus_matches(page, "main .table-wrap[tabindex='0']")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_employment_dashboard_is_readable_without_the_chart_and_by_keyboard(
    page: Page, live_server: Any, language: str
) -> None:
    member = _seated_member()
    large = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, **_named("District Alpha"))
    small = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, **_named("District Beta"))
    for territory, count in ((large, 6), (small, 2)):
        for _ in range(count):
            Placement.objects.create(
                measure=MeasureFactory.create(territory=territory),
                employer_bin=next_bin(),
                employer_name="ЖШС Сынақ",
                position="Оператор",
                start_date=dt.date(2026, 2, 10),
                on_quota_job=True,
            )
    sign_in(page, live_server, member.username, PASSWORD, language)
    page.goto(url_for(live_server, "oversight:employment", language) + "?period=2026-Q1")

    chart = page.locator("main figure.chart svg[role='img']")
    expect(chart).to_have_attribute("aria-labelledby", "employment-chart-summary")
    expect(page.locator("#employment-chart-summary")).not_to_be_empty()
    table = page.locator("main table:has(caption#placements-caption)")
    alpha = table.locator("tbody tr", has_text="District Alpha").locator("td")
    expect(alpha.first).to_have_text("5")
    beta = table.locator("tbody tr", has_text="District Beta").locator("td")
    expect(beta.first).to_have_text("<5")
    expect(page.locator("main table:has(caption#quota-by-band-caption)")).to_be_visible()
    assert_no_axe_violations(page, f"employment dashboard [{language}]")

    _keyboard_reaches_a_definition_and_a_table(page)
    assert_no_axe_violations(page, f"employment dashboard, a definition open [{language}]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_council_dashboard_is_readable_without_the_chart_and_by_keyboard(
    page: Page, live_server: Any, language: str
) -> None:
    member = _seated_member()
    territory = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, **_named("District Gamma"))
    council = CouncilFactory.create(territory=territory)
    addressee = OrganisationFactory.create(kind=OrganisationKind.AKIMAT, **_named("Akimat Delta"))
    for _ in range(3):
        RecommendationFactory.create(
            council=council,
            addressee=addressee,
            status="sent",
            sent_on=dt.date(2026, 2, 2),
            answer_due_on=dt.date(2026, 3, 2),
            answered_on=dt.date(2026, 2, 20),
        )
    for _ in range(4):
        PetitionFactory.create(
            council=council, received_on=dt.date(2026, 2, 2), answer_due_on=dt.date(2026, 3, 2)
        )
    sign_in(page, live_server, member.username, PASSWORD, language)
    page.goto(url_for(live_server, "oversight:council", language) + "?period=2026-Q1")

    chart = page.locator("main figure.chart svg[role='img']")
    expect(chart).to_have_attribute("aria-labelledby", "council-chart-summary")
    expect(page.locator("#council-chart-summary")).not_to_be_empty()
    recommendations = page.locator("main table:has(caption#recommendations-caption)")
    row = recommendations.locator("tbody tr", has_text="Akimat Delta").locator("td")
    expect(row.first).to_have_text("3")  # not persons: as they are
    petitions = page.locator("main table:has(caption#petitions-caption)")
    gamma = petitions.locator("tbody tr", has_text="District Gamma").locator("td")
    expect(gamma.first).to_have_text("<5")  # 4 petitioners
    assert_no_axe_violations(page, f"council dashboard [{language}]")

    _keyboard_reaches_a_definition_and_a_table(page)
    assert_no_axe_violations(page, f"council dashboard, a definition open [{language}]")
