"""The catalogue uses the official terms of docs/glossary.md, never a variant it forbids."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

from kopir.core.tests.glossary import forbidden_terms, violations
from kopir.core.tests.test_translations import catalogue

VERDICT = re.compile(r"\bverdicts?\b", re.IGNORECASE)
DECISION_WORD = {"kk": re.compile(r"шешім", re.IGNORECASE), "ru": re.compile(r"решени", re.I)}
# The glossary's one Russian word for a term the catalogue once wrote two ways, and the other way
# (the career centre's old names are in the glossary's table, which the demo data is held to).
OTHER_WAY = {
    "проект (a draft version)": re.compile(
        r"верси\w+-черновик|черновик\w* (?:справочника|правил|версии|программ)", re.I
    ),
}
KOPIR = Path(__file__).resolve().parents[2]
# Where a referral not sent yet is spoken of: the clinic's pages, the home page's drafts, the
# intake's answers and the referral's status. Each msgid there naming a draft, with its context.
REFERRAL_TEXTS = (
    "assessment/templates/assessment/clinic/*.html",
    "assessment/views/clinic.py",
    "assessment/selectors/home.py",
    "assessment/services/bulk.py",
    "assessment/fhir_mapping.py",
    "assessment/models/referral.py",
)
DRAFT_MSGID = re.compile(
    r'(?:\b_|gettext|pgettext_lazy|translate)\(?\s*(?:"(?P<context>[^"]*)",\s*)?'
    r'"(?P<msgid>[^"]*\bdrafts?\b[^"]*)"',
    re.IGNORECASE,
)
# A referral's draft in each language, and the draft version's word it is not.
REFERRAL_DRAFT = {"kk": ("жоба", None), "ru": ("черновик", "проект")}


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


def test_a_draft_version_is_named_one_way() -> None:
    found = [
        (entry.msgid, term)
        for entry in catalogue("ru")
        for term, other_way in OTHER_WAY.items()
        if other_way.search(translated(entry))
    ]
    assert not found, found


def referral_draft_msgids() -> set[tuple[str | None, str]]:
    """Each (context, msgid) naming a draft in the referral's own texts."""
    return {
        (found["context"], found["msgid"])
        for pattern in REFERRAL_TEXTS
        for path in sorted(KOPIR.glob(pattern))
        for found in DRAFT_MSGID.finditer(path.read_text(encoding="utf-8"))
    }


def test_the_referrals_draft_texts_are_found() -> None:
    found = referral_draft_msgids()
    assert ("referral", "Draft") in found  # the status, not the draft version's "Draft"
    assert (None, "Save the draft") in found
    assert (None, "The draft %(number)s is saved. Attach the documents, then send it.") in found


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_a_referrals_draft_is_named_one_way(language: str) -> None:
    word, not_word = REFERRAL_DRAFT[language]
    entries = {(entry.msgctxt, entry.msgid): translated(entry) for entry in catalogue(language)}
    found = {}
    for key in referral_draft_msgids():
        text = entries.get(key, "").lower()
        if word not in text or (not_word and not_word in text):
            found[key] = text
    assert not found, found
