"""Showing a text the council keeps in Kazakh and in Russian (`title`, `title_ru`) in the reader's
language: `{% load council_texts %}{{ item|bilingual_text:"title" }}`.

On an HTML page a half shown in another language than the page's (the Kazakh one on a Russian
page where no Russian was written, either half on an English page) is marked `<span lang="…">`, so a
screen reader pronounces it in its language (WCAG 3.1.2). What follows the filter must therefore
be safe on markup: `truncatechars_html`, not `truncatechars`; `striptags` where no element can be
(the page's `<title>`). In a plain text (a notice, a calendar file: autoescape off) it is the text.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import strip_tags
from django.utils.safestring import SafeData

from kopir.council.bilingual import in_reader_language, marked_for_page, shown_language

register = template.Library()


@register.filter(needs_autoescape=True)
def bilingual_text(record: Any, field: str, autoescape: bool = True) -> str:
    """The text of `field` in the active language, the other half when that one is empty; in
    HTML, escaped, and a half not in the page's language inside an element saying which."""
    if record is None or record == "":
        return ""
    if not autoescape:
        return in_reader_language(record, field)
    return marked_for_page(record, field)


@register.filter
def bilingual_language(record: Any, field: str) -> str:
    """The language ("kk" or "ru") of the half `bilingual_text` shows, for the `lang` attribute
    of its element and for marking a text shown in the other language than the reader's."""
    if record is None or record == "":
        return ""
    return shown_language(record, field)


@register.filter(is_safe=True)
def sentence_end(text: Any) -> str:
    """`text` ending a sentence: a full stop added unless it ends with one already (a place
    written "Орал қ." must not end in two). The text `bilingual_text` marked up is judged by what
    it says; it stays marked safe (`is_safe`), the full stop after its element."""
    said = str(text).rstrip()
    if isinstance(text, SafeData):
        said = strip_tags(said).rstrip()
    text = str(text).rstrip()
    return text if not said or said.endswith((".", "!", "?", "…")) else f"{text}."
