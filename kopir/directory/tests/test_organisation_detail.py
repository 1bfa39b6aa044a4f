"""The organisation page: names in three languages, place, hierarchy, contacts and staff."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import Organisation, Territory
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(region: Territory) -> Organisation:
    return OrganisationFactory.create(
        code="wko-mse-department",
        name_kk="Департамент (kk)",
        name_ru="Департамент (ru)",
        name_en="Department (en)",
        short_name_en="Dept",
        territory=region,
        address="Oral, Test street 1",
        email="department@example.test",
        phone="+7 7112 00 00 00",
    )


@pytest.fixture
def division(department: Organisation, district: Territory) -> Organisation:
    return OrganisationFactory.create(
        name_en="MSE Division (en)", parent=department, territory=district, bin=None
    )


def page(client: Client, organisation: Organisation) -> str:
    with translation.override("en"):
        response = client.get(reverse("directory:organisation_detail", args=[organisation.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_colleague_sees_the_names_in_every_language_and_the_details(
    department: Organisation, division: Organisation, outsider_client: Client
) -> None:
    content = page(outsider_client, department)

    assert '<dd lang="kk">Департамент (kk)</dd>' in content
    assert '<dd lang="ru">Департамент (ru)</dd>' in content
    assert '<dd lang="en">Department (en)</dd>' in content
    assert "Dept" in content
    assert str(department.bin) in content
    assert "West Kazakhstan Region" in content
    assert "Oral, Test street 1" in content
    assert 'href="mailto:department@example.test"' in content
    assert 'href="tel:+77112000000"' in content
    assert "MSE Division (en)" in content


def test_a_unit_links_to_the_body_it_belongs_to(
    department: Organisation, division: Organisation, insider_client: Client
) -> None:
    content = page(insider_client, division)

    assert f"/directory/organisations/{department.pk}/" in content
    assert "BIN" in content
    assert "Not recorded" in content


def test_other_readers_see_how_many_staff_but_not_who(
    department: Organisation, insider_client: Client
) -> None:
    UserFactory(
        organisation=department,
        first_name="Сәуле",
        last_name="Жасанды",
        roles=[Role.MSE_SPECIALIST],
    )
    UserFactory(organisation=department, first_name="Ерлан", last_name="Тестбаев")

    content = page(insider_client, department)

    assert "2 active accounts" in content
    assert "Жасанды" not in content
    assert "Тестбаев" not in content


def test_an_administrator_sees_the_staff_by_name(
    department: Organisation, administrator_client: Client
) -> None:
    UserFactory(organisation=department, first_name="Сәуле", last_name="Жасанды")

    content = page(administrator_client, department)

    assert "1 active account" in content
    assert "Сәуле Жасанды" in content


def test_an_administrator_is_offered_to_edit_and_others_are_not(
    department: Organisation, administrator_client: Client, insider_client: Client
) -> None:
    edit_path = f"/directory/organisations/{department.pk}/edit/"

    assert edit_path in page(administrator_client, department)
    assert edit_path not in page(insider_client, department)


def test_an_unknown_organisation_is_not_found(insider_client: Client) -> None:
    response = insider_client.get(reverse("directory:organisation_detail", args=[999_999]))

    assert response.status_code == 404


def test_the_page_shows_the_name_in_the_reader_language(
    department: Organisation, insider_client: Client
) -> None:
    with translation.override("ru"):
        response = insider_client.get(
            reverse("directory:organisation_detail", args=[department.pk])
        )

    assert "<h1>Департамент (ru)</h1>" in response.content.decode()


def test_the_page_costs_a_fixed_number_of_queries(
    department: Organisation, insider_client: Client, django_assert_max_num_queries: Any
) -> None:
    OrganisationFactory.create_batch(10, parent=department, territory=department.territory)

    with django_assert_max_num_queries(12):
        insider_client.get(reverse("directory:organisation_detail", args=[department.pk]))
