"""The employment and council dashboards' pages, and who reads any dashboard: a council member
only from a seat in a composition in force. What the pages show (aggregates, the chart's text
alternative, the tables, a definition per figure), and query budgets that hold as the data grow."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kopir.core.tests.fixtures import signed_in
from kopir.council.tests.factories import CouncilFactory, PetitionFactory, RecommendationFactory
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.access import can_read_dashboards
from kopir.oversight.tests.placements import placed
from kopir.oversight.tests.test_employment_dashboard import quota

pytestmark = pytest.mark.django_db

EMPLOYMENT_Q1 = reverse("oversight:employment") + "?period=2026-Q1"
COUNCIL_Q1 = reverse("oversight:council") + "?period=2026-Q1"
ALL_PAGES = [
    reverse("oversight:index"),
    reverse("oversight:mse") + "?period=2026-Q1",
    reverse("oversight:rehabilitation") + "?period=2026-Q1",
    EMPLOYMENT_Q1,
    COUNCIL_Q1,
]


@pytest.mark.parametrize("reader", ["secretary", "member", "mse_head"])
@pytest.mark.parametrize("url", [EMPLOYMENT_Q1, COUNCIL_Q1])
def test_the_council_and_mse_heads_open_the_new_dashboards(
    reader: str, url: str, request: pytest.FixtureRequest
) -> None:
    response = signed_in(Client(), request.getfixturevalue(reader)).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("outsider", ["unseated_member", "former_member", "clinician"])
@pytest.mark.parametrize("url", ALL_PAGES)
def test_a_member_without_a_seat_in_force_reads_no_dashboard(
    outsider: str, url: str, request: pytest.FixtureRequest
) -> None:
    """The dashboards are the council's: an account with the member's role but no seat in a
    composition in force (none yet, or a composition superseded) is refused as other staff are."""
    response = signed_in(Client(), request.getfixturevalue(outsider)).get(url)
    assert response.status_code == 403


def test_the_menu_offers_the_dashboards_to_a_seated_member_only(
    member: Any, former_member: Any
) -> None:
    assert can_read_dashboards(member)
    assert not can_read_dashboards(former_member)
    home = reverse("core:home")
    assert reverse("oversight:index") in signed_in(Client(), member).get(home).content.decode()
    page = signed_in(Client(), former_member).get(home).content.decode()
    assert reverse("oversight:index") not in page


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    for url in (EMPLOYMENT_Q1, COUNCIL_Q1):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_employment_page_shows_its_chart_tables_and_no_person(secretary: Any) -> None:
    district = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, name_en="Terekti")
    placements = placed(6, district, on_quota=True)
    quota(district, headcount=200, jobs=6, filled=6)
    page = signed_in(Client(), secretary).get(EMPLOYMENT_Q1).content.decode()
    assert 'aria-labelledby="employment-chart-summary"' in page
    for caption in ("placements-caption", "quota-by-band-caption", "quota-by-district-caption"):
        assert f'<caption id="{caption}">' in page
    assert page.count('<details class="definition">') == 6
    assert "url(#employment-chart-hatch)" in page
    for placement in placements:
        assert placement.measure.person.iin not in page
        assert placement.measure.person.last_name not in page


def test_the_council_page_shows_its_chart_tables_and_no_petitioner(secretary: Any) -> None:
    council = CouncilFactory.create()
    for _ in range(3):
        RecommendationFactory.create(council=council, status="sent", sent_on=dt.date(2026, 2, 2))
    petitions = [
        PetitionFactory.create(
            council=council,
            petitioner_name=f"Сынақ Адам {n}",
            received_on=dt.date(2026, 2, 2),
            answer_due_on=dt.date(2026, 3, 2),
        )
        for n in range(5)
    ]
    page = signed_in(Client(), secretary).get(COUNCIL_Q1).content.decode()
    assert 'aria-labelledby="council-chart-summary"' in page
    for caption in ("recommendations-caption", "petitions-caption"):
        assert f'<caption id="{caption}">' in page
    assert page.count('<details class="definition">') == 6
    for petition in petitions:
        assert petition.petitioner_name not in page
        assert petition.number not in page


def test_recommendations_not_yet_due_say_so_rather_than_hide_a_figure(secretary: Any) -> None:
    council = CouncilFactory.create()
    akimat = OrganisationFactory.create(kind=OrganisationKind.AKIMAT, name_en="Akimat")
    RecommendationFactory.create(
        council=council,
        addressee=akimat,
        status="sent",
        sent_on=dt.date(2026, 2, 2),
        answer_due_on=dt.date(2099, 1, 1),
    )
    english = COUNCIL_Q1.replace("/kk/", "/en/", 1)
    page = signed_in(Client(), secretary).get(english).content.decode()
    row = page.split('<th scope="row">Akimat</th>', 1)[1].split("</tr>", 1)[0]
    assert "none due yet" in row
    assert "too few" not in row


def test_the_mse_page_has_its_diagnosis_table(secretary: Any) -> None:
    OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    page = signed_in(Client(), secretary).get(ALL_PAGES[1]).content.decode()
    assert '<caption id="mse-diagnosis-caption">' in page
    # The last chapter, in the page's language (Kazakh here): "XXII-сынып (U00–U85)".
    assert "XXII-сынып (U00–U85)" in page


def _employment_data(times: int) -> None:
    for _ in range(times):
        placed(5, TerritoryFactory.create(level=TerritoryLevel.DISTRICT))


def _council_data(times: int) -> None:
    for _ in range(times):
        council = CouncilFactory.create()
        RecommendationFactory.create(council=council, status="sent", sent_on=dt.date(2026, 2, 2))
        PetitionFactory.create(
            council=council, received_on=dt.date(2026, 2, 2), answer_due_on=dt.date(2026, 3, 2)
        )


@pytest.mark.parametrize(
    ("url", "more"), [(EMPLOYMENT_Q1, _employment_data), (COUNCIL_Q1, _council_data)]
)
def test_each_page_reads_a_fixed_number_of_queries(
    secretary: Any, django_assert_max_num_queries: Any, url: str, more: Any
) -> None:
    client = signed_in(Client(), secretary)
    more(1)
    client.get(url)  # the session and the menu, read once
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    more(3)
    # The session, the user and the menu's predicates, the filter form's choices, the
    # dashboard's GROUP BYs and names: the same with 4 districts or councils as with 1.
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)


def test_the_protection_note_says_which_figures_it_protects(secretary: Any) -> None:
    """The council's page said figures under 5 show "<5" and the rest are rounded, beside exact
    counts of recommendations (1, 0, 6, 8): it now says those are exact, and why."""
    council = CouncilFactory.create()
    RecommendationFactory.create(council=council, status="sent", sent_on=dt.date(2026, 2, 2))
    client = signed_in(Client(), secretary)
    with translation.override("en"):
        council_url = reverse("oversight:council") + "?period=2026-Q1"
        mse_url = reverse("oversight:mse") + "?period=2026-Q1"
    page = client.get(council_url).content.decode()
    assert "records, not persons: they are shown exactly as counted" in page
    assert "Figures under 5 show as <5; every other count" not in page
    mse = client.get(mse_url).content.decode()
    assert "Figures under 5 show as <5; every other count" in mse
    assert "shown exactly as counted" not in mse


def test_without_a_quota_register_the_page_says_so_rather_than_0(secretary: Any) -> None:
    """The demo has no quota register: every row showed 0 quota jobs beside "<5" filled."""
    TerritoryFactory.create(level=TerritoryLevel.DISTRICT, name_en="Terekti")
    with translation.override("en"):
        url = reverse("oversight:employment") + "?period=2026-Q1"
    page = signed_in(Client(), secretary).get(url).content.decode()
    assert "quota is recorded for 2026 in the territory and offices chosen" in page
    assert 'id="quota-by-band-caption"' not in page
    assert '<caption id="placements-caption">' in page


def _headline(page: str, label: str) -> str:
    """The figure a headline labelled `label` shows (`partials/figure.html`)."""
    match = re.search(rf"<dt>{re.escape(label)}</dt>\s*<dd>([^<]*)<", page)
    assert match is not None, label
    return match.group(1).strip()


def _employment_in_english() -> str:
    with translation.override("en"):
        return reverse("oversight:employment") + "?period=2026-Q1"


QUOTA_HEADLINES = (
    "Quota jobs set, 2026",
    "Quota jobs filled, 2026",
    "Share of quota jobs filled",
)


def test_without_a_quota_register_the_headlines_say_not_known_rather_than_0(
    secretary: Any,
) -> None:
    """The quota tables gave way to "no quota is recorded", yet the headline above still said
    0 quota jobs set (as if employers had set none), "each <5" filled and "too few to show"."""
    district = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, name_en="Terekti")
    placed(6, district, on_quota=True)
    page = signed_in(Client(), secretary).get(_employment_in_english()).content.decode()
    for label in QUOTA_HEADLINES:
        assert _headline(page, label) == "Not known: no quota register for the year"
    # The persons placed are known, register or not.
    assert _headline(page, "Persons placed") == "5"


def test_with_a_quota_register_the_headlines_give_its_figures(secretary: Any) -> None:
    district = TerritoryFactory.create(level=TerritoryLevel.DISTRICT, name_en="Terekti")
    quota(district, headcount=200, jobs=6, filled=6)
    page = signed_in(Client(), secretary).get(_employment_in_english()).content.decode()
    headlines = [_headline(page, label) for label in QUOTA_HEADLINES]
    assert headlines == ["6", "5", "83%"]  # filled: 6 persons published as 5; share 5 / 6
