"""Accounts every app's tests need: fixtures a conftest imports by name."""

from __future__ import annotations

import pytest

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(roles=[Role.ADMINISTRATOR])
