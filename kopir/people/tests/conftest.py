"""Fixtures for the registry of persons: the shared cast (a polyclinic with its staff, another one
beside it, a person it is linked to), more staff of the polyclinic, and a stranger."""

from __future__ import annotations

import pytest

from kopir.accounts.models import Role
from kopir.accounts.tests.fixtures import staff_fixture
from kopir.core.tests.fixtures import no_second_factor
from kopir.directory.models import Organisation, Territory
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.fixtures import *  # noqa: F403
from kopir.people.tests.fixtures import linked_person

__all__ = ["no_second_factor"]


@pytest.fixture(autouse=True)
def _settings(no_second_factor: None) -> None:
    """These tests are about the registry, not about the second factor (accounts tests that)."""


colleague = staff_fixture(
    Role.CLINICIAN,
    of="clinic",
    doc="Another clinician of the same polyclinic (a second editor for concurrency tests).",
)


agency_officer = staff_fixture(
    Role.AGENCY_OFFICER,
    of="clinic",
    doc="An agency officer whose organisation is linked like the clinic (reads, never edits).",
)


council_member = staff_fixture(Role.COUNCIL_MEMBER)


@pytest.fixture
def stranger(other_clinic: Organisation, territory: Territory) -> Person:
    """A person only the other clinic is linked to."""
    return linked_person(
        other_clinic,
        LinkBasis.ATTACHED,
        territory=territory,
        registered_by=other_clinic,
        last_name="Иванова",
        first_name="Анна",
        patronymic="Петровна",
    )
