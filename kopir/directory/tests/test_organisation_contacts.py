"""An organisation's contact for Kopir's notices: address, responsible person, language."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.directory import demo
from kopir.directory.models import NoticeLanguage, Organisation, Territory
from kopir.directory.services import OrganisationData, organisation_create
from kopir.directory.tests.test_organisation_edit import edit_data, form_data
from kopir.directory.validators import validate_phone

pytestmark = pytest.mark.django_db


def create_url() -> str:
    with translation.override("en"):
        return reverse("directory:organisation_create")


@pytest.mark.parametrize("phone", ["+7 701 234 56 78", "8 (7112) 50-00-00", "+77011234567"])
def test_a_dialable_phone_number_is_accepted(phone: str) -> None:
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "+7 701 234 56 78 ext. 5", "+7 701 CALL NOW", "1" * 16])
def test_a_phone_number_an_sms_gateway_cannot_dial_is_refused(phone: str) -> None:
    with pytest.raises(ValidationError, match="phone number like"):
        validate_phone(phone)


def test_the_contact_and_language_are_saved_from_the_form(
    region: Territory, administrator_client: Client
) -> None:
    data = form_data(
        region,
        phone="+7 701 234 56 78",
        contact_name="Айгүл Сапарова",
        contact_position="Кеңсе меңгерушісі",
        notice_language="ru",
    )

    response = administrator_client.post(create_url(), data)

    assert response.status_code == 302
    organisation = Organisation.objects.get(code="oral-polyclinic-9")
    assert organisation.contact_name == "Айгүл Сапарова"
    assert organisation.contact_position == "Кеңсе меңгерушісі"
    assert organisation.notice_language == NoticeLanguage.RUSSIAN


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"contact_name": "Айгүл Сапарова"}, "contact_position"),
        ({"contact_position": "Кеңсе меңгерушісі"}, "contact_name"),
        ({"email": "not an address"}, "email"),
        ({"phone": "call the office"}, "phone"),
        ({"notice_language": "en"}, "notice_language"),
    ],
)
def test_an_incomplete_or_invalid_contact_is_refused_naming_the_field(
    region: Territory, administrator_client: Client, overrides: dict[str, Any], field: str
) -> None:
    response = administrator_client.post(create_url(), form_data(region, **overrides))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Organisation.objects.filter(code="oral-polyclinic-9").exists()


def test_the_service_refuses_a_position_without_a_name(region: Territory) -> None:
    data: OrganisationData = {
        "code": "oral-polyclinic-9",
        "name_kk": "Емхана",
        "name_ru": "Поликлиника",
        "name_en": "Polyclinic",
        "kind": "medical",
        "territory": region,
        "contact_position": "Кеңсе меңгерушісі",
    }

    with pytest.raises(ValidationError) as refused:
        organisation_create(actor=None, **data)

    assert "contact_name" in refused.value.message_dict


def test_an_organisation_without_a_contact_address_is_flagged_on_its_page(
    organisation: Organisation, administrator_client: Client
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(email="", phone="")
    with translation.override("en"):
        url = reverse("directory:organisation_detail", args=[organisation.pk])

    content = administrator_client.get(url).content.decode()

    assert "cannot be delivered: it has no e-mail address or phone number" in content


def test_the_language_of_notices_can_be_changed_by_editing(
    organisation: Organisation, administrator_client: Client
) -> None:
    with translation.override("en"):
        url = reverse("directory:organisation_edit", args=[organisation.pk])

    administrator_client.post(url, edit_data(organisation, notice_language="ru"))

    organisation.refresh_from_db()
    assert organisation.notice_language == NoticeLanguage.RUSSIAN


def test_every_demo_organisation_has_a_synthetic_contact_address() -> None:
    demo.load()

    addresses = Organisation.objects.filter(code__in=demo.DEMO_CODES).values_list(
        "email", flat=True
    )
    assert len(addresses) == len(demo.DEMO_CODES)
    assert all(address.endswith("@example.kz") for address in addresses)
