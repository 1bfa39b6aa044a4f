"""Registering and changing persons: validation, links, audit and optimistic concurrency."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import AccessDenied, ConflictError
from kopir.directory.models import Organisation, Territory
from kopir.people.models import LinkBasis, Person, PersonLink
from kopir.people.services import PersonData, person_register, person_update

pytestmark = pytest.mark.django_db


def data(territory: Territory, **overrides: Any) -> PersonData:
    values: dict[str, Any] = {
        "iin": "791028302728",
        "last_name": "Сәрсенбаев",
        "first_name": "Қуаныш",
        "patronymic": "Ерланұлы",
        "birth_date": dt.date(1979, 10, 28),
        "sex": "male",
        "territory": territory,
        "preferred_language": "kk",
        "accessibility_needs": ["audio", "braille"],
    }
    values.update(overrides)
    return PersonData(**values)  # type: ignore[typeddict-item]


def test_registering_creates_the_person_a_registered_link_and_an_audit_record(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    person = person_register(actor=clinician, **data(territory))
    person.refresh_from_db()
    assert person.registered_by == clinic
    assert person.search_name == "сәрсенбаев қуаныш ерланұлы"
    assert person.accessibility_needs == ["braille", "audio"]  # the order of the choices
    assert PersonLink.objects.filter(
        person=person, organisation=clinic, basis=LinkBasis.REGISTERED
    ).exists()
    event = AuditEvent.objects.get(action=AuditAction.CREATE)
    assert event.target_id == str(person.pk)
    assert "iin" in event.fields
    assert "791028302728" not in event.detail


def test_consent_is_time_stamped_when_given(clinician: User, territory: Territory) -> None:
    without = person_register(actor=clinician, **data(territory))
    assert without.consent_recorded_at is None
    given = person_register(
        actor=clinician, **data(territory, iin="061211600012", consent_to_processing=True)
    )
    assert given.consent_recorded_at is not None


def test_an_invalid_iin_is_refused_and_nothing_is_written(
    clinician: User, territory: Territory
) -> None:
    with pytest.raises(ValidationError) as error:
        person_register(actor=clinician, **data(territory, iin="821214240092"))
    assert "iin" in error.value.error_dict
    assert not Person.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_duplicate_iin_is_refused_on_the_iin_field(
    clinician: User, territory: Territory, person: Person
) -> None:
    with pytest.raises(ValidationError) as error:
        person_register(actor=clinician, **data(territory, iin=person.iin))
    assert list(error.value.error_dict) == ["iin"]


def test_an_agency_officer_may_not_register(agency_officer: User, territory: Territory) -> None:
    with pytest.raises(AccessDenied):
        person_register(actor=agency_officer, **data(territory))


def test_a_representative_needs_a_relation(
    clinician: User, territory: Territory, person: Person
) -> None:
    with pytest.raises(ValidationError) as error:
        person_register(actor=clinician, **data(territory, legal_representative=person))
    assert list(error.value.error_dict) == ["representative_relation"]


def test_a_relation_needs_a_representative(clinician: User, territory: Territory) -> None:
    with pytest.raises(ValidationError) as error:
        person_register(actor=clinician, **data(territory, representative_relation="parent"))
    assert list(error.value.error_dict) == ["representative_relation"]


def test_a_representative_must_be_someone_the_actor_may_see(
    clinician: User, territory: Territory, stranger: Person
) -> None:
    with pytest.raises(ValidationError) as error:
        person_register(
            actor=clinician,
            **data(territory, legal_representative=stranger, representative_relation="parent"),
        )
    assert list(error.value.error_dict) == ["legal_representative"]


def test_a_child_is_registered_with_a_parent_as_representative(
    clinician: User, territory: Territory, person: Person
) -> None:
    child = person_register(
        actor=clinician,
        **data(
            territory,
            iin="061211600012",
            birth_date=dt.date(2006, 12, 11),
            legal_representative=person,
            representative_relation="parent",
        ),
    )
    child.refresh_from_db()
    assert child.legal_representative == person


def test_an_update_saves_the_changes_bumps_the_version_and_audits_field_names(
    clinician: User, person: Person
) -> None:
    updated = person_update(
        actor=clinician,
        person=person,
        expected_version=1,
        first_name="Динара",
        phone="+7 701 000 12 34",
    )
    person.refresh_from_db()
    assert (person.first_name, person.phone, person.version) == ("Динара", "+7 701 000 12 34", 2)
    assert updated.version == 2
    assert "динара" in person.search_name
    event = AuditEvent.objects.get(action=AuditAction.UPDATE)
    assert event.fields == ["first_name", "phone"]
    assert "Динара" not in event.detail


def test_an_update_that_changes_nothing_writes_nothing(clinician: User, person: Person) -> None:
    person_update(actor=clinician, person=person, expected_version=1, first_name=person.first_name)
    person.refresh_from_db()
    assert person.version == 1
    assert not AuditEvent.objects.exists()


def test_an_update_from_a_stale_version_is_a_conflict_and_overwrites_nothing(
    clinician: User, colleague: User, person: Person
) -> None:
    # Both open version 1; the colleague saves first.
    person_update(actor=colleague, person=person, expected_version=1, first_name="Динара")
    with pytest.raises(ConflictError):
        person_update(actor=clinician, person=person, expected_version=1, first_name="Камила")
    person.refresh_from_db()
    assert (person.first_name, person.version) == ("Динара", 2)
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE).count() == 1


def test_giving_and_withdrawing_consent_sets_and_clears_its_time(
    clinician: User, person: Person
) -> None:
    person = person_update(
        actor=clinician, person=person, expected_version=1, consent_to_processing=True
    )
    assert person.consent_recorded_at is not None
    person.refresh_from_db()
    assert person.consent_recorded_at is not None
    person = person_update(
        actor=clinician, person=person, expected_version=2, consent_to_processing=False
    )
    person.refresh_from_db()
    assert person.consent_recorded_at is None


def test_a_person_cannot_represent_themselves(clinician: User, person: Person) -> None:
    with pytest.raises(ValidationError) as error:
        person_update(
            actor=clinician,
            person=person,
            expected_version=1,
            legal_representative=person,
            representative_relation="guardian",
        )
    assert "legal_representative" in error.value.error_dict


def test_an_unreachable_representative_already_on_record_does_not_block_other_changes(
    clinician: User, person: Person, stranger: Person
) -> None:
    Person.objects.filter(pk=person.pk).update(
        legal_representative=stranger, representative_relation="parent"
    )
    person.refresh_from_db()
    person_update(
        actor=clinician,
        person=person,
        expected_version=1,
        legal_representative=stranger,
        phone="+7 701 000 00 01",
    )
    person.refresh_from_db()
    assert person.phone == "+7 701 000 00 01"


def test_changing_the_iin_to_one_already_registered_is_refused(
    clinician: User, person: Person, territory: Territory
) -> None:
    other = person_register(actor=clinician, **data(territory))
    with pytest.raises(ValidationError) as error:
        person_update(actor=clinician, person=person, expected_version=1, iin=other.iin)
    assert "iin" in error.value.error_dict


@pytest.mark.parametrize(
    ("birth_date", "code"),
    [(dt.date(1, 1, 1), "too_early"), (dt.date(1899, 12, 31), "too_early"), (None, "future")],
)
def test_a_date_of_birth_before_1900_or_in_the_future_is_refused_on_its_field(
    clinician: User, territory: Territory, birth_date: dt.date | None, code: str
) -> None:
    day = birth_date or timezone.localdate() + dt.timedelta(days=1)

    with pytest.raises(ValidationError) as error:
        person_register(actor=clinician, **data(territory, birth_date=day))

    assert [e.code for e in error.value.error_dict["birth_date"]] == [code]
    assert not Person.objects.exists()


def test_an_edit_to_a_date_of_birth_in_the_future_is_refused(
    clinician: User, territory: Territory
) -> None:
    person = person_register(actor=clinician, **data(territory))

    with pytest.raises(ValidationError) as error:
        person_update(
            actor=clinician,
            person=person,
            expected_version=person.version,
            birth_date=dt.date(2999, 1, 1),
        )

    assert "birth_date" in error.value.error_dict
    person.refresh_from_db()
    assert person.birth_date == dt.date(1979, 10, 28)
