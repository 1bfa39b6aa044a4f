"""Least privilege: staff reach a person only through their organisation's link to them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import Organisation
from kopir.people.access import (
    can_register_people,
    can_search_people,
    is_accessible,
    person_for_editor,
    person_for_user,
    persons_for_user,
)
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.factories import PersonLinkFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "searches", "registers"),
    [
        (Role.CLINICIAN, True, True),
        # The expert reads the persons of their own in-person cases and edits nobody.
        (Role.MSE_SPECIALIST, True, False),
        (Role.MSE_HEAD, True, True),
        (Role.AGENCY_OFFICER, True, False),
        (Role.COUNCIL_MEMBER, False, False),
        (Role.COUNCIL_SECRETARY, False, False),
        (Role.ADMINISTRATOR, False, False),
    ],
)
def test_only_roles_that_work_with_persons_may_search_and_only_some_register(
    clinic: Organisation, role: str, searches: bool, registers: bool
) -> None:
    user = UserFactory.create(organisation=clinic, roles=[role])
    assert can_search_people(user) is searches
    assert can_register_people(user) is registers


def test_a_clinician_without_an_organisation_sees_nobody(person: Person) -> None:
    user = UserFactory.create(organisation=None, roles=[Role.CLINICIAN])
    assert not can_search_people(user)
    assert not persons_for_user(user).exists()


def test_staff_see_the_persons_their_organisation_is_linked_to(
    clinician: User, person: Person, stranger: Person
) -> None:
    assert list(persons_for_user(clinician)) == [person]
    assert person_for_user(clinician, person.pk) == person


def test_a_person_linked_on_several_bases_is_listed_once(
    clinician: User, clinic: Organisation, person: Person
) -> None:
    PersonLinkFactory.create(person=person, organisation=clinic, basis=LinkBasis.ATTACHED)
    assert list(persons_for_user(clinician)) == [person]


def test_a_person_without_a_link_is_not_found_rather_than_forbidden(
    clinician: User, stranger: Person
) -> None:
    with pytest.raises(Http404):
        person_for_user(clinician, stranger.pk)


def test_a_council_member_is_refused_even_a_linked_person(
    council_member: User, person: Person, clinic: Organisation
) -> None:
    council_member.organisation = clinic
    council_member.save()
    with pytest.raises(PermissionDenied):
        person_for_user(council_member, person.pk)


def test_an_agency_officer_reads_but_may_not_edit(agency_officer: User, person: Person) -> None:
    assert person_for_user(agency_officer, person.pk) == person
    with pytest.raises(PermissionDenied):
        person_for_editor(agency_officer, person.pk)


def test_an_editor_gets_not_found_for_a_person_of_another_organisation(
    clinician: User, stranger: Person
) -> None:
    with pytest.raises(Http404):
        person_for_editor(clinician, stranger.pk)


def test_is_accessible_follows_the_links(clinician: User, person: Person, stranger: Person) -> None:
    assert is_accessible(clinician, person)
    assert not is_accessible(clinician, stranger)
    assert not is_accessible(clinician, None)
