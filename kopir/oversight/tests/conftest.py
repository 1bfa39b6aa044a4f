"""Fixtures for oversight's tests: the readers of the dashboards and a clinic's referrals made
to measure (dates, returns, deadlines), so each figure can be computed by hand."""

from __future__ import annotations

from typing import Any

import pytest

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.accounts.tests.fixtures import staff_fixture
from kopir.core.tests.fixtures import english_messages as english_messages
from kopir.core.tests.fixtures import no_second_factor as no_second_factor
from kopir.council.models import CompositionStatus
from kopir.council.tests.factories import CompositionFactory, MemberFactory
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def _settings(no_second_factor: None, english_messages: None) -> None:
    """The pages are read in English here; the second factor is tested in accounts."""


@pytest.fixture
def council_office(db: None) -> Any:
    return OrganisationFactory(kind=OrganisationKind.PUBLIC_COUNCIL)


secretary = staff_fixture(Role.COUNCIL_SECRETARY, of="council_office")
unseated_member = staff_fixture(
    Role.COUNCIL_MEMBER, of="council_office", doc="A member's role, no seat in force anywhere."
)
mse_head = staff_fixture(Role.MSE_HEAD)
clinician = staff_fixture(Role.CLINICIAN)
agency_officer = staff_fixture(Role.AGENCY_OFFICER)


@pytest.fixture
def member(unseated_member: Any) -> Any:
    """A council member seated in the composition in force of a council."""
    MemberFactory.create(account=unseated_member)
    return unseated_member


@pytest.fixture
def former_member(db: None) -> Any:
    """A member whose composition was replaced: the seat is in a composition no longer in force."""
    account = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    MemberFactory.create(
        account=account, composition=CompositionFactory(status=CompositionStatus.SUPERSEDED)
    )
    return account
