"""Adding and editing organisations: administrators only, every field checked, no lost updates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.identifiers import make_bin
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.directory.services import ORGANISATION_FIELDS, organisation_update
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

VALID_BIN = make_bin(dt.date(2015, 4, 1), 4, 0, 70001)


def form_data(territory: Territory, **overrides: Any) -> dict[str, Any]:
    data = {
        "code": "oral-polyclinic-9",
        "name_kk": "Орал қаласының № 9 қалалық емханасы",
        "name_ru": "Городская поликлиника № 9 г. Уральск",
        "name_en": "City Polyclinic No. 9, Oral",
        "short_name_kk": "№ 9 емхана",
        "short_name_ru": "Поликлиника № 9",
        "short_name_en": "Polyclinic No. 9",
        "kind": OrganisationKind.MEDICAL,
        "bin": VALID_BIN,
        "territory": territory.pk,
        "parent": "",
        "address": "",
        "email": "polyclinic9@example.test",
        "phone": "",
        "contact_name": "",
        "contact_position": "",
        "notice_language": "kk",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def edit_data(organisation: Organisation, **overrides: Any) -> dict[str, Any]:
    data = form_data(
        organisation.territory,
        code=organisation.code,
        name_kk=organisation.name_kk,
        name_ru=organisation.name_ru,
        name_en=organisation.name_en,
        short_name_kk=organisation.short_name_kk,
        short_name_ru=organisation.short_name_ru,
        short_name_en=organisation.short_name_en,
        kind=organisation.kind,
        bin=organisation.bin or "",
        parent=organisation.parent_id or "",
        email=organisation.email,
        notice_language=organisation.notice_language,
        version=organisation.version,
    )
    data.update(overrides)
    return data


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data)


def create_url() -> str:
    with translation.override("en"):
        return reverse("directory:organisation_create")


def edit_url(organisation: Organisation) -> str:
    with translation.override("en"):
        return reverse("directory:organisation_edit", args=[organisation.pk])


# --- Who may ----------------------------------------------------------------------------------


def test_an_administrator_sees_the_form_with_every_field(administrator_client: Client) -> None:
    response = administrator_client.get(create_url())

    content = response.content.decode()
    assert response.status_code == 200
    # The template places each field by hand: every field the service writes must be there.
    for name in ORGANISATION_FIELDS:
        assert f'name="{name}"' in content
    assert 'lang="kk"' in content


def test_staff_who_are_not_administrators_may_not_add(
    region: Territory, insider_client: Client, outsider_client: Client
) -> None:
    assert insider_client.get(create_url()).status_code == 403
    assert post(outsider_client, create_url(), form_data(region)).status_code == 403
    assert not Organisation.objects.filter(code="oral-polyclinic-9").exists()


def test_staff_who_are_not_administrators_may_not_edit(
    organisation: Organisation, insider_client: Client, outsider_client: Client
) -> None:
    assert insider_client.get(edit_url(organisation)).status_code == 403
    response = post(outsider_client, edit_url(organisation), edit_data(organisation, name_en="X"))
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name_en != "X"


# --- Adding -----------------------------------------------------------------------------------


def test_an_administrator_adds_an_organisation_and_it_is_audited(
    region: Territory, administrator: Any, administrator_client: Client
) -> None:
    response = post(administrator_client, create_url(), form_data(region))

    organisation = Organisation.objects.get(code="oral-polyclinic-9")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/directory/organisations/{organisation.pk}/")
    assert organisation.bin == VALID_BIN
    assert organisation.version == 1
    event = AuditEvent.objects.get(
        target_type="directory.organisation", target_id=str(organisation.pk)
    )
    assert event.action == AuditAction.CREATE
    assert event.actor == administrator
    assert "bin" in event.fields


def test_spaces_in_a_bin_are_ignored(region: Territory, administrator_client: Client) -> None:
    assert VALID_BIN is not None
    spaced = f"{VALID_BIN[:6]} {VALID_BIN[6:]}"

    post(administrator_client, create_url(), form_data(region, bin=spaced))

    assert Organisation.objects.get(code="oral-polyclinic-9").bin == VALID_BIN


def test_an_invalid_bin_is_refused_naming_the_field_and_the_reason(
    region: Territory, administrator_client: Client
) -> None:
    assert VALID_BIN is not None
    wrong = VALID_BIN[:11] + str((int(VALID_BIN[11]) + 1) % 10)

    response = post(administrator_client, create_url(), form_data(region, bin=wrong))

    content = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["bin"]
    assert "BIN: The check digit (the last one) does not match" in content
    assert 'aria-invalid="true"' in content
    assert not Organisation.objects.filter(code="oral-polyclinic-9").exists()


def test_a_bin_with_a_wrong_fifth_digit_is_refused_with_that_reason(
    region: Territory, administrator_client: Client
) -> None:
    response = post(administrator_client, create_url(), form_data(region, bin="100520000012"))

    assert "BIN: The 5th digit (the kind of entity) must be 4, 5 or 6." in response.content.decode()


def test_a_bin_or_code_already_used_is_refused(
    organisation: Organisation, administrator_client: Client
) -> None:
    response = post(
        administrator_client,
        create_url(),
        form_data(organisation.territory, bin=organisation.bin, code=organisation.code),
    )

    errors = response.context["form"].errors
    assert "already exists" in errors["bin"][0]
    assert "already exists" in errors["code"][0]
    assert Organisation.objects.count() == 2  # the fixture's and the administrator's own


def test_required_names_are_asked_for(region: Territory, administrator_client: Client) -> None:
    response = post(administrator_client, create_url(), form_data(region, name_kk=""))

    assert "Name in Kazakh: This field is required." in response.content.decode()


# --- Editing ----------------------------------------------------------------------------------


def test_an_administrator_edits_and_the_changed_fields_are_audited(
    organisation: Organisation, administrator_client: Client
) -> None:
    response = post(
        administrator_client,
        edit_url(organisation),
        edit_data(organisation, name_en="Renamed", phone="+7 7112 00 00 01"),
    )

    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name_en == "Renamed"
    assert organisation.version == 2
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).get()
    assert event.fields == ["name_en", "phone"]


def test_saving_without_changes_changes_nothing(
    organisation: Organisation, administrator_client: Client
) -> None:
    post(administrator_client, edit_url(organisation), edit_data(organisation))

    organisation.refresh_from_db()
    assert organisation.version == 1
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE).exists()


def test_the_code_cannot_be_changed_by_editing(
    organisation: Organisation, administrator_client: Client
) -> None:
    code = organisation.code

    post(administrator_client, edit_url(organisation), edit_data(organisation, code="renamed-code"))

    organisation.refresh_from_db()
    assert organisation.code == code


def test_an_edit_made_on_a_stale_copy_is_refused_and_nothing_is_overwritten(
    organisation: Organisation, administrator: Any, administrator_client: Client
) -> None:
    stale = edit_data(organisation, name_en="My new name")
    organisation_update(
        actor=administrator,
        organisation=organisation,
        expected_version=1,
        name_en="Their new name",
    )

    response = post(administrator_client, edit_url(organisation), stale)

    content = response.content.decode()
    organisation.refresh_from_db()
    assert response.status_code == 409
    assert organisation.name_en == "Their new name"
    assert "Someone else saved this organisation after you opened it" in content
    assert 'value="My new name"' in content  # the administrator's input is kept
    assert "Their new name" in content  # and what the other person saved is shown
    assert 'name="version" value="2"' in content


def test_submitting_again_after_a_conflict_saves_the_reviewed_input(
    organisation: Organisation, administrator: Any, administrator_client: Client
) -> None:
    organisation_update(
        actor=administrator,
        organisation=organisation,
        expected_version=1,
        name_en="Their new name",
    )

    response = post(
        administrator_client,
        edit_url(organisation),
        edit_data(organisation, name_en="My new name", version=2),
    )

    organisation.refresh_from_db()
    assert response.status_code == 302
    assert organisation.name_en == "My new name"
    assert organisation.version == 3


def test_a_parent_that_is_one_of_its_own_units_is_refused(
    organisation: Organisation, administrator_client: Client
) -> None:
    unit = OrganisationFactory.create(parent=organisation, territory=organisation.territory)
    sub_unit = OrganisationFactory.create(parent=unit, territory=organisation.territory)

    response = post(
        administrator_client, edit_url(organisation), edit_data(organisation, parent=sub_unit.pk)
    )

    organisation.refresh_from_db()
    assert response.status_code == 200
    assert "would make a loop" in response.context["form"].errors["parent"][0]
    assert organisation.parent is None
    assert organisation.version == 1


def test_an_organisation_is_not_offered_as_its_own_parent(
    organisation: Organisation, administrator_client: Client
) -> None:
    response = post(
        administrator_client,
        edit_url(organisation),
        edit_data(organisation, parent=organisation.pk),
    )

    assert "parent" in response.context["form"].errors
    organisation.refresh_from_db()
    assert organisation.parent is None


def test_an_unknown_organisation_cannot_be_edited(administrator_client: Client) -> None:
    response = administrator_client.get(reverse("directory:organisation_edit", args=[999_999]))

    assert response.status_code == 404
