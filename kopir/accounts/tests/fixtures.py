"""Accounts every app's tests need: fixtures a conftest imports by name."""

from __future__ import annotations

from typing import Any

import pytest

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(roles=[Role.ADMINISTRATOR])


def staff_fixture(*roles: str, of: str | None = None, doc: str = "") -> Any:
    """A fixture: an account with `roles` in the organisation the fixture named `of` gives (in
    an organisation of its own when None). Assign it to the fixture's name in a conftest or a
    fixtures module: `officer = staff_fixture(Role.AGENCY_OFFICER, of="agency")`."""

    @pytest.fixture
    def account(request: pytest.FixtureRequest, db: None) -> User:
        if of is None:
            return UserFactory.create(roles=list(roles))
        return UserFactory.create(organisation=request.getfixturevalue(of), roles=list(roles))

    account.__doc__ = doc or None
    return account
