"""Alphabetical order as Kazakh and Russian readers expect it.

A database sorts by code point (SQLite always; PostgreSQL under the C or a non-ICU collation), which
puts Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І after Я, and "№ 10" before "№ 9". For the short lists people choose
from (organisations, territories) Kopir sorts in Python with `alphabet_key`, so the order is the
same on every database. A paged list is ordered by the database instead, by a column that keeps
each name's `alphabet_sort_text` (the same key written as a text) compared by code point
(`CodePoint`): the model computes it in Python when the name is saved, so both databases order
by exactly what `alphabet_key` says, numbers by their value included.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from typing import Any

from django import forms
from django.db.models import CharField, Func
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import SafeString

# The Kazakh Cyrillic alphabet: Russian's letters in the same order with Kazakh's among them, so
# one key serves both languages. Latin (English names) and other characters follow it.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LETTER_ORDER = {letter: index for index, letter in enumerate(KAZAKH_ALPHABET)}


# A run of digits, compared as the number it writes: "№ 9" before "№ 10" and "№ 32".
_DIGITS = re.compile(r"(\d+)")
# Ranks after the alphabet's letters: a number, then Latin and every other letter.
_NUMBER_RANK = len(KAZAKH_ALPHABET)
_OTHER_LETTER_RANK = _NUMBER_RANK + 1


# The same names are sorted on every page that lists them (660 executing organisations in the
# dashboards' filter: 15 ms a page to key them anew); a key is a pure function of the name.
@lru_cache(maxsize=8192)
def alphabet_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Sorts Kazakh and Russian names as their alphabets do, a space and punctuation before
    every letter (as a dictionary and the database's order have it: "Орал қаласы бойынша …"
    before "Орал қаласының …"), numbers after the letters and by their value ("№ 9 емхана"
    before "№ 10 емхана"), Latin and other letters last."""
    key: list[tuple[int, int, str]] = []
    for index, part in enumerate(_DIGITS.split(text.lower())):
        if index % 2:  # a run of digits (any script's: int reads them all)
            key.append((_NUMBER_RANK, int(part), part))
            continue
        key.extend(
            (_LETTER_ORDER[letter], 0, letter)
            if letter in _LETTER_ORDER
            else (_OTHER_LETTER_RANK if letter.isalnum() else -1, 0, letter)
            for letter in part
        )
    return tuple(key)


class AlphabeticalChoiceIterator(ModelChoiceIterator):
    """Yields the empty choice first, then the records by their label, alphabet-wise."""

    def __iter__(self) -> Iterator[Any]:
        choices = super().__iter__()
        if self.field.empty_label is not None:
            # Before any record is read: a select asks only for its first choice (whether it
            # may be `required`), and reading and sorting 660 records for it cost a query.
            yield next(choices)
        yield from sorted(choices, key=lambda choice: alphabet_key(str(choice[1])))


class LongSelect(forms.Select):
    """A select of hundreds of records without groups, its options written at once: the
    template Django includes once per option, and the dictionary it builds for each (a copy of
    the widget's attributes among it), cost the dashboards' filter of 660 executing
    organisations 20-40 ms a page. The same markup."""

    template_name = "core/widgets/long_select.html"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = forms.Widget.get_context(self, name, value, attrs)  # not the option groups
        chosen = set(context["widget"]["value"])
        options = []
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            # The first option of the value only, as Django's select marks it.
            selected = " selected" if text in chosen else ""
            chosen.discard(text)
            # Escaped as Django's `escape` does (html.escape of the text, quotes included).
            options.append(
                f'\n  <option value="{escape(text)}"{selected}>{escape(str(label))}</option>'
            )
        context["widget"]["options"] = SafeString("".join(options))
        return context


class AlphabeticalModelChoiceField(forms.ModelChoiceField):
    """A choice of records listed by their label in the active language, alphabet-wise (the
    label is read when the form is shown, so each language gets its own order)."""

    iterator = AlphabeticalChoiceIterator
    widget = LongSelect


# `alphabet_sort_text` writes each item of the key as characters whose code points compare as the
# item does: its rank first (a space or punctuation, each letter of the alphabet, a number, any
# other letter), then what orders items of the same rank. No item's text is the beginning of
# another's, so two names' texts compare as their keys do, item by item.
_RANK_BASE = 0x22  # rank -1 (a space, punctuation) is "!", the alphabet's "а" is '"'
_NUMBER_END = " "  # before every digit: "0" before "00", as the key has it


def alphabet_sort_text(text: str) -> str:
    """`alphabet_key(text)` as a text that sorts by code point exactly as the key sorts: for a
    column a database orders by (`CodePoint`), so a paged list agrees with the choice lists.

    A number is its count of digits, its value's digits and the digits as written ("№ 9" before
    "№ 10"; "09" before "9", the key's tie-break); any other character keeps its own code point
    after its rank. Stored, it is kept once a name is saved: a change to `alphabet_key` needs a
    migration that writes the stored texts again."""
    parts: list[str] = []
    for rank, value, written in alphabet_key(text):
        parts.append(chr(_RANK_BASE + rank))
        if rank == _NUMBER_RANK:
            digits = str(value)
            parts.append(f"{chr(0x30 + len(digits))}{digits}{written}{_NUMBER_END}")
        elif rank < 0 or rank == _OTHER_LETTER_RANK:  # a letter's rank says which letter
            parts.append(written)
    return "".join(parts)


class CodePoint(Func):
    """A text compared by code point, on every database: `COLLATE "C"` on PostgreSQL, `BINARY`
    (SQLite's own order, the same for UTF-8) on SQLite, which has no "C".

    For a key that is already folded (`Person.search_name`): one index on `CodePoint(field)`
    with the default operator class serves both a prefix range (`LIKE 'x%'` needs a "C" index
    on PostgreSQL) and `ORDER BY` it, so a page can be read in index order and stop after its
    rows (docs/performance.md, the surname search). Not Django's `Collate`, whose collation is
    one name for every database (and which an index accepts only outermost)."""

    template = '((%(expressions)s) COLLATE "C")'
    arity = 1
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="((%(expressions)s) COLLATE BINARY)", **extra
        )
