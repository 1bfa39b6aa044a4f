"""The catalogue uses the official terms of docs/glossary.md, never a variant it forbids."""

from __future__ import annotations

import re

import polib
import pytest

from kopir.core.tests.glossary import forbidden_terms, violations
from kopir.core.tests.test_translations import catalogue

VERDICT = re.compile(r"\bverdicts?\b", re.IGNORECASE)
DECISION_WORD = {"kk": re.compile(r"шешім", re.IGNORECASE), "ru": re.compile(r"решени", re.I)}
# The glossary's one word for a term the catalogue once wrote two ways, and the other way.
OTHER_WAY = {
    "kk": {"карьера орталығы": re.compile(r"мансап орталығ", re.I)},
    "ru": {
        "карьерный центр": re.compile(r"центр\w* карьеры", re.I),
        "проект (a draft version)": re.compile(
            r"верси\w+-черновик|черновик\w* (?:справочника|правил|версии|программ)", re.I
        ),
    },
}


def translated(entry: polib.POEntry) -> str:
    """The entry's translation, every plural form of it included."""
    return " ".join([entry.msgstr, *entry.msgstr_plural.values()])


def test_the_glossary_lists_forbidden_variants_for_both_languages() -> None:
    languages = {term.language for term in forbidden_terms()}
    assert languages == {"kk", "ru"}
    assert len(forbidden_terms()) >= 10


def test_the_check_finds_a_forbidden_variant() -> None:
    assert violations("Дәрігерлік-кеңестік комиссияның хаттамасы", ("kk",))
    assert violations("Демонстрация", ("kk",))
    assert not violations("Демонстрациялық нұсқа", ("kk",))
    assert violations("%(clinic)s жолдамаңызды %(division)s жіберді.", ("kk",))
    assert violations("Освидетельствование инвалидности", ("ru",))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_msgstr_uses_a_forbidden_variant(language: str) -> None:
    found = {
        entry.msgid: problems
        for entry in catalogue(language)
        if (problems := violations(translated(entry), (language,)))
    }
    assert not found, found


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_councils_verdict_is_not_called_a_decision(language: str) -> None:
    found = [
        entry.msgid
        for entry in catalogue(language)
        if VERDICT.search(entry.msgid) and DECISION_WORD[language].search(translated(entry))
    ]
    assert not found, found


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_career_centre_and_a_draft_version_are_named_one_way(language: str) -> None:
    found = [
        (entry.msgid, term)
        for entry in catalogue(language)
        for term, other_way in OTHER_WAY[language].items()
        if other_way.search(translated(entry))
    ]
    assert not found, found
