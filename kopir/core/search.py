"""The staff search: one box for every kind of record the apps register (`core/registry.py`).

Core imports no app: each app's `SearchKind` says who searches it, which of its records a user may
open and match the words, and how a found record is shown (and audited where it reaches personal
data). Core asks the kinds the user's roles call for, pages each and groups the hits by kind.

Matching words is case-insensitive in Kazakh and Russian on both databases (`contains_text`):
`LOWER()` on PostgreSQL, which folds Cyrillic under a UTF-8 ctype (Kopir's databases are
created so; under the plain C ctype only Latin letters fold), and on SQLite a Python `str.lower`
registered on each connection (`core/database_functions.py`), since SQLite's own `lower()` folds
ASCII only. A word inside a
text cannot use a B-tree index: each app first narrows its rows by an indexed column (the
councils the user sits in), and numbers are matched exactly, on their unique index.
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


def contains_text(text: str, *fields: str) -> Q:
    """Rows where any of `fields` holds `text`, whatever the case of either."""
    wanted = fold(text)
    return Q(*(Contains(Folded(F(name)), wanted) for name in fields), _connector=Q.OR)


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
    if not getattr(user, "is_authenticated", False):
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
