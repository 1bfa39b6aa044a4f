"""The person form refuses a bad IIN saying which field and why, in the reader's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from kopir.accounts.models import User
from kopir.core.templatetags.kopir_tags import error_summary
from kopir.directory.models import Territory
from kopir.people.forms import PersonEditForm, PersonForm, PersonSearchForm
from kopir.people.models import Person
from kopir.people.tests.factories import NEW_PERSON_TYPED, PersonFactory

pytestmark = pytest.mark.django_db

CHECKSUM_MESSAGE = "The check digit (the last one) does not match: there is a typo in the number."


def form_data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    data = {
        **NEW_PERSON_TYPED,
        "territory": territory.pk,
        "address": "",
        "phone": "",
        "email": "",
        "representative_iin": "",
        "representative_relation": "",
    }
    data.update(overrides)
    return data


def test_a_complete_form_is_valid(clinician: User, territory: Territory) -> None:
    form = PersonForm(data=form_data(territory), user=clinician)
    assert form.is_valid(), form.errors


def test_an_iin_typed_with_spaces_is_accepted_without_them(
    clinician: User, territory: Territory
) -> None:
    form = PersonForm(data=form_data(territory, iin=" 791028 302728 "), user=clinician)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["iin"] == "791028302728"


def test_an_invalid_iin_is_refused_in_english_naming_the_field_and_the_reason(
    clinician: User, territory: Territory
) -> None:
    with translation.override("en"):
        form = PersonForm(data=form_data(territory, iin="791028302729"), user=clinician)
        assert not form.is_valid()
        assert form.errors["iin"] == [CHECKSUM_MESSAGE]
        summary = error_summary(form)["items"]
    assert {"message": f"IIN: {CHECKSUM_MESSAGE}", "href": "#id_iin"} in summary


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_an_invalid_iin_is_refused_in_kazakh_and_russian_naming_the_field_and_the_reason(
    clinician: User, territory: Territory, language: str
) -> None:
    with translation.override(language):
        form = PersonForm(data=form_data(territory, iin="79102830272"), user=clinician)
        assert not form.is_valid()
        expected = gettext("It must be exactly 12 digits; %(count)s given.") % {"count": 11}
        assert form.errors["iin"] == [expected]
        summary = error_summary(form)["items"]
        assert summary[0]["message"] == f"{gettext('IIN')}: {expected}"


def test_an_iin_of_letters_is_refused_as_not_digits(clinician: User, territory: Territory) -> None:
    with translation.override("en"):
        form = PersonForm(data=form_data(territory, iin="ABCDEFGHIJKL"), user=clinician)
        assert not form.is_valid()
        assert form.errors["iin"] == ["It must contain digits only."]


def test_a_birth_date_that_differs_from_the_iin_is_accepted(
    clinician: User, territory: Territory
) -> None:
    form = PersonForm(data=form_data(territory, birth_date="1981-02-03"), user=clinician)
    assert form.is_valid(), form.errors


def test_a_registered_iin_is_not_the_forms_to_report(clinician: User, territory: Territory) -> None:
    # The form would tell anybody that the IIN is registered; the service decides instead
    # (it links the person when the details match, and answers alike when they do not).
    PersonFactory.create(iin="791028302728", territory=territory)
    form = PersonForm(data=form_data(territory), user=clinician)
    assert form.is_valid(), form.errors


def test_the_representative_is_found_by_iin_among_accessible_persons(
    clinician: User, territory: Territory, person: Person
) -> None:
    form = PersonForm(
        data=form_data(territory, representative_iin=person.iin, representative_relation="parent"),
        user=clinician,
    )
    assert form.is_valid(), form.errors
    assert form.service_data()["legal_representative"] == person


def test_a_representative_the_organisation_cannot_see_is_a_field_error(
    clinician: User, territory: Territory, stranger: Person
) -> None:
    with translation.override("en"):
        form = PersonForm(
            data=form_data(
                territory, representative_iin=stranger.iin, representative_relation="parent"
            ),
            user=clinician,
        )
        assert not form.is_valid()
        assert str(form.errors["representative_iin"][0]).startswith(
            "No person with this IIN among those your organisation works with."
        )


def test_an_unknown_representative_iin_is_a_field_error(
    clinician: User, territory: Territory
) -> None:
    form = PersonForm(
        data=form_data(
            territory, representative_iin="061211600012", representative_relation="parent"
        ),
        user=clinician,
    )
    assert not form.is_valid()
    assert "representative_iin" in form.errors


def test_accessibility_needs_are_a_list_of_codes(clinician: User, territory: Territory) -> None:
    form = PersonForm(
        data=form_data(territory, accessibility_needs=["braille", "audio"]), user=clinician
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["accessibility_needs"] == ["braille", "audio"]


def test_an_unknown_accessibility_need_is_refused(clinician: User, territory: Territory) -> None:
    form = PersonForm(data=form_data(territory, accessibility_needs=["telepathy"]), user=clinician)
    assert not form.is_valid()
    assert "accessibility_needs" in form.errors


def test_the_edit_form_starts_with_the_record_and_its_version(
    clinician: User, person: Person, territory: Territory
) -> None:
    representative = PersonFactory.create(territory=territory, birth_date=dt.date(1960, 1, 1))
    person.legal_representative = representative
    person.version = 4
    form = PersonEditForm(instance=person, user=clinician)
    assert form.initial["version"] == 4
    assert form.initial["representative_iin"] == representative.iin


@pytest.mark.parametrize(
    ("query", "valid"),
    [
        ("", False),
        ("   ", False),
        ("сә", True),
        ("791028302728", True),
        ("7910283027", False),
        ("а", False),
    ],
)
def test_the_search_form_accepts_names_and_whole_iins(query: str, valid: bool) -> None:
    assert PersonSearchForm(data={"q": query}).is_valid() is valid


def test_a_mistyped_iin_in_the_search_says_what_is_wrong() -> None:
    with translation.override("en"):
        form = PersonSearchForm(data={"q": "791028302729"})
        assert not form.is_valid()
        assert form.errors["q"] == [CHECKSUM_MESSAGE]


def test_a_full_width_iin_is_the_same_person_and_meets_the_uniqueness_check(
    clinician: User, territory: Territory
) -> None:
    PersonFactory.create(iin="791028302728", territory=territory)
    full_width = "７９１０２８ ３０２７２８"
    form = PersonForm(data=form_data(territory, iin=full_width), user=clinician)
    assert form.is_valid(), form.errors
    # The same ASCII IIN, so the service meets the registered person, not a new record.
    assert form.cleaned_data["iin"] == "791028302728"


@pytest.mark.parametrize("field", ["iin", "representative_iin"])
def test_an_iin_in_another_scripts_digits_is_refused_saying_so(
    clinician: User, territory: Territory, field: str
) -> None:
    with translation.override("en"):
        form = PersonForm(data=form_data(territory, **{field: "٧٩١٠٢٨٣٠٢٧٢٨"}), user=clinician)
        assert not form.is_valid()
        assert form.errors[field] == [
            "Use the digits 0-9: digits of other scripts are not accepted."
        ]


def test_the_search_reads_a_full_width_iin_as_ascii() -> None:
    form = PersonSearchForm(data={"q": "７９１０２８３０２７２８"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["q"] == "791028302728"


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", "2999-01-01"])
def test_a_date_of_birth_before_1900_or_in_the_future_is_refused_on_its_field(
    clinician: User, territory: Territory, birth_date: str
) -> None:
    form = PersonForm(data=form_data(territory, birth_date=birth_date), user=clinician)

    assert not form.is_valid()
    assert list(form.errors) == ["birth_date"]


def test_the_date_picker_offers_dates_from_1900_to_today(clinician: User) -> None:
    attrs = PersonForm(user=clinician).fields["birth_date"].widget.attrs

    assert attrs["min"] == "1900-01-01"
    assert attrs["max"] == timezone.localdate().isoformat()
