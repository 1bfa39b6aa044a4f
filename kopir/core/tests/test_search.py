"""The search's text matching: Kazakh and Russian letters fold to lower case on every database
(SQLite's own lower() folds ASCII only), in another grammatical case and any order, a number matches
whole, and LIKE's wildcards are text."""

from __future__ import annotations

import pytest

from kopir.core.models import NumberSequence
from kopir.core.search import contains_text, equals_text, stem

pytestmark = pytest.mark.django_db


@pytest.fixture
def scopes() -> None:
    for scope in (
        "Қазақстан Әлемі",
        "ЁЛКА ҰЛЫ Іргетас",
        "Plain 100% Latin",
        "council.Ө-2026",
        "Қаратөбе ауданындағы отбасы құқықтары",
        "Пандус жоқ емхана",
        "О заседании совета в Уральске",
        "Ұсынымдардың орындалуы",
        "Выдать планшеты школам",
    ):
        NumberSequence.objects.create(scope=scope, year=2026)


def matching(condition: object) -> list[str]:
    return sorted(NumberSequence.objects.filter(condition).values_list("scope", flat=True))


@pytest.mark.usefixtures("scopes")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("қазақстан", ["Қазақстан Әлемі"]),
        ("ӘЛЕМ", ["Қазақстан Әлемі"]),
        ("ёлка ұлы", ["ЁЛКА ҰЛЫ Іргетас"]),
        ("іргетас", ["ЁЛКА ҰЛЫ Іргетас"]),
        ("plain", ["Plain 100% Latin"]),
        ("100%", ["Plain 100% Latin"]),
        ("%", ["Plain 100% Latin"]),  # a wildcard typed is a character searched
        ("_", []),
        ("ө-2026", ["council.Ө-2026"]),
        # A word typed in another grammatical case or number than the text holds it.
        ("Қаратөбеде", ["Қаратөбе ауданындағы отбасы құқықтары"]),
        ("отбасылардың", ["Қаратөбе ауданындағы отбасы құқықтары"]),
        ("пандустарды", ["Пандус жоқ емхана"]),
        ("заседание", ["О заседании совета в Уральске"]),
        # Every word must be found, in any order, not as one phrase.
        ("емхана пандус", ["Пандус жоқ емхана"]),
        ("пандус қаратөбе", []),
        # The same word in another form matches in either language...
        ("ұсынымдары", ["Ұсынымдардың орындалуы"]),
        ("орындалуына", ["Ұсынымдардың орындалуы"]),
        ("планшетов", ["Выдать планшеты школам"]),
        ("школами", ["Выдать планшеты школам"]),
        # ...but a short word cut to a fragment found inside longer, unrelated words does not.
        ("ымдау", []),
        ("плана", []),
        ("совет", ["О заседании совета в Уральске"]),
    ],
)
def test_words_match_whatever_the_case(text: str, expected: list[str]) -> None:
    assert matching(contains_text(text, "scope")) == expected


@pytest.mark.usefixtures("scopes")
def test_a_number_matches_whole_in_any_case() -> None:
    assert matching(equals_text("COUNCIL.ө-2026", "scope")) == ["council.Ө-2026"]
    assert matching(equals_text("ө-2026", "scope")) == []


@pytest.mark.usefixtures("scopes")
def test_several_fields_are_one_condition_of_alternatives() -> None:
    condition = contains_text("2026", "scope") | contains_text("әлем", "scope")
    assert matching(condition) == ["council.Ө-2026", "Қазақстан Әлемі"]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("қаратөбеде", "қаратөб"),
        ("пандустарды", "пандус"),
        ("заседании", "заседан"),  # one Russian ending, not the Kazakh "дан" after it
        ("ұлы", "ұлы"),  # too short to lose anything
        ("ымдау", "ымдау"),  # not "ымда", a fragment of "ұсынымдардың"
        ("плана", "плана"),  # not "план", a fragment of "планшеты"
        ("ұсынымдары", "ұсыным"),
        ("2026-001", "2026-001"),  # a number is kept whole
    ],
)
def test_a_word_loses_its_endings_but_keeps_five_letters(word: str, expected: str) -> None:
    assert stem(word) == expected
