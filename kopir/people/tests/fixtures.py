"""The cast the tests of the registry and of the apps above it share: a town, a polyclinic and
another one beside it, a clinician of each, and a person the polyclinic is linked to.

A conftest imports these by name; an app that needs a different polyclinic or person defines its
own fixture of that name, and the others (a clinician, an outsider) are built on it.
"""

from __future__ import annotations

from typing import Any

import pytest

from kopir.accounts.models import Role
from kopir.accounts.tests.fixtures import administrator, staff_fixture
from kopir.directory.models import Organisation, Territory
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory

__all__ = [
    "administrator",
    "clinic",
    "clinician",
    "other_clinic",
    "outsider",
    "person",
    "territory",
]


def linked_person(organisation: Organisation, basis: str, **fields: Any) -> Person:
    """A person `organisation` may see, for the reason `basis`."""
    person = PersonFactory.create(**fields)
    PersonLinkFactory.create(person=person, organisation=organisation, basis=basis)
    return person


@pytest.fixture
def territory(db: None) -> Territory:
    return TerritoryFactory.create(
        kato="271010000", name_kk="Орал", name_ru="Уральск", name_en="Oral"
    )


@pytest.fixture
def clinic(territory: Territory) -> Organisation:
    # With a contact for notices: what the polyclinic is written to.
    return OrganisationFactory.create(
        territory=territory, email="clinic@example.test", phone="+77112000000"
    )


@pytest.fixture
def other_clinic(territory: Territory) -> Organisation:
    return OrganisationFactory.create(territory=territory, email="other@example.test")


clinician = staff_fixture(Role.CLINICIAN, of="clinic")


outsider = staff_fixture(
    Role.CLINICIAN,
    of="other_clinic",
    doc="A clinician of another polyclinic, with no link to the clinic's persons.",
)


@pytest.fixture
def person(clinic: Organisation, territory: Territory) -> Person:
    """A person the clinic registered (and so is linked to)."""
    return linked_person(clinic, LinkBasis.REGISTERED, territory=territory, registered_by=clinic)
