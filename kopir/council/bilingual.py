"""The council's texts kept in Kazakh and in Russian: the unsuffixed field holds the Kazakh text,
`<field>_ru` the Russian one (services/minutes_texts.py lists the pairs of a meeting's record).

`in_language` reads one half, for a document that must be in one language (the minutes);
`in_reader_language` the half for the reader, falling back to the other one, for pages, notices
and calendar files (in templates the `bilingual_text` filter of `council_texts`, which marks a
half shown in another language than the page's with `lang`, as `other_language_shown` says).
"""

from __future__ import annotations

from typing import Any

from kopir.core.text import half_for_reader, reader_language


def in_language(record: Any, field: str, lang: str) -> str:
    """The text of `field` in `lang`: `field` itself is the Kazakh text, `field_ru` the Russian."""
    return str(getattr(record, field if lang == "kk" else f"{field}_ru") or "")


def in_reader_language(record: Any, field: str, lang: str | None = None) -> str:
    """The text of `field` for a reader of `lang` (the active language when None): its Russian
    half for a Russian reader, its Kazakh half otherwise (Kazakh is the state language, so an
    English reader gets it too), and the other half when that one is empty, as a text is often
    entered in one language first. Pages, notices and calendar files show a pair with this (in
    templates through the `bilingual_text` filter of `council_texts`); the minutes, which must
    be in one language, use `in_language`."""
    return in_language(record, field, shown_language(record, field, lang))


def shown_language(record: Any, field: str, lang: str | None = None) -> str:
    """Which half of `field` `in_reader_language` shows a reader of `lang`: "kk" or "ru"."""
    return half_for_reader(in_language(record, field, "kk"), in_language(record, field, "ru"), lang)


def other_language_shown(record: Any, field: str) -> str:
    """The language of the half `in_reader_language` shows the active language's reader when it
    is not that language ("kk" on a Russian or an English page), else "": what a page marks with
    `lang` so the text is read aloud in its own language."""
    page = reader_language()
    shown = shown_language(record, field, page)
    return shown if shown != page else ""
