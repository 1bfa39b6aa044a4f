"""The staff search: one box for every kind of record the apps register (`core/registry.py`).

Core imports no app: each app's `SearchKind` says who searches it, which of its records a user may
open and match the words, and how a found record is shown (and audited where it reaches personal
data). Core asks the kinds the user's roles call for, pages each and groups the hits by kind.

Matching words is case-insensitive in Kazakh and Russian on both databases (`contains_text`):
`LOWER()` on PostgreSQL, which folds Cyrillic under a UTF-8 ctype (Kopir's databases are
created so; under the plain C ctype only Latin letters fold), and on SQLite a Python `str.lower`
registered on each connection (`core/database_functions.py`), since SQLite's own `lower()` folds
ASCII only. Every word typed must be found, in any order, each without its Kazakh or Russian
case and number endings (`stem`). A word inside a text cannot use a B-tree index: each app first
narrows its rows by an indexed column (the councils the user sits in), and numbers are matched
exactly, on their unique index.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page
from django.db.models import F, Func, Q, TextField
from django.db.models.lookups import Contains, Exact
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from kopir.core.actors import is_signed_in
from kopir.core.registry import SearchHit, SearchKind, registry
from kopir.core.selectors import page_of

SQLITE_FOLD = "kopir_fold"
SHORTEST_QUERY = 2  # one letter would match nearly every record
LONGEST_QUERY = 100
HITS_PER_KIND = 5  # on the page of every kind; the kind's own page shows more
HITS_PER_PAGE = 20


def fold(text: str) -> str:
    """The text as the database compares it: lower case, Kazakh and Russian letters included."""
    return text.lower()


class Folded(Func):
    """A text column in lower case, Cyrillic included, on PostgreSQL and SQLite alike."""

    function = "LOWER"
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function=SQLITE_FOLD, **extra)


# Kazakh and Russian words change their ending with their grammatical case and number
# ("Қаратөбеде", "пандустарды", "заседании"), and a title holds the word in another form. So each
# word typed is looked for without its endings: Kazakh ones peeled one at a time (they stack:
# plural, possessive, case), then at most one Russian one, while at least STEM_LETTERS letters
# stay: a shorter stem is a fragment found inside unrelated longer words ("ымдау" cut to "ымда"
# is in "ұсынымдардың"), so a word of STEM_LETTERS letters or fewer is looked for whole.
STEM_LETTERS = 5


def _longest_first(endings: str) -> tuple[str, ...]:
    return tuple(sorted(set(endings.split()), key=len, reverse=True))


KAZAKH_ENDINGS = _longest_first(
    # locative-attributive, ablative, genitive, locative, dative, accusative, instrumental,
    # plural, third-person possessive
    "ндағы ндегі дағы дегі тағы тегі ынан інен нан нен дан ден тан тен ның нің дың дің тың тің"
    " нда нде да де та те ға ге қа ке на не ны ні ды ді ты ті менен мен бен пен"
    " лар лер дар дер тар тер сы сі ы і"
)
RUSSIAN_ENDINGS = _longest_first(
    "ами ями ого его ому ему ыми ими ах ях ов ев ей ой ый ий ая яя ое ее ом ем ам ям ию ия ие ии"
    " а я ы и у ю е о"
)


def _without_ending(word: str, endings: tuple[str, ...]) -> str | None:
    for ending in endings:
        if word.endswith(ending) and len(word) - len(ending) >= STEM_LETTERS:
            return word[: -len(ending)]
    return None


def stem(word: str) -> str:
    """The word without its case, number and possessive endings, never shorter than
    STEM_LETTERS letters; a word with a digit (a number) is kept whole."""
    if any(character.isdigit() for character in word):
        return word
    while (shorter := _without_ending(word, KAZAKH_ENDINGS)) is not None:
        word = shorter
    return _without_ending(word, RUSSIAN_ENDINGS) or word


def contains_text(text: str, *fields: str) -> Q:
    """Rows where every word of `text` is in one of `fields`, whatever the case of either and
    whatever the word's grammatical case (`stem`)."""
    condition = Q()
    for word in fold(text).split():
        wanted = stem(word)
        condition &= Q(*(Contains(Folded(F(name)), wanted) for name in fields), _connector=Q.OR)
    return condition


def equals_text(text: str, field: str) -> Q:
    """Rows whose `field` is `text` whatever the case (a number typed in lower case: "ө-2026-0001")."""
    return Q(Exact(Folded(F(field)), fold(text)))


@dataclass
class SearchGroup:
    """One kind's hits on the page shown, with the link to the kind's own pages when it has more."""

    key: str
    label: Any
    hits: list[SearchHit]
    page: Page[Any]
    more_url: str


def kinds_for(user: Any) -> list[SearchKind]:
    """The kinds of record the user's roles search (none: the user has no search)."""
    if not is_signed_in(user):
        return []
    return [kind for kind in registry.search_kinds() if kind.allowed(user)]


def may_search(user: Any) -> bool:
    return bool(kinds_for(user))


def search_groups(
    *,
    user: Any,
    text: str,
    kind_key: str = "",
    page_number: int | str | None = 1,
    request: HttpRequest | None = None,
) -> list[SearchGroup]:
    """The hits for `text`, grouped by kind in the registry's order, empty groups left out.

    Every kind the user searches shows its first hits; with `kind_key` only that kind, paged.
    Each kind costs a COUNT and one read of its page.
    """
    kinds = kinds_for(user)
    if kind_key:
        kinds = [kind for kind in kinds if kind.key == kind_key]
    groups = []
    for kind in kinds:
        rows = kind.find(user, text)
        if rows is None:
            continue
        page = (
            page_of(rows, HITS_PER_PAGE, page_number) if kind_key else page_of(rows, HITS_PER_KIND)
        )
        if not page.object_list:
            continue
        more_url = ""
        if not kind_key and page.has_next():
            more_url = f"{reverse('core:search')}?{urlencode({'q': text, 'kind': kind.key})}"
        hits = kind.shown(user, list(page.object_list), request)
        groups.append(SearchGroup(kind.key, kind.label, hits, page, more_url))
    return groups
