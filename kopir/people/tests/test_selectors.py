"""Searching and reading persons: what is found, in what order, and what the audit log keeps."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.directory.models import Organisation, Territory
from kopir.people import selectors
from kopir.people.models import LinkBasis, Person
from kopir.people.selectors import (
    PAGE_SIZE,
    PersonCursor,
    parse_person_query,
    person_read,
    person_search,
)
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory

pytestmark = pytest.mark.django_db


def linked(organisation: Organisation, territory: Territory, **fields: object) -> Person:
    person = PersonFactory.create(territory=territory, registered_by=organisation, **fields)
    PersonLinkFactory.create(person=person, organisation=organisation, basis=LinkBasis.ATTACHED)
    return person


def test_an_iin_finds_exactly_that_person(
    clinician: User, clinic: Organisation, territory: Territory, person: Person
) -> None:
    linked(clinic, territory)
    page = person_search(clinician, person.iin)
    assert list(page) == [person]


def test_an_iin_typed_with_spaces_still_matches(clinician: User, person: Person) -> None:
    spaced = f"{person.iin[:6]} {person.iin[6:]}"
    assert list(person_search(clinician, spaced)) == [person]


def test_a_name_query_is_the_beginning_of_a_surname_ignoring_case(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    aliya = linked(clinic, territory, last_name="Сәрсенбаева", first_name="Әлия")
    kuanysh = linked(clinic, territory, last_name="Омаров", first_name="Қуаныш", patronymic="")
    linked(clinic, territory, last_name="Иванова", first_name="Анна", patronymic="Петровна")
    assert list(person_search(clinician, "СӘРСЕН")) == [aliya]
    assert list(person_search(clinician, "омар")) == [kuanysh]
    # A given name or a patronymic alone begins no surname ("Қуанышқызы" is Әлия's patronymic).
    assert list(person_search(clinician, "әли")) == []
    assert list(person_search(clinician, "қуаныш")) == []
    # Inside a surname is not its beginning.
    assert list(person_search(clinician, "баева")) == []


def test_one_word_is_one_condition_on_the_name(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    # Beginning the name implies containing the word: a second LIKE '%w%' only made PostgreSQL
    # multiply two guesses and misjudge a common surname's range (docs/performance.md).
    aliya = linked(clinic, territory, last_name="Сәрсенбаева", first_name="Әлия")
    with CaptureQueriesContext(connection) as queries:
        assert list(person_search(clinician, "сәрсен")) == [aliya]
    page_sql = [query["sql"] for query in queries if "ORDER BY" in query["sql"]]
    assert page_sql, "the page's query was not seen"
    assert page_sql[0].count("LIKE") == 1


def test_the_other_words_match_any_name_part_in_any_order(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    aliya = linked(clinic, territory, last_name="Сәрсенбаева", first_name="Әлия")
    assert list(person_search(clinician, "сәрсен әли")) == [aliya]
    assert list(person_search(clinician, "әлия сәрсенбаева")) == [aliya]
    assert list(person_search(clinician, "сәрсен қуанышқызы")) == [aliya]
    assert list(person_search(clinician, "сәрсен динара")) == []


def test_several_words_must_all_match(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    aliya = linked(clinic, territory, last_name="Сәрсенбаева", first_name="Әлия")
    linked(clinic, territory, last_name="Сәрсенбаева", first_name="Динара")
    assert list(person_search(clinician, "сәрсенбаева әлия")) == [aliya]


def test_yo_and_ye_match_each_other(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    fyodorov = linked(clinic, territory, last_name="Фёдоров", first_name="Пётр", sex="male")
    assert list(person_search(clinician, "федоров петр")) == [fyodorov]


def test_results_are_ordered_by_name(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    b = linked(clinic, territory, last_name="Ахметова", first_name="Дана", patronymic="Ерланқызы")
    c = linked(clinic, territory, last_name="Ахметова", first_name="Дана", patronymic="Ерланқызы")
    a = linked(clinic, territory, last_name="Ахметова", first_name="Айжан", patronymic="Ерланқызы")
    first = linked(clinic, territory, last_name="Ахметов", first_name="Ерлан", sex="male")
    # Surname, given name, patronymic; namesakes in the order they were registered.
    assert list(person_search(clinician, "ахмет")) == [first, a, b, c]


def test_search_finds_only_linked_persons(
    clinician: User, person: Person, stranger: Person
) -> None:
    assert list(person_search(clinician, stranger.iin)) == []
    assert list(person_search(clinician, stranger.last_name)) == []


def test_results_come_in_pages_of_25_each_after_the_last_row_of_the_one_before(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    # Namesakes: the cursor's name is the same for all, so id alone places the next page.
    namesakes = [linked(clinic, territory) for _ in range(PAGE_SIZE + 3)]
    first = person_search(clinician, "сәрсен")
    assert (len(first), first.count, first.capped, first.is_first) == (PAGE_SIZE, 28, False, True)
    assert first.next_cursor == f"{namesakes[24].pk},сәрсенбаева әлия қуанышқызы"
    second = person_search(clinician, "сәрсен", PersonCursor.parse(first.next_cursor))
    assert list(first) + list(second) == namesakes
    # The last page: the count is still the whole search's, and no page follows.
    assert (len(second), second.count, second.next_cursor, second.is_first) == (3, 28, None, False)


def test_the_next_page_continues_by_name_then_id(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    later = linked(clinic, territory, last_name="Сәрсенов", first_name="Бақыт")
    earlier = linked(clinic, territory, last_name="Сәрсенбаев", first_name="Асқар")
    cursor = PersonCursor(earlier.search_name, earlier.pk)
    assert list(person_search(clinician, "сәрсен", cursor)) == [later]
    # A namesake registered after the cursor's person (a higher id) follows it, before the
    # next name.
    namesake = linked(clinic, territory, last_name="Сәрсенбаев", first_name="Асқар")
    assert list(person_search(clinician, "сәрсен", cursor)) == [namesake, later]


def test_a_malformed_cursor_gives_the_first_page(
    clinician: User, clinic: Organisation, territory: Territory
) -> None:
    person = linked(clinic, territory)
    for text in ("", "сәрсен", "x,сәрсен", "-1,сәрсен"):
        assert PersonCursor.parse(text) is None
    assert list(person_search(clinician, "сәрсен", PersonCursor.parse("x,y"))) == [person]


def test_the_count_stops_past_the_cap_and_says_so(
    clinician: User, clinic: Organisation, territory: Territory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    for _ in range(3):
        linked(clinic, territory)
    exactly = person_search(clinician, "сәрсен")
    assert (exactly.count, exactly.capped) == (3, False)
    linked(clinic, territory)
    more = person_search(clinician, "сәрсен")
    # Four match: counted as far as the cap and one more, shown as "more than 3"; every match
    # is still listed.
    assert (more.count, more.capped, len(more)) == (3, True, 4)
    with CaptureQueriesContext(connection) as queries:
        person_search(clinician, "сәрсен")
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]


def test_a_search_is_audited_by_kind_without_the_query(clinician: User, person: Person) -> None:
    person_search(clinician, person.iin)
    person_search(clinician, person.last_name)
    events = list(AuditEvent.objects.filter(action=AuditAction.SEARCH).order_by("id"))
    assert [e.detail for e in events] == ["by_iin", "by_name"]
    for event in events:
        assert event.actor == clinician
        assert person.iin not in event.detail
        assert person.last_name not in event.detail
        assert event.fields == []


def test_an_empty_query_finds_nobody_and_is_not_audited(clinician: User, person: Person) -> None:
    assert list(person_search(clinician, "  ")) == []
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_a_council_member_searching_finds_nobody(council_member: User, person: Person) -> None:
    assert list(person_search(council_member, person.iin)) == []


def test_reading_a_person_writes_a_view_record(clinician: User, person: Person) -> None:
    assert person_read(clinician, person.pk) == person
    event = AuditEvent.objects.get(action=AuditAction.VIEW)
    assert (event.actor, event.target_type, event.target_id) == (
        clinician,
        "people.person",
        str(person.pk),
    )


def test_a_refused_read_leaves_no_view_record(
    clinician: User, council_member: User, stranger: Person
) -> None:
    with pytest.raises(Http404):
        person_read(clinician, stranger.pk)
    with pytest.raises(PermissionDenied):
        person_read(council_member, stranger.pk)
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.parametrize(
    ("query", "kind"),
    [("791028302728", "by_iin"), ("791028 302728", "by_iin"), ("Әлия", "by_name")],
)
def test_queries_are_told_apart(query: str, kind: str) -> None:
    parsed = parse_person_query(query)
    assert parsed is not None
    assert parsed.kind == kind
