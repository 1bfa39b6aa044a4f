"""Referrals in the staff search: by their number exactly, for the clinic that made them and the
MSE division they were sent to, never showing the person; every referral shown is audited."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Referral, ReferralStatus
from kopir.assessment.tests.factories import ReferralFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral() -> Referral:
    return ReferralFactory.create(
        number="MSE-2026-000123", status=ReferralStatus.SENT, first_sent_at=timezone.now()
    )


def hits(user: object, text: str) -> list[str]:
    response = signed_in(Client(), user).get(reverse("core:search"), {"q": text})
    assert response.status_code == 200
    return [hit.url for group in response.context["groups"] for hit in group.hits]


def test_the_clinic_finds_its_referral_by_number_typed_in_lower_case(referral: Referral) -> None:
    clinician = UserFactory.create(
        organisation=referral.medical_organisation, roles=[Role.CLINICIAN]
    )
    response = signed_in(Client(), clinician).get(
        reverse("core:search"), {"q": " mse-2026-000123 "}
    )
    (group,) = response.context["groups"]
    assert group.key == "assessment.referrals"
    (hit,) = group.hits
    assert hit.url == reverse("assessment:clinic_detail", args=[referral.pk])
    assert hit.title.startswith("MSE-2026-000123 — ")
    # The person is not on the page: a search is not a way to look people up.
    content = response.content.decode()
    assert referral.person.last_name not in content
    assert referral.person.iin not in content


def test_the_division_and_its_experts_find_a_sent_referral_and_open_the_case(
    referral: Referral,
) -> None:
    head = UserFactory.create(organisation=referral.mse_division, roles=[Role.MSE_HEAD])
    expert = UserFactory.create(organisation=referral.mse_division, roles=[Role.MSE_SPECIALIST])
    case = reverse("assessment:division_case", args=[referral.pk])
    assert hits(head, "MSE-2026-000123") == [case]
    assert hits(expert, "MSE-2026-000123") == [case]


def test_a_draft_is_not_the_divisions_to_find() -> None:
    draft = ReferralFactory.create(number="MSE-2026-000124", status=ReferralStatus.DRAFT)
    head = UserFactory.create(organisation=draft.mse_division, roles=[Role.MSE_HEAD])
    assert hits(head, "MSE-2026-000124") == []


def test_other_organisations_find_no_referral_and_part_of_a_number_finds_none(
    referral: Referral,
) -> None:
    other_clinic = OrganisationFactory.create(kind=OrganisationKind.MEDICAL)
    other_division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)
    outsider = UserFactory.create(organisation=other_clinic, roles=[Role.CLINICIAN])
    other_head = UserFactory.create(organisation=other_division, roles=[Role.MSE_HEAD])
    assert hits(outsider, "MSE-2026-000123") == []
    assert hits(other_head, "MSE-2026-000123") == []
    clinician = UserFactory.create(
        organisation=referral.medical_organisation, roles=[Role.CLINICIAN]
    )
    assert hits(clinician, "MSE-2026-0001") == []  # a number matches whole, never in part
    assert hits(clinician, "000123") == []


def test_a_number_typed_with_cyrillic_letters_or_without_its_prefix_is_found(
    referral: Referral,
) -> None:
    clinician = UserFactory.create(
        organisation=referral.medical_organisation, roles=[Role.CLINICIAN]
    )
    expected = hits(clinician, referral.number)
    assert len(expected) == 1
    cyrillic = referral.number.replace("M", "М").replace("E", "Е")  # Cyrillic М and Е
    assert hits(clinician, cyrillic) == expected
    assert hits(clinician, referral.number.removeprefix("MSE-")) == expected


def test_an_agency_officer_finds_no_referral_by_number(referral: Referral) -> None:
    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory.create(organisation=agency, roles=[Role.AGENCY_OFFICER])
    client = signed_in(Client(), officer)
    assert client.get(reverse("core:search"), {"q": "MSE-2026-000123"}).status_code == 403
    assert 'role="search"' not in client.get(reverse("core:home")).content.decode()


def test_a_council_secretary_searches_the_council_but_finds_no_referral(
    referral: Referral,
) -> None:
    council_body = OrganisationFactory.create(kind=OrganisationKind.PUBLIC_COUNCIL)
    secretary = UserFactory.create(organisation=council_body, roles=[Role.COUNCIL_SECRETARY])
    assert hits(secretary, "MSE-2026-000123") == []


def test_each_referral_a_search_shows_is_audited(referral: Referral) -> None:
    head = UserFactory.create(organisation=referral.mse_division, roles=[Role.MSE_HEAD])
    hits(head, "MSE-2026-000123")
    hits(head, "MSE-2026-999999")  # nothing found, nothing reached
    events = AuditEvent.objects.filter(actor=head, action=AuditAction.SEARCH)
    assert [(event.target_type, event.target_id) for event in events] == [
        ("assessment.referral", str(referral.pk))
    ]


def test_the_header_offers_the_search_to_the_roles_that_search(referral: Referral) -> None:
    head = UserFactory.create(organisation=referral.mse_division, roles=[Role.MSE_HEAD])
    content = signed_in(Client(), head).get(reverse("core:home")).content.decode()
    assert f'action="{reverse("core:search")}"' in content
