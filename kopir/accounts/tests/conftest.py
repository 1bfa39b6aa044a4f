from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.fixtures import administrator
from kopir.accounts.tests.helpers import sign_in_verified

__all__ = ["administrator"]


@pytest.fixture(autouse=True)
def _two_factor_required(settings: pytest.FixtureRequest) -> None:
    # Production behaviour unless a test says otherwise, whatever the environment running them.
    settings.KOPIR_REQUIRE_2FA = True  # type: ignore[attr-defined]
    settings.KOPIR_DEMO = False  # type: ignore[attr-defined]


@pytest.fixture
def english() -> None:
    """For tests that read English page text: reverse() then gives /en/ addresses."""
    translation.activate("en")


@pytest.fixture
def demo_mode(settings: pytest.FixtureRequest) -> None:
    # As the demo runs: two-factor sign-in on, the demo's own accounts exempt.
    settings.KOPIR_DEMO = True  # type: ignore[attr-defined]


@pytest.fixture
def clinician(db: None) -> User:
    return UserFactory(roles=[Role.CLINICIAN])


@pytest.fixture
def admin_client(client: Client, administrator: User) -> Client:
    sign_in_verified(client, administrator)
    return client


@pytest.fixture
def clinician_client(client: Client, clinician: User) -> Client:
    sign_in_verified(client, clinician)
    return client
