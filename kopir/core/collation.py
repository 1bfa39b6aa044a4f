"""Alphabetical order as Kazakh and Russian readers expect it.

A database sorts by code point (SQLite always; PostgreSQL under the C or a non-ICU collation), which
puts Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І after Я. For the short lists people choose from (organisations,
territories) Kopir sorts in Python with `alphabet_key`, so the order is the same on every database.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator

# The Kazakh Cyrillic alphabet: Russian's letters in the same order with Kazakh's among them, so
# one key serves both languages. Latin (English names) and other characters follow it.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LETTER_ORDER = {letter: index for index, letter in enumerate(KAZAKH_ALPHABET)}


def alphabet_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sorts Kazakh and Russian names as their alphabets do; other characters after them."""
    return tuple(
        (_LETTER_ORDER[letter], letter)
        if letter in _LETTER_ORDER
        else (len(KAZAKH_ALPHABET), letter)
        for letter in text.lower()
    )


class AlphabeticalChoiceIterator(ModelChoiceIterator):
    """Yields the empty choice first, then the records by their label, alphabet-wise."""

    def __iter__(self) -> Iterator[Any]:
        choices = list(super().__iter__())
        blank = [choice for choice in choices if choice[0] == ""]
        rest = [choice for choice in choices if choice[0] != ""]
        yield from blank
        yield from sorted(rest, key=lambda choice: alphabet_key(str(choice[1])))


class AlphabeticalModelChoiceField(forms.ModelChoiceField):
    """A choice of records listed by their label in the active language, alphabet-wise (the
    label is read when the form is shown, so each language gets its own order)."""

    iterator = AlphabeticalChoiceIterator
