"""Reads of persons. Every read of a person's data leaves an audit record in the same transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audited
from kopir.core.collation import CodePoint
from kopir.core.paging import CursorPage, cut_page, rows_past
from kopir.core.selectors import capped_count
from kopir.people.access import person_for_user, persons_for_user
from kopir.people.models import Person, name_search_key

PAGE_SIZE = 25
# The most matches a search counts: past it the page says "more than" and asks for more of the
# name, so no count walks every holder of a common surname (docs/performance.md).
COUNT_CAP = 1000
# Users paste IINs as printed on documents ("791028 302728"); spaces and dashes are not digits.
_IIN_SEPARATORS = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class PersonQuery:
    """A search query understood: an IIN (exact match) or name words (each must match)."""

    kind: str  # "by_iin" or "by_name"
    iin: str = ""
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonCursor:
    """Where the next page starts: after the person with this folded name and id ("4711,ким
    айгүл"). It travels in the search form's body, never in an address."""

    name: str
    pk: int

    def encode(self) -> str:
        return f"{self.pk},{self.name}"

    @classmethod
    def parse(cls, text: str | None) -> PersonCursor | None:
        """The cursor sent back by the form, or None when it is missing or malformed."""
        pk_text, separator, name = (text or "").partition(",")
        return cls(name, int(pk_text)) if separator and pk_text.isdigit() else None


@dataclass(frozen=True)
class PersonPage(CursorPage[Person]):
    """One page of a search (a `CursorPage` of persons), and how many match (counted up to
    `COUNT_CAP`; `capped` when there are more)."""

    count: int = 0
    capped: bool = False

    def __len__(self) -> int:
        return len(self.rows)


def parse_person_query(query: str) -> PersonQuery | None:
    """Decide whether a query is an IIN or a name. None when it is blank."""
    text = (query or "").strip()
    if not text:
        return None
    compact = _IIN_SEPARATORS.sub("", text)
    if compact.isdigit():
        return PersonQuery(kind="by_iin", iin=compact)
    return PersonQuery(kind="by_name", words=tuple(name_search_key(text).split()))


def person_matches(user: Any, parsed: PersonQuery | None) -> QuerySet[Person]:
    """The persons the user may see that match the query, in the page's order: by the folded
    name (surname, given name, patronymic) compared by code point, then id.

    An IIN matches exactly. Name words match case-insensitively: one of them must be the
    beginning of the surname, and every word must appear somewhere in the surname, given name or
    patronymic ("сәрсен әлия", "әлия сәрсен").

    Why the surname's beginning and the code-point order: the folded name starts with the folded
    surname, so "a word begins the surname" is a range of `person_search_key_idx`, an index on
    (`search_name` by code point, id) that also gives the page's order. The database walks it
    from the range's start, or from the cursor, probing each person for a link to the
    organisation, and stops after a page; where the organisation's links are fewer it reads them
    first (the planner decides, from the statistics). A word found only inside the name matched
    nothing an index can serve, and the page walked the registry (docs/performance.md).
    """
    persons = persons_for_user(user).select_related("territory")
    if parsed is None:
        return persons.none()
    name_key = CodePoint("search_name")
    if parsed.kind == "by_iin":
        persons = persons.filter(iin=parsed.iin)
    else:
        begins_surname = Q()
        for word in parsed.words:
            begins_surname |= Q(name_key__startswith=word)
        persons = persons.alias(name_key=name_key).filter(begins_surname)
        # One word: beginning the name already contains it. A second, redundant LIKE '%w%' made
        # the planner multiply two guesses and expect a handful of rows where a common surname
        # has tens of thousands (docs/performance.md, the surname search).
        if len(parsed.words) > 1:
            for word in parsed.words:
                persons = persons.filter(search_name__contains=word)
    return persons.order_by(name_key, "id")


def person_search(
    user: Any,
    query: str,
    after: PersonCursor | None = None,
    *,
    request: HttpRequest | None = None,
) -> PersonPage:
    """One page (25 persons) of the persons the user may see that match the query
    (`person_matches`), after `after`; how many match, counted up to `COUNT_CAP`.

    Paged by keyset on (folded name, id), so a later page costs what the first does, and
    counted with a cap, so a very large organisation (an MSE division linked to ~30,000
    persons) does not count every holder of a common surname on each page. The search is
    audited by kind only: the query itself may be a name or an IIN and must not be copied into
    the audit log.
    """
    parsed = parse_person_query(query)
    matches = person_matches(user, parsed)
    if after is not None:
        matches = rows_past(matches, CodePoint("search_name"), after.name, after.pk)
    with transaction.atomic():
        # Read the page's rows now, inside the transaction that records the search.
        rows = list(
            # The page's ids first, in order along the index (with the visibility map, index
            # entries and link probes only), then those persons' rows: the walk past persons
            # of other organisations reads no person's row (docs/performance.md).
            Person.objects.filter(pk__in=matches.values("pk")[: PAGE_SIZE + 1])
            .select_related("territory")
            .order_by(CodePoint("search_name"), "id")
        )
        counted = capped_count(person_matches(user, parsed), COUNT_CAP) if rows else 0
        if parsed is not None:
            audit_record(
                actor=user,
                action=AuditAction.SEARCH,
                target_type="people.person",
                request=request,
                detail=parsed.kind,
            )
    rows, next_cursor = cut_page(
        rows, PAGE_SIZE, lambda last: PersonCursor(last.search_name, last.pk).encode()
    )
    return PersonPage(
        rows=rows,
        count=min(counted, COUNT_CAP),
        capped=counted > COUNT_CAP,
        next_cursor=next_cursor,
        is_first=after is None,
    )


def person_read(user: Any, pk: int, request: HttpRequest | None = None) -> Person:
    """The person for display, with the read recorded (404/403 as `person_for_user` decides)."""
    with transaction.atomic():
        person = person_for_user(user, pk)
        audited(person, AuditAction.VIEW, actor=user, request=request)
    return person
