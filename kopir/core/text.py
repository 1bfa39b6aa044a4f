"""Text helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import date as date_filter
from django.utils.translation import get_language


def reader_language() -> str:
    """The active language's two letters ("kk", "ru", "en"); Kazakh, the default, when none is
    active (a task, a command)."""
    return (get_language() or "kk")[:2]


def fold_for_search(*parts: str) -> str:
    """Fold text for matching: case folded (Cyrillic included), ё as е, spaces collapsed.

    SQLite's LIKE folds case for Latin letters only, so Kopir stores a folded copy of the names it
    searches and folds the query the same way; this is the one definition of "the same way".
    """
    return " ".join(" ".join(parts).casefold().replace("ё", "е").split())


def date_before_full_stop(value: Any, format_name: str = "DATE_FORMAT") -> str:
    """A date in the reader's language for the end of a sentence, whose own full stop follows.

    Russian writes a date "1 ноября 2028 г.", so "By {date}." read "До 1 ноября 2028 г.."; the
    abbreviation's dot is dropped here and the sentence's full stop closes both, as Russian
    typography does. Formats without a final dot (Kazakh "01.11.2028", English "Nov. 1, 2028")
    are unchanged. Templates use it as the `date_before_stop` filter; an empty value is "".
    """
    if value in (None, ""):
        return ""
    text = str(date_filter(value, format_name))
    return text[:-1] if text.endswith(".") else text


def half_for_reader(kazakh: Any, russian: Any, lang: str | None = None) -> str:
    """Which half of a text kept in Kazakh and in Russian a reader of `lang` (the active language
    when None) is shown, "kk" or "ru": the Russian one to a Russian reader, the Kazakh one to any
    other (Kazakh is the state language, so an English reader gets it too), and the other half
    when that one is empty, as a text is often entered in one language first. The one rule for
    the council's texts (`council/bilingual.py`) and the values staff notifications carry in both
    languages (`notices/kinds.py`)."""
    reader = (lang or reader_language())[:2]
    first, second = ("ru", "kk") if reader == "ru" else ("kk", "ru")
    halves = {"kk": str(kazakh or ""), "ru": str(russian or "")}
    return first if halves[first].strip() else second
