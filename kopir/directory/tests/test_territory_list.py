"""The territory list: every signed-in account may read it; anonymous visitors sign in first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.tests.factories import UserFactory
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Territory
from kopir.directory.services import territories_load_file
from kopir.directory.tests.factories import TerritoryFactory
from kopir.directory.tests.helpers import queries_for

KATO_FILE = Path(__file__).resolve().parents[1] / "data" / "kato-wko.json"

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded() -> None:
    territories_load_file(path=KATO_FILE)


def test_staff_see_every_territory_with_its_code_level_and_parent(
    loaded: None, insider_client: Client
) -> None:
    with translation.override("ru"):
        response = insider_client.get(reverse("directory:territory_list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in content
    assert "271010000" in content
    assert "город Уральск" in content
    assert "Теректинский район" in content
    assert "Западно-Казахстанская область" in content


def test_the_page_says_which_codes_are_inferred_in_words_not_only_colour(
    loaded: None, outsider_client: Client
) -> None:
    with translation.override("en"):
        response = outsider_client.get(reverse("directory:territory_list"))

    content = response.content.decode()
    assert "Inferred: check against the official KATO file" in content
    assert "Verified in a published source" in content


def test_the_source_is_shown_with_what_inferred_means_but_not_the_compilers_notes(
    loaded: None, insider_client: Client
) -> None:
    with translation.override("ru"):
        response = insider_client.get(reverse("directory:territory_list"))

    content = response.content.decode()
    assert "KATO extract: West Kazakhstan region" in content
    assert "официальным файлом КАТО" in content
    # The source's notes are for whoever maintains the data, in English, citing internal notes.
    assert "Compiled by the Kopir project" not in content
    assert "docs/domain" not in content


def test_an_empty_directory_says_how_to_load_territories() -> None:
    client = signed_in(Client(), UserFactory(organisation=None))
    with translation.override("en"):
        response = client.get(reverse("directory:territory_list"))

    assert "No territories yet" in response.content.decode()
    assert "load_kato" in response.content.decode()


def test_the_territory_list_costs_the_same_queries_for_few_or_many_units(
    loaded: None, insider_client: Client, django_assert_max_num_queries: Any
) -> None:
    url = reverse("directory:territory_list")
    few = queries_for(insider_client, url)
    TerritoryFactory.create_batch(60, parent=Territory.objects.get(kato="270000000"))

    with django_assert_max_num_queries(11):  # the header's unread notifications count included
        many = queries_for(insider_client, url)

    assert many == few


@pytest.mark.parametrize(("language", "head"), [("kk", "Атауы"), ("ru", "Название")])
def test_the_name_column_is_a_territorys_name_not_a_persons(
    loaded: None, insider_client: Client, language: str, head: str
) -> None:
    with translation.override(language):
        content = insider_client.get(reverse("directory:territory_list")).content.decode()

    assert f'<th scope="col">{head}</th>' in content
    assert "Аты-жөні" not in content
    assert ">Имя<" not in content
