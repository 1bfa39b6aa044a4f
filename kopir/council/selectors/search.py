"""The council's records in the staff search (`core/search.py`): meetings, agenda items, decisions,
recommendations, petitions, letters and monitoring visits.

Only the councils the user reads are searched (`access.councils_for_user`: their secretary, or a
seated member), through each table's indexed council column. Numbers match exactly, words
anywhere in a title or text, its Kazakh or its Russian half, whatever their case. A hit shows a
record's number, title and date, never a petitioner: petitions hold personal data, so the
petitions a search shows are audited. A title kept in Kazakh and Russian is shown in the reader's
language, the other half where that one is empty (`bilingual.in_reader_language`, as the pages
show it), and says its language when it is not the page's.
Each kind is one `CouncilSearch` row: what it matches, how its hit reads, where it links.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopir.audit.services import audit_search_reach
from kopir.core.registry import SearchHit, SearchKind
from kopir.core.search import contains_text, equals_text
from kopir.council.access import can_open_councils, councils_for_user
from kopir.council.bilingual import in_reader_language, other_language_shown
from kopir.council.models import (
    AgendaItem,
    Decision,
    Letter,
    Meeting,
    MonitoringVisit,
    Petition,
    Recommendation,
)

TITLE_LENGTH = 120


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(TITLE_LENGTH)


def _numbered(number: str, text: str) -> str:
    return f"{number} — {_short(text)}"


def _meeting_number(text: str) -> Q:
    """A meeting's number as typed: "3" or "№3"."""
    digits = text.removeprefix("№").strip()
    return Q(number=int(digits)) if digits.isdigit() and len(digits) < 9 else Q(pk__in=[])


def _meeting_title(meeting: Meeting) -> str:
    organisation = meeting.council.organisation
    return gettext("Meeting No. %(number)s, %(council)s") % {
        "number": meeting.number,
        "council": organisation.short_name or organisation.name,
    }


def _agenda_item_url(item: AgendaItem) -> str:
    meeting = item.meeting
    return reverse("council:agenda_item_detail", args=[meeting.council.slug, meeting.pk, item.pk])


def _detail_url(url_name: str) -> Callable[[Any], str]:
    return lambda record: reverse(url_name, args=[record.council.slug, record.pk])


@dataclass(frozen=True)
class CouncilSearch:
    """One kind of council record in the search. `council` is the path to the record's council;
    `number` matches the words typed as a whole number, `words` the fields a word is looked
    for in; `related` is read with the record for its hit; `bilingual` names the field kept in
    Kazakh and Russian whose half the title shows, so the hit can say its language."""

    key: str
    label: str | Promise
    model: type[Model]
    council: str
    words: tuple[str, ...]
    related: str
    order_by: tuple[str, ...]
    title: Callable[[Any], str]
    date: Callable[[Any], dt.date | dt.datetime | None]
    url: Callable[[Any], str]
    number: Callable[[str], Q] | None = None
    audited: bool = False
    bilingual: str = ""

    def language(self, record: Any) -> str:
        """The language of the record's title when it is not the page's ("" when it is)."""
        return other_language_shown(record, self.bilingual) if self.bilingual else ""

    def find(self, user: Any, text: str) -> QuerySet[Any]:
        matches = contains_text(text, *self.words)
        if self.number is not None:
            matches |= self.number(text)
        councils = councils_for_user(user).values("pk")
        return (
            self.model._default_manager.filter(**{f"{self.council}__in": councils})
            .filter(matches)
            .select_related(self.related)
            .order_by(*self.order_by)
        )

    def shown(self, user: Any, records: list[Any], request: HttpRequest | None) -> list[SearchHit]:
        if self.audited:
            audit_search_reach(actor=user, records=records, request=request)
        return [
            SearchHit(self.title(r), self.date(r), self.url(r), lang=self.language(r))
            for r in records
        ]

    def kind(self, order: int) -> SearchKind:
        return SearchKind(self.key, self.label, can_open_councils, self.find, self.shown, order)


def _number_equals(text: str) -> Q:
    return equals_text(text, "number")


SEARCHES = (
    CouncilSearch(
        "council.meetings",
        _("Meetings"),
        Meeting,
        council="council",
        words=("place", "place_ru"),
        number=_meeting_number,
        related="council__organisation",
        order_by=("-starts_at", "-pk"),
        title=_meeting_title,
        date=lambda meeting: meeting.starts_at,
        url=_detail_url("council:meeting_detail"),
    ),
    CouncilSearch(
        "council.agenda_items",
        _("Agenda items"),
        AgendaItem,
        council="meeting__council",
        words=("title", "description", "title_ru", "description_ru"),
        related="meeting__council",
        order_by=("-meeting__starts_at", "-pk"),
        title=lambda item: _short(in_reader_language(item, "title")),
        date=lambda item: item.meeting.starts_at,
        url=_agenda_item_url,
        bilingual="title",
    ),
    CouncilSearch(
        "council.decisions",
        _("Decisions"),
        Decision,
        council="agenda_item__meeting__council",
        words=("text", "text_ru"),
        related="agenda_item__meeting__council",
        order_by=("-agenda_item__meeting__starts_at", "-pk"),
        title=lambda decision: _short(in_reader_language(decision, "text")),
        date=lambda decision: decision.agenda_item.meeting.starts_at,
        url=lambda decision: _agenda_item_url(decision.agenda_item),
        bilingual="text",
    ),
    CouncilSearch(
        "council.recommendations",
        _("Recommendations"),
        Recommendation,
        council="council",
        words=("text", "text_ru"),
        number=_number_equals,
        related="council",
        order_by=("-pk",),
        title=lambda item: _numbered(item.number, in_reader_language(item, "text")),
        date=lambda item: item.sent_on,
        url=_detail_url("council:recommendation_detail"),
        bilingual="text",
    ),
    # The petitioner's name and contacts are not searched: a search is not a way to look people up.
    CouncilSearch(
        "council.petitions",
        _("Petitions"),
        Petition,
        council="council",
        words=("subject",),
        number=_number_equals,
        related="council",
        order_by=("-received_on", "-pk"),
        title=lambda petition: _numbered(petition.number, petition.subject),
        date=lambda petition: petition.received_on,
        url=_detail_url("council:petition_detail"),
        audited=True,
    ),
    CouncilSearch(
        "council.letters",
        _("Letters"),
        Letter,
        council="council",
        words=("subject", "summary", "subject_ru", "summary_ru"),
        number=_number_equals,
        related="council",
        order_by=("-sent_on", "-pk"),
        title=lambda letter: _numbered(letter.number, in_reader_language(letter, "subject")),
        date=lambda letter: letter.sent_on,
        url=_detail_url("council:letter_detail"),
        bilingual="subject",
    ),
    CouncilSearch(
        "council.visits",
        _("Monitoring visits"),
        MonitoringVisit,
        council="council",
        words=("purpose", "purpose_ru", "findings"),
        related="council",
        order_by=("-visited_on", "-pk"),
        title=lambda visit: _short(in_reader_language(visit, "purpose")),
        date=lambda visit: visit.visited_on,
        url=_detail_url("council:visit_detail"),
        bilingual="purpose",
    ),
)


def search_kinds() -> tuple[SearchKind, ...]:
    """What this app offers the staff search (registered in `apps.py`)."""
    return tuple(search.kind(800 + index) for index, search in enumerate(SEARCHES))
