"""The front door and the signed-in home page, across the apps that register its items.

Visitors get the front door (no record read, no person shown) and the public list of councils;
each role gets its counts, in sections, each linked to the filtered list, an empty state when
there is nothing, and a number of queries that does not grow with the records counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import ReferralStatus
from kopir.assessment.tests.factories import ReferralFactory
from kopir.core.home import home_sections
from kopir.core.tests.fixtures import no_second_factor as no_second_factor
from kopir.core.tests.fixtures import signed_in
from kopir.council import models as m
from kopir.council.tests.factories import CouncilFactory, PetitionFactory, RecommendationFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange.models import Delivery, DeliveryState, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory
from kopir.notices.models import Notice, NoticeStatus, RecipientKind
from kopir.people.tests.factories import PersonFactory
from kopir.rehabilitation.models import MeasureStatus
from kopir.rehabilitation.tests.factories import MeasureFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_second_factor")]
LANGUAGES = ("kk", "ru", "en")


def _url(name: str, language: str = "kk", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# --- The front door ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visitor_gets_the_front_door_with_the_public_ways_in_and_no_personal_data(language):
    person = PersonFactory.create(first_name="Жасырын", last_name="Адамов")
    council = CouncilFactory()
    PetitionFactory(council=council, petitioner_name="Өтініш Иесі")

    response = Client().get(_url("core:home", language))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    for name in (
        "council:public_council_list",
        "assessment:citizen_status",
        "core:accessibility",
        "accounts:login",
    ):
        assert f'href="{_url(name, language)}"' in page, name
    for private in (person.iin, person.last_name, "Өтініш Иесі"):
        assert private not in page


def test_the_bare_address_leads_to_the_front_door():
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 302
    assert Client().get(response["Location"]).status_code == 200


def test_a_signed_in_user_gets_their_home_page_at_the_same_address():
    clinician = UserFactory(roles=[Role.CLINICIAN])
    page = signed_in(Client(), clinician).get(_url("core:home")).content.decode()
    assert 'data-home-item="assessment.clinic_returned"' in page
    assert _url("accounts:login") + '"' not in page


def test_the_accessibility_statement_is_public_in_each_language():
    for language in LANGUAGES:
        response = Client().get(_url("core:accessibility", language))
        assert response.status_code == 200
        assert f'<html lang="{language}">' in response.content.decode()


def test_the_public_councils_are_listed_with_their_pages_and_petition_forms():
    active = CouncilFactory(organisation__name_kk="Белсенді кеңес")
    CouncilFactory(organisation__name_kk="Жабылған кеңес", is_active=False)

    response = Client().get("/kk/council/public/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Белсенді кеңес" in page
    assert "Жабылған кеңес" not in page
    assert _url("council:public_council", slug=active.slug) in page
    assert _url("council:petition_new", slug=active.slug) in page


def test_the_public_council_page_links_to_its_petition_form():
    council = CouncilFactory()
    page = Client().get(_url("council:public_council", slug=council.slug)).content.decode()
    assert f'href="{_url("council:petition_new", slug=council.slug)}"' in page


# --- Each role's home page -----------------------------------------------------------------------


def _keys(user) -> dict[str, int]:
    return {item.key: item.count for section in home_sections(user) for item in section.items}


@dataclass
class Workplaces:
    clinic: Any
    division: Any
    agency: Any
    council: Any
    users: dict[str, Any]


@pytest.fixture
def workplaces() -> Workplaces:
    """A clinic, an MSE division, an agency and a council, and an account of each role there."""
    clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    division = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    agency = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    council = CouncilFactory()
    users = {
        "clinician": UserFactory(organisation=clinic, roles=[Role.CLINICIAN]),
        "head": UserFactory(organisation=division, roles=[Role.MSE_HEAD]),
        "expert": UserFactory(organisation=division, roles=[Role.MSE_SPECIALIST]),
        "secretary": UserFactory(organisation=council.organisation, roles=[Role.COUNCIL_SECRETARY]),
        "member": UserFactory(roles=[Role.COUNCIL_MEMBER]),
        "officer": UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }
    return Workplaces(clinic, division, agency, council, users)


def test_each_role_sees_its_own_items_and_no_other_roles(workplaces):
    users = workplaces.users
    expected = {
        "clinician": {"assessment.clinic_returned", "assessment.clinic_drafts"},
        "head": {
            "assessment.division_new",
            "assessment.division_overdue",
            "assessment.division_documents_to_check",
        },
        # A division specialist accepts, returns and tells the person, as the head does.
        "expert": {
            "assessment.expert_waiting",
            "assessment.division_new",
            "assessment.division_overdue",
        },
        "secretary": {"council.new_petitions", "council.upcoming_meetings"},
        "member": {"council.open_votes", "council.upcoming_meetings"},
        "officer": {"council.inbox_new", "council.inbox_redo", "rehabilitation.measures_new"},
        "admin": {"accounts.locked", "notices.undelivered", "exchange.dead_deliveries"},
    }
    for role, user in users.items():
        keys = set(_keys(user))
        assert expected[role] <= keys, role
        others = set().union(*(v for r, v in expected.items() if r != role)) - expected[role]
        assert not keys & others, (role, keys & others)


def test_a_zero_count_shows_its_empty_state_and_a_count_links_to_the_filtered_list():
    clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    clinician = UserFactory(organisation=clinic, roles=[Role.CLINICIAN])
    ReferralFactory.create_batch(2, medical_organisation=clinic, status=ReferralStatus.RETURNED)

    page = signed_in(Client(), clinician).get(_url("core:home", "en")).content.decode()

    assert f'href="{_url("assessment:clinic_list", "en")}?status=returned"' in page
    assert '<span class="home-count__number">2</span>' in page
    assert "No drafts." in page


def test_the_administrators_count_undelivered_notices_and_given_up_deliveries():
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    organisation = OrganisationFactory.create()
    for status in (NoticeStatus.FAILED, NoticeStatus.FAILED, NoticeStatus.SENT):
        Notice.objects.create(
            recipient_kind=RecipientKind.ORGANISATION,
            organisation=organisation,
            channel="email",
            address="office@example.test",
            language="kk",
            topic="test",
            subject="Тест",
            body="Тест",
            status=status,
        )
    subscription = SubscriptionFactory()
    for state in (DeliveryState.DEAD, DeliveryState.DELIVERED):
        event = OutboxEvent.objects.create(
            kind="test.thing", subject="test", payload={}, occurred_at=timezone.now()
        )
        Delivery.objects.create(event=event, subscription=subscription, state=state)

    counts = _keys(admin)
    assert counts["notices.undelivered"] == 2
    assert counts["exchange.dead_deliveries"] == 1
    # Only administrators: a clinician sees neither.
    assert "notices.undelivered" not in _keys(UserFactory(roles=[Role.CLINICIAN]))


# --- Query budget ---------------------------------------------------------------------------------


def _home_queries(user) -> int:
    client = signed_in(Client(), user)
    client.get(_url("core:home"))  # warm the session and caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url("core:home"))
    assert response.status_code == 200
    return len(queries)


def _more_work(places: Workplaces, times: int) -> None:
    sent_at = timezone.now()
    for _ in range(times):
        ReferralFactory(medical_organisation=places.clinic, status=ReferralStatus.RETURNED)
        ReferralFactory(
            mse_division=places.division, status=ReferralStatus.SENT, first_sent_at=sent_at
        )
        MeasureFactory(organisation=places.agency, status=MeasureStatus.ASSIGNED, overdue=True)
        PetitionFactory(council=places.council)
        RecommendationFactory(
            council=places.council, addressee=places.agency, status=m.RecommendationStatus.SENT
        )


def test_the_home_pages_queries_do_not_grow_with_the_records_counted(workplaces):
    roles = ("clinician", "head", "secretary", "officer", "admin")
    users = [workplaces.users[role] for role in roles]
    _more_work(workplaces, 1)
    before = [_home_queries(user) for user in users]
    _more_work(workplaces, 12)
    after = [_home_queries(user) for user in users]

    assert after == before
    # And a small, fixed budget: the session, the user, the roles, the counts and their links.
    assert max(after) <= 25
