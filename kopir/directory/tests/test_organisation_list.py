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

    assert ">All organisations</caption>" in content
    assert "Terekti District Hospital" in content
    assert str(clinic.bin) in content
    assert f"/directory/organisations/{clinic.pk}/" in content


HOSPITAL, AKIMAT = "Terekti District Hospital", "Akimat of Oral"


def bin_typed_in_two_groups(number: str | None) -> str:
    assert number is not None
    return f"{number[:6]} {number[6:]}"


# What is asked (built from the hospital in its district and the akimat in the region), what the
# list then shows and what it leaves out.
SEARCHES = [
    pytest.param(
        lambda places: {"q": "ТЕРЕКТИНСКАЯ"},
        [HOSPITAL],
        [AKIMAT],
        id="a name in any case, in Cyrillic",
    ),
    pytest.param(
        lambda places: {"q": "әкімдігі"}, [AKIMAT], [HOSPITAL], id="part of a name's Kazakh form"
    ),
    pytest.param(
        lambda places: {"q": bin_typed_in_two_groups(places["clinic"].bin)},
        [HOSPITAL],
        [AKIMAT],
        id="the first digits of a BIN",
    ),
    pytest.param(
        lambda places: {"territory": str(places["region"].pk)},
        [AKIMAT, HOSPITAL],
        [],
        id="a region includes the organisations of its districts",
    ),
    pytest.param(
        lambda places: {"territory": str(places["district"].pk)},
        [HOSPITAL],
        [AKIMAT],
        id="a district excludes the rest of the region",
    ),
]


@pytest.mark.parametrize(("query", "shown", "hidden"), SEARCHES)
def test_a_search_or_a_territory_keeps_the_organisations_it_matches(
    clinic: Organisation,
    akimat: Organisation,
    region: Territory,
    district: Territory,
    insider_client: Client,
    query: Any,
    shown: list[str],
    hidden: list[str],
) -> None:
    places = {"clinic": clinic, "region": region, "district": district}
    content = listed(insider_client, **query(places))

    assert all(name in content for name in shown)
    assert not any(name in content for name in hidden)


def test_the_kind_filter_keeps_only_that_kind(
    clinic: Organisation, akimat: Organisation, insider_client: Client
) -> None:
    content = listed(insider_client, kind=OrganisationKind.AKIMAT)

    assert "Akimat of Oral" in content
    assert "Terekti District Hospital" not in content
    assert "Organisations matching your search" in content


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


@pytest.mark.parametrize(("language", "head"), [("kk", "Атауы"), ("ru", "Название")])
def test_the_name_column_is_an_organisations_name_not_a_persons(
    clinic: Organisation, outsider_client: Client, language: str, head: str
) -> None:
    # "Name" alone is translated as a person's name ("Аты-жөні", "Имя").
    with translation.override(language):
        content = outsider_client.get(reverse(URL_NAME)).content.decode()

    assert f'<th scope="col">{head}</th>' in content
    assert "Аты-жөні" not in content
    assert ">Имя<" not in content
