"""Fixtures for the directory's tests: an administrator, a colleague, an outsider, a small region."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.fixtures import administrator
from kopir.core.tests.fixtures import english_messages, no_second_factor, signed_in
from kopir.directory.models import Organisation, Territory, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory

__all__ = ["administrator", "english_messages", "no_second_factor"]


@pytest.fixture(autouse=True)
def _settings(no_second_factor: None, english_messages: None) -> None:
    """These tests assert English messages; the second factor is tested in accounts."""


@pytest.fixture
def region(db: None) -> Territory:
    return TerritoryFactory.create(
        kato="270000000",
        level=TerritoryLevel.REGION,
        name_kk="Батыс Қазақстан облысы",
        name_ru="Западно-Казахстанская область",
        name_en="West Kazakhstan Region",
    )


@pytest.fixture
def district(region: Territory) -> Territory:
    return TerritoryFactory.create(
        kato="276200000",
        level=TerritoryLevel.DISTRICT,
        parent=region,
        name_kk="Теректі ауданы",
        name_ru="Теректинский район",
        name_en="Terekti District",
    )


@pytest.fixture
def organisation(region: Territory) -> Organisation:
    return OrganisationFactory.create(territory=region)


@pytest.fixture
def insider(organisation: Organisation) -> Any:
    """A clinician of the organisation the tests look at."""
    return UserFactory(organisation=organisation, roles=[Role.CLINICIAN])


@pytest.fixture
def outsider(db: None) -> Any:
    """An agency officer of some other organisation."""
    return UserFactory(roles=[Role.AGENCY_OFFICER])


@pytest.fixture
def administrator_client(administrator: Any) -> Client:
    return signed_in(Client(), administrator)


@pytest.fixture
def insider_client(insider: Any) -> Client:
    return signed_in(Client(), insider)


@pytest.fixture
def outsider_client(outsider: Any) -> Client:
    return signed_in(Client(), outsider)
