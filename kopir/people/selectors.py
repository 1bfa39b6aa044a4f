"""Reads of persons. Every read of a person's data leaves an audit record in the same transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audited
from kopir.people.access import person_for_user, persons_for_user
from kopir.people.models import Person, name_search_key

PAGE_SIZE = 25
# Users paste IINs as printed on documents ("791028 302728"); spaces and dashes are not digits.
_IIN_SEPARATORS = re.compile(r"[\s\-]")


@dataclass(frozen=True)
class PersonQuery:
    """A search query understood: an IIN (exact match) or name words (each must match)."""

    kind: str  # "by_iin" or "by_name"
    iin: str = ""
    words: tuple[str, ...] = ()


def parse_person_query(query: str) -> PersonQuery | None:
    """Decide whether a query is an IIN or a name. None when it is blank."""
    text = (query or "").strip()
    if not text:
        return None
    compact = _IIN_SEPARATORS.sub("", text)
    if compact.isdigit():
        return PersonQuery(kind="by_iin", iin=compact)
    return PersonQuery(kind="by_name", words=tuple(name_search_key(text).split()))


def person_search(
    user: Any, query: str, page: int | str | None = 1, *, request: HttpRequest | None = None
) -> Page[Person]:
    """One page (25 persons, by name) of the persons the user may see that match the query.

    An IIN matches exactly. Name words match case-insensitively: one of them must be the
    beginning of the surname, and every word must appear somewhere in the surname, given name or
    patronymic ("сәрсен әлия", "әлия сәрсен"). The search is audited by kind only: the query
    itself may be a name or an IIN and must not be copied into the audit log.

    Why the surname's beginning: the folded name starts with the folded surname, so "a word
    begins the surname" is a range of `person_search_name_idx` (its pattern operator class serves
    the range, not the page's order), or the organisation's links are read first when they are
    fewer (the planner decides, from the statistics); a word found only inside the name matched
    nothing an index can serve, and the page walked the registry for the organisation's persons
    (docs/performance.md).
    """
    parsed = parse_person_query(query)
    persons = persons_for_user(user).select_related("territory")
    if parsed is None:
        persons = persons.none()
    elif parsed.kind == "by_iin":
        persons = persons.filter(iin=parsed.iin)
    else:
        begins_surname = Q()
        for word in parsed.words:
            begins_surname |= Q(search_name__startswith=word)
        persons = persons.filter(begins_surname)
        # One word: beginning the name already contains it. A second, redundant LIKE '%w%' made
        # the planner multiply two guesses and expect a handful of rows where a common surname
        # has tens of thousands (docs/performance.md, the surname search).
        if len(parsed.words) > 1:
            for word in parsed.words:
                persons = persons.filter(search_name__contains=word)
    # By the folded name (surname, given name, patronymic), then id for a stable page.
    persons = persons.order_by("search_name", "id")
    with transaction.atomic():
        result = Paginator(persons, PAGE_SIZE).get_page(page)
        # Force the page's rows now, inside the transaction that records the search.
        list(result.object_list)
        if parsed is not None:
            audit_record(
                actor=user,
                action=AuditAction.SEARCH,
                target_type="people.person",
                request=request,
                detail=parsed.kind,
            )
    return result


def person_read(user: Any, pk: int, request: HttpRequest | None = None) -> Person:
    """The person for display, with the read recorded (404/403 as `person_for_user` decides)."""
    with transaction.atomic():
        person = person_for_user(user, pk)
        audited(person, AuditAction.VIEW, actor=user, request=request)
    return person
