"""Every role's reach to the registry of persons, as a table.

The probe behind it: an expert opened every person linked to the division and matched the age
and sex of depersonalised cases to one of them. An expert now reaches a person only through an
in-person case assigned to them; only the head of the division reaches the division's persons.
Each role is asked about four persons, by the person page and by the search (Kopir has no export
of persons; the division's queue export carries age bands, test_age_bands.py):

- linked: a person linked to the user's organisation (for the division: registered by it, like a
  person once examined in person, whose in-absentia case the user's division now also has);
- absentia: the person of an in-absentia case assigned to the user (when the user is an expert);
- in_person: the person of an in-person case assigned to the user (when the user is an expert);
- stranger: a person nobody of the user's organisation works with.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Route
from kopir.assessment.tests.division_fixtures import assigned
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.people.models import LinkBasis, Person
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]

CASES = ("linked", "absentia", "in_person", "stranger")
OK, HIDDEN, REFUSED = 200, 404, 403

# role → (where the user works, expected answer for each of CASES)
REACH: dict[str, tuple[str, tuple[int, int, int, int]]] = {
    # The polyclinic referred both cases' persons, so its link covers them.
    Role.CLINICIAN: ("clinic", (OK, OK, OK, HIDDEN)),
    # The expert: only the in-person case they examine; never the division's links.
    Role.MSE_SPECIALIST: ("division", (HIDDEN, HIDDEN, OK, HIDDEN)),
    # The head: the division's links (a registered person, an in-person case); an in-absentia
    # case's person only where the division had a link already (shown on the case page anyway).
    Role.MSE_HEAD: ("division", (OK, OK, OK, HIDDEN)),
    Role.AGENCY_OFFICER: ("agency", (OK, HIDDEN, HIDDEN, HIDDEN)),
    Role.COUNCIL_MEMBER: ("agency", (REFUSED,) * 4),
    Role.COUNCIL_SECRETARY: ("agency", (REFUSED,) * 4),
    Role.ADMINISTRATOR: ("agency", (REFUSED,) * 4),
}


def build_world(
    role: str, clinic: Organisation, division: Organisation, clinician: User, district: Any
) -> tuple[User, dict[str, Person]]:
    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    where = {"clinic": clinic, "division": division, "agency": agency}[REACH[role][0]]
    user = UserFactory.create(organisation=where, roles=[role])
    head = UserFactory.create(organisation=division, roles=[Role.MSE_HEAD])
    # The user is one of the experts when the role is the expert's; otherwise three colleagues.
    count = 2 if role == Role.MSE_SPECIALIST else 3
    others = [
        UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST]) for _ in range(count)
    ]
    experts = [user, *others] if role == Role.MSE_SPECIALIST else others
    persons = {name: PersonFactory.create(territory=district) for name in CASES}
    PersonLinkFactory.create(
        person=persons["linked"], organisation=where, basis=LinkBasis.REGISTERED
    )
    # The probe's case: the division knows this person already (registered there once), and now
    # has their in-absentia case.
    PersonLinkFactory.create(
        person=persons["absentia"], organisation=division, basis=LinkBasis.REGISTERED
    )
    for name in ("absentia", "in_person"):
        PersonLinkFactory.create(
            person=persons[name], organisation=clinic, basis=LinkBasis.ATTACHED
        )
    assigned(clinician, persons["absentia"], head, experts, route=Route.IN_ABSENTIA)
    assigned(clinician, persons["in_person"], head, experts, route=Route.IN_PERSON)
    return user, persons


def found_by_search(client: Client, person: Person) -> int:
    """200 if the search lists the person, 404 if it does not, 403 if the search is refused."""
    response = client.post(reverse("people:search"), {"q": person.iin})
    if response.status_code != OK:
        return int(response.status_code)
    listed = reverse("people:detail", args=[person.pk]) in response.content.decode()
    return OK if listed else HIDDEN


@pytest.mark.parametrize("role", list(REACH))
def test_each_role_reaches_exactly_the_persons_its_work_needs(
    client: Client,
    role: str,
    clinic: Organisation,
    division: Organisation,
    clinician: User,
    district: Any,
) -> None:
    user, persons = build_world(role, clinic, division, clinician, district)
    signed_in(client, user)
    expected = dict(zip(CASES, REACH[role][1], strict=True))
    page = {
        name: client.get(reverse("people:detail", args=[person.pk])).status_code
        for name, person in persons.items()
    }
    search = {name: found_by_search(client, person) for name, person in persons.items()}
    assert page == expected
    assert search == expected
