"""Every message Kopir shows exists in Kazakh and Russian, and the compiled catalogues match."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|\{(\w*)\}")
KAZAKH_LETTERS = set("әғқңөұүһі")


def catalogue(language: str) -> polib.POFile:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing: run `make messages`"
    return polib.pofile(str(path))


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_is_translated_and_none_is_fuzzy(language: str):
    po = catalogue(language)
    assert len(po) > 50, "the catalogue is nearly empty"
    missing = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"
    assert not fuzzy, f"{language}: {len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_translations_keep_every_placeholder(language: str):
    wrong = []
    for entry in catalogue(language).translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        for text in translations:
            if text and set(PLACEHOLDER.findall(text)) != expected:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong[:5]


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_compiled_catalogue_matches_its_source(language: str):
    po = catalogue(language)
    mo_path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    # Keyed by context and text: "from" a status and "from" a letter's sender are two messages.
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in polib.mofile(str(mo_path))}
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in po.translated_entries()
        if not entry.msgid_plural
    }
    stale = [msgid for msgid, text in source.items() if compiled.get(msgid) != text]
    assert not stale, f"{language}: django.mo is older than django.po: {stale[:3]}"


def test_kazakh_uses_the_kazakh_letters_not_look_alikes():
    # A catalogue typed on a Russian keyboard tends to replace ә, ғ, қ… with а, г, к.
    text = " ".join(entry.msgstr for entry in catalogue("kk").translated_entries())
    assert set(text.lower()) >= KAZAKH_LETTERS
