"""The council's texts kept in Kazakh and in Russian: the unsuffixed field holds the Kazakh text,
`<field>_ru` the Russian one (services/minutes_texts.py lists the pairs of a meeting's record).

`in_language` reads one half, for a document that must be in one language (the minutes);
`in_reader_language` the half for the reader, falling back to the other one, for pages, notices
and calendar files; `marked_for_page` the same half for an HTML page, a half shown in another
language than the page's marked with `lang` as `other_language_shown` says (in templates the
`bilingual_text` filter of `council_texts`; the dossier's timeline).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

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


def marked_for_page(
    record: Any, field: str, *, shorten: Callable[[str], str] | None = None
) -> SafeString:
    """`in_reader_language` for an HTML page in the active language (`shorten` applied to the
    text first, if given): escaped, and a half not in the page's language inside
    `<span lang="…">`, so a screen reader pronounces it in its own language (WCAG 3.1.2)."""
    text = in_reader_language(record, field)
    if shorten is not None:
        text = shorten(text)
    language = other_language_shown(record, field)
    if text and language:
        return format_html('<span lang="{}">{}</span>', language, text)
    return conditional_escape(text)
