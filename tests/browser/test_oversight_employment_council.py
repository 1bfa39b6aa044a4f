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
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.tests.placements import placed
from kopir.oversight.tests.test_employment_dashboard import quota
from tests.browser.axe import assert_no_axe_violations
from tests.browser.dashboards import (
    chart_named_by_its_summary,
    first_figure,
    keyboard_reaches_a_definition_and_a_table,
    small_parts,
)
from tests.browser.demo import staff
from tests.browser.helpers import LANGUAGES, sign_in, url_for

pytestmark = pytest.mark.browser


def _named(name: str) -> dict[str, str]:
    return {"name_kk": name, "name_ru": name, "name_en": name}


def _seated_member() -> Any:
    member = staff(Role.COUNCIL_MEMBER)
    MemberFactory.create(account=member)
    return member


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_employment_dashboard_is_readable_without_the_chart_and_by_keyboard(
    page: Page, live_server: Any, language: str
) -> None:
    member = _seated_member()
    large = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, **_named("District Alpha"))
    small = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, **_named("District Beta"))
    placed(6, large, on_quota=True)
    placed(2, small, on_quota=True)
    # A quota register for the year, so that the quota tables show.
    quota(large, headcount=200, jobs=6, filled=6)
    sign_in(page, live_server, member.username, PASSWORD, language)
    page.goto(url_for(live_server, "oversight:employment", language) + "?period=2026-Q1")

    chart_named_by_its_summary(page, "employment-chart")
    expect(first_figure(page, "placements-caption", "District Alpha")).to_have_text("5")
    expect(first_figure(page, "placements-caption", "District Beta")).to_have_text(
        small_parts(language)
    )
    expect(page.locator("main table:has(caption#quota-by-band-caption)")).to_be_visible()
    assert_no_axe_violations(page, f"employment dashboard [{language}]")

    keyboard_reaches_a_definition_and_a_table(page)
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

    chart_named_by_its_summary(page, "council-chart")
    # Recommendations count no person: as they are; 4 petitioners, a row of cells under 5.
    expect(first_figure(page, "recommendations-caption", "Akimat Delta")).to_have_text("3")
    expect(first_figure(page, "petitions-caption", "District Gamma")).to_have_text(
        small_parts(language)
    )
    assert_no_axe_violations(page, f"council dashboard [{language}]")

    keyboard_reaches_a_definition_and_a_table(page)
    assert_no_axe_violations(page, f"council dashboard, a definition open [{language}]")
