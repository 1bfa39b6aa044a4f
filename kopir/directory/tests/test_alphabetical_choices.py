"""Organisation choices follow the alphabet of the page's language (issue 11: Қ came after Т,
as the database sorts by code point). The order is made in Python, so SQLite and PostgreSQL agree;
the paged list's, by the database, from a sort text the same key writes: run this file with
DATABASE_URL set to check it on PostgreSQL."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.core.collation import alphabet_key, alphabet_sort_text
from kopir.directory.forms import organisation_field
from kopir.directory.models import Organisation
from kopir.directory.services import organisation_update
from kopir.directory.tests.factories import OrganisationFactory

NAMES = [  # (kk, ru), created in an order that is neither alphabet's
    ("Теректі аудандық әкімдігі", "Акимат Теректинского района"),
    ("Қаратөбе аудандық әкімдігі", "Акимат Каратобинского района"),
    ("Өзен мектебі", "Школа Озен"),
    ("Ақжайық емханасы", "Поликлиника Акжаика"),
    ("Орал қалалық әкімдігі", "Ёлочка, детский сад"),
    ("Жаңақала емханасы", "Яркий свет, центр"),
]


def test_the_key_puts_each_kazakh_letter_after_its_russian_neighbour() -> None:
    words = ["Ұлы", "Үміт", "Қазақ", "Ірі", "Кітап", "Тау", "Ата", "Әліпби", "Ёж", "Ель"]
    assert sorted(words, key=alphabet_key) == [
        "Ата", "Әліпби", "Ель", "Ёж", "Кітап", "Қазақ", "Тау", "Ұлы", "Үміт", "Ірі",
    ]  # fmt: skip


def test_a_shorter_word_comes_before_its_longer_forms_as_in_the_database() -> None:
    # A space sorts before every letter in a dictionary and in the paged list: the city's own
    # MSE division before the city's polyclinics, as on the paged organisation list.
    names = ["Орал қаласының әкімдігі", "Орал қаласы бойынша МӘС бөлімі", "«AMANAT» партиясы"]
    assert sorted(names, key=alphabet_key) == [
        "«AMANAT» партиясы", "Орал қаласы бойынша МӘС бөлімі", "Орал қаласының әкімдігі",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("shuffled", "expected"),
    [
        (
            ["№ 32 емхана", "№ 10 емхана", "№ 9 емхана", "№ 1 емхана", "№ 100 емхана"],
            ["№ 1 емхана", "№ 9 емхана", "№ 10 емхана", "№ 32 емхана", "№ 100 емхана"],
        ),
        (
            ["Поликлиника № 32", "Поликлиника № 9", "Поликлиника № 10", "Поликлиника № 2а"],
            ["Поликлиника № 2а", "Поликлиника № 9", "Поликлиника № 10", "Поликлиника № 32"],
        ),
        (  # the alphabet first, a number only where the names differ by it
            ["Қ № 2", "К № 10", "Ә № 9", "А № 32", "А № 4 бөлім", "А № 4", "Ақжайық № 3"],
            ["А № 4", "А № 4 бөлім", "А № 32", "Ақжайық № 3", "Ә № 9", "К № 10", "Қ № 2"],
        ),
        (  # a number after every letter, before Latin, in either alphabet
            ["Ярослав", "12 мектеп", "Znamya", "9 мектеп", "Іргелі", "Абай"],
            ["Абай", "Іргелі", "Ярослав", "9 мектеп", "12 мектеп", "Znamya"],
        ),
    ],
)
def test_a_number_in_a_name_sorts_by_its_value(shuffled: list[str], expected: list[str]) -> None:
    assert sorted(shuffled, key=alphabet_key) == expected


def test_numbers_written_alike_in_value_keep_a_stable_order() -> None:
    # "09" and "9" are the same number: distinct keys still, so a sort never depends on input.
    assert alphabet_key("№ 09") != alphabet_key("№ 9")
    assert sorted(["№ 9", "№ 09", "№ 8"], key=alphabet_key) == sorted(
        ["№ 09", "№ 8", "№ 9"], key=alphabet_key
    )


ORDER_IN = {
    "kk": [
        "Ақжайық емханасы",
        "Жаңақала емханасы",
        "Қаратөбе аудандық әкімдігі",
        "Орал қалалық әкімдігі",
        "Өзен мектебі",
        "Теректі аудандық әкімдігі",
    ],
    "ru": [
        "Акимат Каратобинского района",
        "Акимат Теректинского района",
        "Ёлочка, детский сад",
        "Поликлиника Акжаика",
        "Школа Озен",
        "Яркий свет, центр",
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_organisation_list_pages_follow_the_alphabet_of_the_language(
    language: str, outsider_client: Client
) -> None:
    # The database orders the paged list (the stored sort text), not Python.
    for kk, ru in NAMES:
        OrganisationFactory.create(name_kk=kk, name_ru=ru)
    with translation.override(language):
        response = outsider_client.get(reverse("directory:organisation_list"))
    with translation.override(language):
        names = [organisation.name for organisation in response.context["page_obj"]]
    expected = ORDER_IN[language]
    assert [name for name in names if name in expected] == expected


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_organisation_list_puts_numbered_names_in_the_order_of_their_numbers(
    language: str, outsider_client: Client
) -> None:
    # The database's order (the stored sort text) agrees with the choice lists' alphabet_key,
    # on SQLite and PostgreSQL alike.
    for number, (kk, ru) in enumerate(
        [
            ("Емхана № 32", "Поликлиника № 32"),
            ("Ұлы емхана", "Поликлиника Әкім"),
            ("Емхана № 10", "Поликлиника № 10"),
            ("Әлем емханасы", "Поликлиника Бірлік"),
            ("Емхана № 9", "Поликлиника № 9"),
        ]
    ):
        OrganisationFactory.create(name_kk=kk, name_ru=ru, code=f"numbered-{number}")
    with translation.override(language):
        response = outsider_client.get(reverse("directory:organisation_list"))
        page = response.context["page_obj"]
        every_name = [o.name for o in page]
        names = [o.name for o in page if o.code.startswith("numbered-")]

    # Every name on the page (the signed-in user's organisation among them) in the key's order.
    assert every_name == sorted(every_name, key=alphabet_key)
    assert (
        names
        == {
            # Ә after А (by code point it would follow Я), a number by its value, Ұ after У.
            "kk": ["Әлем емханасы", "Емхана № 9", "Емхана № 10", "Емхана № 32", "Ұлы емхана"],
            # "№" before any letter, as a space: the numbered first, then Ә before Б.
            "ru": [
                "Поликлиника № 9",
                "Поликлиника № 10",
                "Поликлиника № 32",
                "Поликлиника Әкім",
                "Поликлиника Бірлік",
            ],
        }[language]
    )


@pytest.mark.django_db
def test_a_renamed_organisation_moves_to_its_new_place_in_the_list(
    outsider_client: Client, administrator: Any
) -> None:
    # The update service writes the sort text with the name; a save of some fields does too.
    first, _second, third = (
        OrganisationFactory.create(name_kk=f"Емхана № {number}", code=f"renamed-{number}")
        for number in (9, 10, 32)
    )
    organisation_update(
        actor=administrator,
        organisation=third,
        expected_version=third.version,
        name_kk="Емхана № 2",
    )
    first.name_kk = "Емхана № 100"
    first.save(update_fields=["name_kk"])

    with translation.override("kk"):
        response = outsider_client.get(reverse("directory:organisation_list"))
        page = response.context["page_obj"]
        names = [o.name for o in page if o.code.startswith("renamed-")]

    assert names == ["Емхана № 2", "Емхана № 10", "Емхана № 100"]


@pytest.mark.django_db
def test_the_migration_fills_the_sort_text_of_existing_organisations() -> None:
    organisation = OrganisationFactory.create(
        name_kk="Емхана № 9", name_ru="Поликлиника № 9", name_en="Polyclinic No. 9"
    )
    expected = Organisation.objects.values("sort_name_kk", "sort_name_ru", "sort_name_en").get()
    # As the rows were before the column: empty.
    Organisation.objects.update(sort_name_kk="", sort_name_ru="", sort_name_en="")
    step = importlib.import_module("kopir.directory.migrations.0004_organisation_sort_names")

    step.fill_sort_names(django_apps, connection.schema_editor())

    stored = Organisation.objects.values("sort_name_kk", "sort_name_ru", "sort_name_en").get()
    assert stored == expected
    assert stored["sort_name_kk"] == alphabet_sort_text(organisation.name_kk)


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), ORDER_IN.items())
def test_organisation_choices_follow_the_alphabet_of_the_language(
    language: str, expected: list[str]
) -> None:
    for kk, ru in NAMES:
        OrganisationFactory.create(name_kk=kk, name_ru=ru)
    field = organisation_field("Organisation", empty_label="—")

    with translation.override(language):
        labels = [str(label) for _value, label in field.iterator(field)]

    assert labels[0] == "—"
    assert labels[1:] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", ["Қала емханасы № 9", "Қала емханасы № 10", "Қала емханасы № 32"]),
        (
            "ru",
            [
                "Городская поликлиника № 9",
                "Городская поликлиника № 10",
                "Городская поликлиника № 32",
            ],
        ),
    ],
)
def test_organisation_choices_put_numbered_names_in_the_order_of_their_numbers(
    language: str, expected: list[str]
) -> None:
    for number in (32, 9, 10):
        OrganisationFactory.create(
            name_kk=f"Қала емханасы № {number}", name_ru=f"Городская поликлиника № {number}"
        )
    field = organisation_field("Organisation", empty_label="—")

    with translation.override(language):
        labels = [str(label) for _value, label in field.iterator(field)]

    assert [label for label in labels if label in expected] == expected


@pytest.mark.django_db
def test_the_first_choice_is_read_without_a_query(django_assert_num_queries: Any) -> None:
    # A select asks for its first choice to decide whether it may be `required`: the records
    # are read, and sorted, only when the options are written.
    OrganisationFactory.create()
    field = organisation_field("Organisation", empty_label="—")
    with django_assert_num_queries(0):
        first = next(iter(field.iterator(field)))
    assert first == ("", "—")


@pytest.mark.django_db
def test_the_long_select_writes_each_option_escaped_and_marks_the_chosen_one() -> None:
    chosen = OrganisationFactory.create(name_kk='Ақ "Жол" <мектебі>')
    other = OrganisationFactory.create(name_kk="Өзен мектебі")
    field = organisation_field("Organisation", empty_label="—")

    with translation.override("kk"):
        html = field.widget.render("organisation", chosen.pk, attrs={"id": "id_o"})
        nothing = field.widget.render("organisation", None)

    assert html.startswith('<select name="organisation" id="id_o">')
    assert '\n  <option value="">—</option>' in html
    assert (
        f'\n  <option value="{chosen.pk}" selected>Ақ &quot;Жол&quot; &lt;мектебі&gt;</option>'
    ) in html
    assert f'\n  <option value="{other.pk}">Өзен мектебі</option>' in html
    assert html.count(" selected") == 1
    assert '<option value="" selected>—</option>' in nothing
