"""Who needs a second factor, who administers accounts, and who is an agency officer."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from kopir.accounts.access import is_administrator, is_agency_officer, requires_two_factor
from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_every_role_signs_in_with_a_second_factor(role: Role) -> None:
    assert requires_two_factor(UserFactory(roles=[role]))


def test_an_account_without_roles_needs_no_second_factor() -> None:
    assert not requires_two_factor(UserFactory())


def test_a_superuser_needs_a_second_factor() -> None:
    assert requires_two_factor(UserFactory(is_superuser=True))


def test_only_administrators_administer_accounts() -> None:
    assert is_administrator(UserFactory(roles=[Role.ADMINISTRATOR]))
    assert not is_administrator(UserFactory(roles=[Role.CLINICIAN, Role.COUNCIL_SECRETARY]))
    assert not is_administrator(AnonymousUser())


def test_a_deactivated_administrator_administers_nothing() -> None:
    assert not is_administrator(UserFactory(roles=[Role.ADMINISTRATOR], is_active=False))


def test_an_agency_officer_is_of_an_organisation_with_the_role() -> None:
    assert is_agency_officer(UserFactory(roles=[Role.AGENCY_OFFICER]))
    assert not is_agency_officer(UserFactory(roles=[Role.AGENCY_OFFICER], organisation=None))
    assert not is_agency_officer(UserFactory(roles=[Role.CLINICIAN, Role.MSE_HEAD]))
    assert not is_agency_officer(AnonymousUser())
