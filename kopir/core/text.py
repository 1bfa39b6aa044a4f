"""Text helpers shared by every app."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import date as date_filter


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
