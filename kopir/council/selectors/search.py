"""The council's records in the staff search (`core/search.py`): meetings, agenda items, decisions,
recommendations, petitions, letters and monitoring visits.

Only the councils the user reads are searched (`access.councils_for_user`: their secretary, or a
seated member), through each table's indexed council column. Numbers match exactly, words
anywhere in a title or text whatever their case. A hit shows a record's number, title and date,
never a petitioner: petitions hold personal data, so the petitions a search shows are audited.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record_many
from kopir.core.registry import SearchHit, SearchKind
from kopir.core.search import contains_text, equals_text
from kopir.council.access import can_open_councils, councils_for_user
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


def _readable_councils(user: Any) -> QuerySet[Any]:
    return councils_for_user(user).values("pk")


def _as_number(text: str) -> int | None:
    """A meeting's number as typed: "3" or "№3"."""
    digits = text.removeprefix("№").strip()
    return int(digits) if digits.isdigit() and len(digits) < 9 else None


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(TITLE_LENGTH)


def _council_name(council: Any) -> str:
    return str(council.organisation.short_name or council.organisation.name)


# --- Meetings -----------------------------------------------------------------------------------


def find_meetings(user: Any, text: str) -> QuerySet[Meeting]:
    number = _as_number(text)
    matches = contains_text(text, "place")
    if number is not None:
        matches |= Q(number=number)
    return (
        Meeting.objects.filter(council__in=_readable_councils(user))
        .filter(matches)
        .select_related("council__organisation")
        .order_by("-starts_at", "-pk")
    )


def show_meetings(
    user: Any, meetings: list[Meeting], request: HttpRequest | None
) -> list[SearchHit]:
    return [
        SearchHit(
            gettext("Meeting No. %(number)s, %(council)s")
            % {"number": meeting.number, "council": _council_name(meeting.council)},
            meeting.starts_at,
            reverse("council:meeting_detail", args=[meeting.council.slug, meeting.number]),
        )
        for meeting in meetings
    ]


# --- Agenda items and decisions -----------------------------------------------------------------


def find_agenda_items(user: Any, text: str) -> QuerySet[AgendaItem]:
    return (
        AgendaItem.objects.filter(meeting__council__in=_readable_councils(user))
        .filter(contains_text(text, "title", "description"))
        .select_related("meeting__council")
        .order_by("-meeting__starts_at", "-pk")
    )


def _agenda_item_url(item: AgendaItem) -> str:
    meeting = item.meeting
    return reverse(
        "council:agenda_item_detail", args=[meeting.council.slug, meeting.number, item.pk]
    )


def show_agenda_items(
    user: Any, items: list[AgendaItem], request: HttpRequest | None
) -> list[SearchHit]:
    return [
        SearchHit(_short(item.title), item.meeting.starts_at, _agenda_item_url(item))
        for item in items
    ]


def find_decisions(user: Any, text: str) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(agenda_item__meeting__council__in=_readable_councils(user))
        .filter(contains_text(text, "text"))
        .select_related("agenda_item__meeting__council")
        .order_by("-agenda_item__meeting__starts_at", "-pk")
    )


def show_decisions(
    user: Any, decisions: list[Decision], request: HttpRequest | None
) -> list[SearchHit]:
    return [
        SearchHit(
            _short(decision.text),
            decision.agenda_item.meeting.starts_at,
            _agenda_item_url(decision.agenda_item),
        )
        for decision in decisions
    ]


# --- Recommendations, petitions, letters, visits ------------------------------------------------


def find_recommendations(user: Any, text: str) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(council__in=_readable_councils(user))
        .filter(equals_text(text, "number") | contains_text(text, "text"))
        .select_related("council")
        .order_by("-pk")
    )


def show_recommendations(
    user: Any, recommendations: list[Recommendation], request: HttpRequest | None
) -> list[SearchHit]:
    return [
        SearchHit(
            f"{item.number} — {_short(item.text)}",
            item.sent_on,
            reverse("council:recommendation_detail", args=[item.council.slug, item.pk]),
        )
        for item in recommendations
    ]


def find_petitions(user: Any, text: str) -> QuerySet[Petition]:
    # The petitioner's name and contacts are not searched: a search is not a way to look people up.
    return (
        Petition.objects.filter(council__in=_readable_councils(user))
        .filter(equals_text(text, "number") | contains_text(text, "subject"))
        .select_related("council")
        .order_by("-received_on", "-pk")
    )


def show_petitions(
    user: Any, petitions: list[Petition], request: HttpRequest | None
) -> list[SearchHit]:
    if petitions:
        with transaction.atomic():
            audit_record_many(
                actor=user,
                action=AuditAction.SEARCH,
                entries=[(petition, "staff search") for petition in petitions],
                request=request,
            )
    return [
        SearchHit(
            f"{petition.number} — {_short(petition.subject)}",
            petition.received_on,
            reverse("council:petition_detail", args=[petition.council.slug, petition.pk]),
        )
        for petition in petitions
    ]


def find_letters(user: Any, text: str) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(council__in=_readable_councils(user))
        .filter(equals_text(text, "number") | contains_text(text, "subject", "summary"))
        .select_related("council")
        .order_by("-sent_on", "-pk")
    )


def show_letters(user: Any, letters: list[Letter], request: HttpRequest | None) -> list[SearchHit]:
    return [
        SearchHit(
            f"{letter.number} — {_short(letter.subject)}",
            letter.sent_on,
            reverse("council:letter_detail", args=[letter.council.slug, letter.pk]),
        )
        for letter in letters
    ]


def find_visits(user: Any, text: str) -> QuerySet[MonitoringVisit]:
    return (
        MonitoringVisit.objects.filter(council__in=_readable_councils(user))
        .filter(contains_text(text, "purpose", "findings"))
        .select_related("council")
        .order_by("-visited_on", "-pk")
    )


def show_visits(
    user: Any, visits: list[MonitoringVisit], request: HttpRequest | None
) -> list[SearchHit]:
    return [
        SearchHit(
            _short(visit.purpose),
            visit.visited_on,
            reverse("council:visit_detail", args=[visit.council.slug, visit.pk]),
        )
        for visit in visits
    ]


def search_kinds() -> tuple[SearchKind, ...]:
    """What this app offers the staff search (registered in `apps.py`)."""
    return (
        SearchKind(
            "council.meetings", _("Meetings"), can_open_councils, find_meetings, show_meetings, 800
        ),
        SearchKind(
            "council.agenda_items",
            _("Agenda items"),
            can_open_councils,
            find_agenda_items,
            show_agenda_items,
            801,
        ),
        SearchKind(
            "council.decisions",
            _("Decisions"),
            can_open_councils,
            find_decisions,
            show_decisions,
            802,
        ),
        SearchKind(
            "council.recommendations",
            _("Recommendations"),
            can_open_councils,
            find_recommendations,
            show_recommendations,
            803,
        ),
        SearchKind(
            "council.petitions",
            _("Petitions"),
            can_open_councils,
            find_petitions,
            show_petitions,
            804,
        ),
        SearchKind(
            "council.letters", _("Letters"), can_open_councils, find_letters, show_letters, 805
        ),
        SearchKind(
            "council.visits",
            _("Monitoring visits"),
            can_open_councils,
            find_visits,
            show_visits,
            806,
        ),
    )
