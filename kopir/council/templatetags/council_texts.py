"""Showing a text the council keeps in Kazakh and in Russian (`title`, `title_ru`) in the reader's
language: `{% load council_texts %}{{ item|bilingual_text:"title" }}`."""

from __future__ import annotations

from typing import Any

from django import template

from kopir.council.bilingual import in_reader_language, shown_language

register = template.Library()


@register.filter
def bilingual_text(record: Any, field: str) -> str:
    """The text of `field` in the active language, the other half when that one is empty."""
    if record is None or record == "":
        return ""
    return in_reader_language(record, field)


@register.filter
def bilingual_language(record: Any, field: str) -> str:
    """The language ("kk" or "ru") of the half `bilingual_text` shows, for the `lang` attribute
    of its element and for marking a text shown in the other language than the reader's."""
    if record is None or record == "":
        return ""
    return shown_language(record, field)


@register.filter
def sentence_end(text: Any) -> str:
    """`text` ending a sentence: a full stop added unless it ends with one already (a place
    written "Орал қ." must not end in two)."""
    text = str(text).rstrip()
    return text if not text or text.endswith((".", "!", "?", "…")) else f"{text}."
