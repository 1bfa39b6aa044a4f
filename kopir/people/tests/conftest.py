"""Fixtures for the registry of persons: a polyclinic with its staff, and organisations beside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import Organisation, Territory
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory


@pytest.fixture(autouse=True)
def _no_two_factor(settings: Any) -> None:
    # These tests are about the registry, not about the second factor (accounts tests that).
    settings.KOPIR_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # Each test starts in Kopir's default language, whatever an earlier test left active.
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def territory(db: None) -> Territory:
    return TerritoryFactory.create(
        kato="271010000", name_kk="Орал", name_ru="Уральск", name_en="Oral"
    )


@pytest.fixture
def clinic(territory: Territory) -> Organisation:
    return OrganisationFactory.create(territory=territory)


@pytest.fixture
def other_clinic(territory: Territory) -> Organisation:
    return OrganisationFactory.create(territory=territory)


@pytest.fixture
def clinician(clinic: Organisation) -> User:
    return UserFactory.create(organisation=clinic, roles=[Role.CLINICIAN])


@pytest.fixture
def colleague(clinic: Organisation) -> User:
    """Another clinician of the same polyclinic (a second editor for concurrency tests)."""
    return UserFactory.create(organisation=clinic, roles=[Role.CLINICIAN])


@pytest.fixture
def agency_officer(clinic: Organisation) -> User:
    """An agency officer whose organisation is linked like the clinic (reads, never edits)."""
    return UserFactory.create(organisation=clinic, roles=[Role.AGENCY_OFFICER])


@pytest.fixture
def outsider(other_clinic: Organisation) -> User:
    """A clinician of another polyclinic, with no link to the clinic's persons."""
    return UserFactory.create(organisation=other_clinic, roles=[Role.CLINICIAN])


@pytest.fixture
def council_member(db: None) -> User:
    return UserFactory.create(roles=[Role.COUNCIL_MEMBER])


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def person(clinic: Organisation, territory: Territory) -> Person:
    """A person the clinic is linked to."""
    person = PersonFactory.create(territory=territory, registered_by=clinic)
    PersonLinkFactory.create(person=person, organisation=clinic, basis=LinkBasis.REGISTERED)
    return person


@pytest.fixture
def stranger(other_clinic: Organisation, territory: Territory) -> Person:
    """A person only the other clinic is linked to."""
    person = PersonFactory.create(
        territory=territory,
        registered_by=other_clinic,
        last_name="Иванова",
        first_name="Анна",
        patronymic="Петровна",
    )
    PersonLinkFactory.create(person=person, organisation=other_clinic, basis=LinkBasis.ATTACHED)
    return person
