"""Alphabetical order as Kazakh and Russian readers expect it.

A database sorts by code point (SQLite always; PostgreSQL under the C or a non-ICU collation), which
puts Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ, І after Я. For the short lists people choose from (organisations,
territories) Kopir sorts in Python with `alphabet_key`, so the order is the same on every database.
A paged list is ordered by the database instead, by `AlphabeticalOrder`: the name in lower case
with each Cyrillic letter replaced by a character standing in its place in the alphabet, compared
by code point (`COLLATE "C"` on PostgreSQL; on SQLite the same mapping in Python, registered on
each connection by `core/database_functions.py`). Digits and Latin letters come before Cyrillic
there, where `alphabet_key` puts them after, and digits compare one by one there ("№ 10" before
"№ 9"), where `alphabet_key` reads a number by its value; Kazakh and Russian names are in the
same order, a space before any letter in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from html import escape
from typing import Any

from django import forms
from django.db.models import CharField, Func, Value
from django.db.models.functions import Lower
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import SafeString

# The Kazakh Cyrillic alphabet: Russian's letters in the same order with Kazakh's among them, so
# one key serves both languages. Latin (English names) and other characters follow it.
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
_LETTER_ORDER = {letter: index for index, letter in enumerate(KAZAKH_ALPHABET)}
# Characters after every ASCII one, in the alphabet's order: one stands for each letter.
_STAND_INS = "".join(chr(0x0100 + index) for index in range(len(KAZAKH_ALPHABET)))
_TO_STAND_INS = str.maketrans(KAZAKH_ALPHABET, _STAND_INS)
SQLITE_ALPHABET = "kopir_alphabet"


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


def alphabetical_text(text: str | None) -> str | None:
    """The text as `AlphabeticalOrder` compares it (SQLite's function, and PostgreSQL's SQL)."""
    return None if text is None else text.lower().translate(_TO_STAND_INS)


class AlphabeticalOrder(Func):
    """Orders rows by a name as the Kazakh and Russian alphabets do, on every database:
    `order_by(AlphabeticalOrder("name_kk"), "pk")`."""

    function = "translate"
    output_field = CharField()

    def __init__(self, expression: Any) -> None:
        super().__init__(Lower(expression), Value(KAZAKH_ALPHABET), Value(_STAND_INS))

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = super().as_sql(compiler, connection, **extra)
        return f'({sql}) COLLATE "C"', params

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # SQLite has no translate(): the Python mapping registered on the connection does it.
        (lowered, *_mapping) = self.get_source_expressions()
        sql, params = compiler.compile(lowered.get_source_expressions()[0])
        return f"{SQLITE_ALPHABET}({sql})", params


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
