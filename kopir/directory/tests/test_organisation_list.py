"""The organisation list: filters, search by name or BIN, pagination, htmx and a query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.directory.tests.factories import OrganisationFactory
from kopir.directory.tests.helpers import queries_for

pytestmark = pytest.mark.django_db

URL_NAME = "directory:organisation_list"


def listed(client: Client, **query: str) -> str:
    with translation.override("en"):
        response = client.get(reverse(URL_NAME, query=query))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def clinic(district: Territory) -> Organisation:
    return OrganisationFactory.create(
        name_kk="Теректі аудандық ауруханасы",
        name_ru="Теректинская районная больница",
        name_en="Terekti District Hospital",
        territory=district,
    )


@pytest.fixture
def akimat(region: Territory) -> Organisation:
    return OrganisationFactory.create(
        name_kk="Орал қаласының әкімдігі",
        name_ru="Акимат города Уральска",
        name_en="Akimat of Oral",
        kind=OrganisationKind.AKIMAT,
        territory=region,
    )


def test_staff_of_any_organisation_see_the_table(
    clinic: Organisation, outsider_client: Client
) -> None:
    content = listed(outsider_client)

    assert "<caption>All organisations</caption>" in content
    assert "Terekti District Hospital" in content
    assert str(clinic.bin) in content
    assert f"/directory/organisations/{clinic.pk}/" in content


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse(URL_NAME))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_name_is_found_whatever_its_case_in_cyrillic(
    clinic: Organisation, akimat: Organisation, insider_client: Client
) -> None:
    content = listed(insider_client, q="ТЕРЕКТИНСКАЯ")

    assert "Terekti District Hospital" in content
    assert "Akimat of Oral" not in content


def test_a_name_is_found_by_part_of_its_kazakh_form(
    clinic: Organisation, akimat: Organisation, insider_client: Client
) -> None:
    content = listed(insider_client, q="әкімдігі")

    assert "Akimat of Oral" in content
    assert "Terekti District Hospital" not in content


def test_the_first_digits_of_a_bin_find_the_organisation(
    clinic: Organisation, akimat: Organisation, insider_client: Client
) -> None:
    number = str(clinic.bin)
    content = listed(insider_client, q=f"{number[:6]} {number[6:]}")

    assert "Terekti District Hospital" in content
    assert "Akimat of Oral" not in content


def test_the_kind_filter_keeps_only_that_kind(
    clinic: Organisation, akimat: Organisation, insider_client: Client
) -> None:
    content = listed(insider_client, kind=OrganisationKind.AKIMAT)

    assert "Akimat of Oral" in content
    assert "Terekti District Hospital" not in content
    assert "Organisations matching your search" in content


def test_a_region_includes_the_organisations_of_its_districts(
    clinic: Organisation, akimat: Organisation, region: Territory, insider_client: Client
) -> None:
    content = listed(insider_client, territory=str(region.pk))

    assert "Akimat of Oral" in content
    assert "Terekti District Hospital" in content


def test_a_district_excludes_the_organisations_of_the_rest_of_the_region(
    clinic: Organisation, akimat: Organisation, district: Territory, insider_client: Client
) -> None:
    content = listed(insider_client, territory=str(district.pk))

    assert "Terekti District Hospital" in content
    assert "Akimat of Oral" not in content


def test_no_match_says_so_and_suggests_what_to_try(
    clinic: Organisation, insider_client: Client
) -> None:
    content = listed(insider_client, q="nothing like this")

    assert "No organisations match your search" in content


def test_an_unknown_territory_is_shown_as_an_error_on_its_field(
    clinic: Organisation, insider_client: Client
) -> None:
    content = listed(insider_client, territory="999999")

    assert 'aria-invalid="true"' in content
    assert "Terekti District Hospital" in content


def test_the_list_shows_twenty_five_per_page(region: Territory, insider_client: Client) -> None:
    OrganisationFactory.create_batch(30, territory=region)
    total = Organisation.objects.count()

    first = listed(insider_client)
    second = listed(insider_client, page="2")

    assert first.count("<tr>") == 1 + 25  # the header row and 25 organisations
    assert second.count("<tr>") == 1 + total - 25
    assert "Page 1 of 2" in first


def test_an_htmx_request_gets_the_results_and_the_new_count_only(
    clinic: Organisation, insider_client: Client
) -> None:
    with translation.override("en"):
        response = insider_client.get(
            reverse(URL_NAME, query={"q": "terekti"}), headers={"HX-Request": "true"}
        )

    content = response.content.decode()
    assert "<html" not in content
    assert "Terekti District Hospital" in content
    assert 'hx-swap-oob="innerHTML"' in content
    assert "1 organisation found" in content
    assert "HX-Request" in response["Vary"]


def test_an_administrator_is_offered_to_add_an_organisation(
    administrator_client: Client, insider_client: Client
) -> None:
    create_path = "/directory/organisations/new/"

    assert create_path in listed(administrator_client)
    assert create_path not in listed(insider_client)


def test_the_list_costs_the_same_queries_for_5_or_40_organisations(
    region: Territory,
    district: Territory,
    insider_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    url = reverse(URL_NAME, query={"territory": str(region.pk), "q": "емхана"})
    OrganisationFactory.create_batch(5, territory=district)
    few = queries_for(insider_client, url)
    OrganisationFactory.create_batch(35, territory=district)

    with django_assert_max_num_queries(14):
        many = queries_for(insider_client, url)

    assert many == few
