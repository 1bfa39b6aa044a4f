from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.helpers import sign_in_verified


@pytest.fixture(autouse=True)
def _two_factor_required(settings: pytest.FixtureRequest) -> None:
    # Production behaviour unless a test says otherwise, whatever the environment running them.
    settings.KOPIR_REQUIRE_2FA = True  # type: ignore[attr-defined]
    settings.KOPIR_DEMO = False  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _default_language_afterwards() -> Iterator[None]:
    # LocaleMiddleware leaves the last request's language active in the thread; tests that
    # visit /ru/ or /en/ must not change what `reverse()` gives the tests after them.
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def english() -> None:
    """For tests that read English page text: reverse() then gives /en/ addresses."""
    translation.activate("en")


@pytest.fixture
def demo_mode(settings: pytest.FixtureRequest) -> None:
    settings.KOPIR_DEMO = True  # type: ignore[attr-defined]
    settings.KOPIR_REQUIRE_2FA = False  # type: ignore[attr-defined]


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory(roles=[Role.ADMINISTRATOR])


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
