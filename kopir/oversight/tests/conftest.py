"""Fixtures for oversight's tests: the readers of the dashboards and a clinic's referrals made
to measure (dates, returns, deadlines), so each figure can be computed by hand."""

from __future__ import annotations

from typing import Any

import pytest

from kopir.accounts.models import Role
from kopir.accounts.tests.fixtures import staff_fixture
from kopir.core.tests.fixtures import english_messages as english_messages
from kopir.core.tests.fixtures import no_second_factor as no_second_factor
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory


@pytest.fixture(autouse=True)
def _settings(no_second_factor: None, english_messages: None) -> None:
    """The pages are read in English here; the second factor is tested in accounts."""


@pytest.fixture
def council_office(db: None) -> Any:
    return OrganisationFactory(kind=OrganisationKind.PUBLIC_COUNCIL)


secretary = staff_fixture(Role.COUNCIL_SECRETARY, of="council_office")
member = staff_fixture(Role.COUNCIL_MEMBER, of="council_office")
mse_head = staff_fixture(Role.MSE_HEAD)
clinician = staff_fixture(Role.CLINICIAN)
agency_officer = staff_fixture(Role.AGENCY_OFFICER)
