"""The demo persons: synthetic, valid, consistent, linked, and loaded idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured

from kopir.audit.models import AuditEvent
from kopir.core.identifiers import iin_hint, validate_iin
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.people import demo
from kopir.people.models import LinkBasis, Person, PersonLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory() -> dict[str, Organisation]:
    """The territories and organisations the directory demo provides (made here if absent)."""
    territories = {kato: TerritoryFactory.create(kato=kato) for kato in demo.TERRITORY_WEIGHTS}
    codes = {demo.MSE_DIVISION: demo.ORAL, demo.EMPLOYMENT_OFFICE: demo.ORAL}
    for kato, polyclinics in demo.POLYCLINICS.items():
        codes.update(dict.fromkeys(polyclinics, kato))
    return {
        code: Organisation.objects.filter(code=code).first()
        or OrganisationFactory.create(code=code, territory=territories[kato])
        for code, kato in codes.items()
    }


def test_the_demo_loads_a_few_hundred_valid_persons(directory: dict[str, Organisation]) -> None:
    summary = demo.load()
    assert summary.startswith(f"{demo.PERSON_COUNT} synthetic persons")
    persons = list(Person.objects.all())
    assert len(persons) == demo.PERSON_COUNT
    for person in persons:
        validate_iin(person.iin)
        hint = iin_hint(person.iin)
        # The IIN agrees with the record, so the "IIN suggests" note stays quiet on the demo.
        assert (hint.birth_date, hint.sex) == (person.birth_date, person.sex)
        assert dt.date(1940, 1, 1) <= person.birth_date <= dt.date(2020, 12, 31)
        assert person.search_name


def test_loading_the_demo_twice_changes_nothing(directory: dict[str, Organisation]) -> None:
    demo.load()
    before = (
        Person.objects.count(),
        PersonLink.objects.count(),
        AuditEvent.objects.count(),
        sorted(Person.objects.values_list("iin", "version", "updated_at")),
    )
    summary = demo.load()
    after = (
        Person.objects.count(),
        PersonLink.objects.count(),
        AuditEvent.objects.count(),
        sorted(Person.objects.values_list("iin", "version", "updated_at")),
    )
    assert after == before
    assert "(0 new, 0 updated), 0 new access links" in summary


def test_a_demo_person_changed_by_hand_is_restored_on_the_next_load(
    directory: dict[str, Organisation],
) -> None:
    demo.load()
    person = Person.objects.order_by("iin").first()
    assert person is not None
    original = person.first_name
    Person.objects.filter(pk=person.pk).update(first_name="Өзгертілген")
    demo.load()
    person.refresh_from_db()
    assert person.first_name == original
    assert person.version == 2


def test_the_demo_is_the_same_on_every_run() -> None:
    first, second = demo.generate(), demo.generate()
    assert [(s.iin, s.fields) for s in first] == [(s.iin, s.fields) for s in second]
    assert len({s.iin for s in first}) == demo.PERSON_COUNT


def test_every_demo_person_is_attached_to_a_polyclinic_of_their_territory(
    directory: dict[str, Organisation],
) -> None:
    demo.load()
    attached = PersonLink.objects.filter(basis=LinkBasis.ATTACHED).select_related(
        "person__territory", "organisation"
    )
    assert attached.count() == demo.PERSON_COUNT
    for link in attached:
        assert link.organisation.code in demo.POLYCLINICS[link.person.territory.kato]
    referrals = PersonLink.objects.filter(
        basis=LinkBasis.REFERRAL, organisation=directory[demo.MSE_DIVISION]
    ).count()
    rehabilitation = PersonLink.objects.filter(
        basis=LinkBasis.REHABILITATION, organisation=directory[demo.EMPLOYMENT_OFFICE]
    ).count()
    assert 0.2 * demo.PERSON_COUNT < referrals < 0.4 * demo.PERSON_COUNT
    assert 0.1 * demo.PERSON_COUNT < rehabilitation < 0.3 * demo.PERSON_COUNT


def test_demo_children_have_a_parent_the_same_polyclinic_can_see(
    directory: dict[str, Organisation],
) -> None:
    demo.load()
    children = Person.objects.filter(legal_representative__isnull=False).select_related(
        "legal_representative"
    )
    assert children.count() >= 30
    for child in children:
        parent = child.legal_representative
        assert parent is not None
        assert child.representative_relation == "parent"
        assert 18 <= child.birth_date.year - parent.birth_date.year <= 45
        assert child.birth_date >= dt.date(2008, 1, 1)
        child_orgs = set(
            child.links.filter(basis=LinkBasis.ATTACHED).values_list("organisation", flat=True)
        )
        parent_orgs = set(parent.links.values_list("organisation", flat=True))
        assert child_orgs <= parent_orgs


def test_the_demo_includes_blind_and_deaf_persons_with_matching_needs(
    directory: dict[str, Organisation],
) -> None:
    demo.load()
    needs = list(Person.objects.values_list("accessibility_needs", flat=True))
    assert needs.count(["braille", "audio"]) >= 10
    assert needs.count(["sign_language"]) >= 5


def test_the_demo_refuses_to_load_without_the_directory() -> None:
    with pytest.raises(ImproperlyConfigured):
        demo.load()
