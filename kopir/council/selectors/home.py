"""The council's items of the signed-in home page (registered in `apps.py`), and the narrowed
views of the addressee's inbox they open.

A count is read with the query of the list it opens (the same selector, narrowed the same way),
so the number on the home page is the number of rows the list shows. Nothing here reads a person:
the council's accounts see aggregates only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role
from kopir.council.models import (
    AccommodationRequest,
    AccommodationStatus,
    AttendanceStatus,
    CompositionStatus,
    Council,
    Meeting,
    MeetingStatus,
    PetitionStatus,
    Recommendation,
    RecommendationResponse,
    RecommendationStatus,
    ResponseVerdict,
    Vote,
    VoteKind,
    VoteResult,
)
from kopir.council.selectors.petitions import petition_list
from kopir.council.selectors.recommendations import inbox_list, recommendation_list

# An open recommendation is "due soon" on the addressee's home page this many days ahead.
DUE_SOON_DAYS = 7
INBOX_VIEWS = ("new", "redo", "due")


def _with_query(url: str, **query: str) -> str:
    return f"{url}?{urlencode(query)}"


# --- The secretary: new petitions, accommodation to arrange, overdue recommendations ----------


def is_council_secretary(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.COUNCIL_SECRETARY))


def _secretary_council(user: Any) -> Council | None:
    # An organisation runs one council (Council.organisation is one-to-one).
    return Council.objects.filter(organisation_id=user.organisation_id).first()


def _council_url(user: Any, url_name: str, **query: str) -> str:
    council = _secretary_council(user)
    if council is None:
        return reverse("council:council_list")
    url = reverse(url_name, kwargs={"slug": council.slug})
    return _with_query(url, **query) if query else url


def new_petitions_count(user: Any) -> int:
    council = _secretary_council(user)
    if council is None:
        return 0
    return petition_list(council, status=PetitionStatus.REGISTERED).order_by().count()


def new_petitions_url(user: Any) -> str:
    return _council_url(user, "council:petition_list", status=PetitionStatus.REGISTERED)


def accommodation_open_count(user: Any) -> int:
    return AccommodationRequest.objects.filter(
        meeting__council__organisation_id=user.organisation_id,
        status=AccommodationStatus.OPEN,
    ).count()


def accommodation_open_url(user: Any) -> str:
    # The list shows the requests still to arrange unless asked for all.
    return _council_url(user, "council:accommodation_list")


def recommendations_overdue_count(user: Any) -> int:
    council = _secretary_council(user)
    if council is None:
        return 0
    return recommendation_list(council, overdue=True).order_by().count()


def recommendations_overdue_url(user: Any) -> str:
    return _council_url(user, "council:recommendation_list", overdue="on")


# --- Members (and the secretary): the next meeting, open votes ---------------------------------


def is_council_member(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.COUNCIL_MEMBER))


def can_open_councils(user: Any) -> bool:
    return is_council_secretary(user) or is_council_member(user)


def _upcoming_meetings(user: Any, now: dt.datetime | None = None) -> QuerySet[Meeting]:
    """Planned meetings ahead in the councils the user is the secretary of or seated in."""
    councils = Council.objects.none()
    if is_council_secretary(user):
        councils = Council.objects.filter(organisation_id=user.organisation_id)
    if is_council_member(user):
        councils = councils | Council.objects.filter(
            compositions__status=CompositionStatus.APPROVED,
            compositions__members__account=user,
        )
    return Meeting.objects.filter(
        council__in=councils.values("pk"),
        status=MeetingStatus.PLANNED,
        starts_at__gte=now or timezone.now(),
    )


def upcoming_meetings_count(user: Any) -> int:
    return _upcoming_meetings(user).count()


def next_meeting_url(user: Any) -> str:
    meeting = (
        _upcoming_meetings(user)
        .select_related("council")
        .order_by("starts_at", "pk")
        .only("pk", "council__slug")
        .first()
    )
    if meeting is None:
        return reverse("council:council_list")
    return reverse(
        "council:meeting_detail", kwargs={"slug": meeting.council.slug, "pk": meeting.pk}
    )


def _open_votes(user: Any) -> QuerySet[Vote]:
    """Open roll-call votes of meetings where the user is marked present (in person or online),
    i.e. the votes they may cast a ballot in (access.open_ballots_for, for all meetings)."""
    return Vote.objects.filter(
        result=VoteResult.OPEN,
        kind=VoteKind.ROLL_CALL,
        agenda_item__meeting__attendance__member__account=user,
        agenda_item__meeting__attendance__status__in=(
            AttendanceStatus.IN_PERSON,
            AttendanceStatus.ONLINE,
        ),
    )


def open_votes_count(user: Any) -> int:
    return _open_votes(user).count()


def open_votes_url(user: Any) -> str:
    vote = (
        _open_votes(user)
        .select_related("agenda_item__meeting__council")
        .order_by("pk")
        .only("pk", "agenda_item__meeting__id", "agenda_item__meeting__council__slug")
        .first()
    )
    if vote is None:
        return reverse("council:council_list")
    meeting = vote.agenda_item.meeting
    return reverse(
        "council:meeting_detail", kwargs={"slug": meeting.council.slug, "pk": meeting.pk}
    )


# --- The addressee (an agency's officer): new, to redo, due soon --------------------------------


def inbox_rows(user: Any, show: str, today: dt.date | None = None) -> QuerySet[Recommendation]:
    """The inbox as the page lists it: every recommendation ("all"), the open ones (default), or
    one of the home page's views of them:

    - "new": sent and not yet acknowledged;
    - "redo": open, the council did not accept the last answer and no new answer waits;
    - "due": open, not answered, due within DUE_SOON_DAYS days or already late.
    """
    if show == "all":
        return inbox_list(user)
    rows = inbox_list(user, open_only=True)
    today = today or timezone.localdate()
    if show == "new":
        return rows.filter(status=RecommendationStatus.SENT)
    if show == "redo":
        answers = RecommendationResponse.objects.filter(recommendation=OuterRef("pk"))
        return rows.filter(
            Exists(answers.filter(verdict=ResponseVerdict.NOT_ACCEPTED)),
            ~Exists(answers.filter(verdict=ResponseVerdict.PENDING)),
        )
    if show == "due":
        return rows.filter(
            answered_on__isnull=True,
            answer_due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
        )
    return rows


def _inbox_count(user: Any, show: str) -> int:
    return inbox_rows(user, show).order_by().count()


def inbox_new_count(user: Any) -> int:
    return _inbox_count(user, "new")


def inbox_new_url(user: Any) -> str:
    return _with_query(reverse("council:inbox"), show="new")


def inbox_redo_count(user: Any) -> int:
    return _inbox_count(user, "redo")


def inbox_redo_url(user: Any) -> str:
    return _with_query(reverse("council:inbox"), show="redo")


def inbox_due_count(user: Any) -> int:
    return _inbox_count(user, "due")


def inbox_due_url(user: Any) -> str:
    return _with_query(reverse("council:inbox"), show="due")
