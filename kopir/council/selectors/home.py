"""The council's items of the signed-in home page (registered in `apps.py`), and the narrowed
views of the addressee's inbox they open.

A count is read with the query of the list it opens (the same selector, narrowed the same way),
so the number on the home page is the number of rows the list shows. Nothing here reads a person:
the council's accounts see aggregates only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role
from kopir.core.registry import HomeItem
from kopir.council.access import can_answer_recommendations
from kopir.council.models import (
    AccommodationRequest,
    AccommodationStatus,
    AttendanceStatus,
    CompositionStatus,
    Council,
    Meeting,
    MeetingStatus,
    Member,
    MemberPosition,
    PetitionStatus,
    Recommendation,
    RecommendationResponse,
    RecommendationStatus,
    ResponseVerdict,
    Vote,
    VoteKind,
    VoteResult,
)
from kopir.council.selectors.meetings import MINUTES_TO_SIGN, minutes_to_sign
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


def _secretary_count(user: Any, rows_of: Callable[[Council], QuerySet[Any]]) -> int:
    """How many rows the list `rows_of` reads for the user's council shows; 0 without one."""
    council = _secretary_council(user)
    return 0 if council is None else rows_of(council).order_by().count()


def new_petitions_count(user: Any) -> int:
    return _secretary_count(
        user, lambda council: petition_list(council, status=PetitionStatus.REGISTERED)
    )


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
    return _secretary_count(user, lambda council: recommendation_list(council, overdue=True))


def recommendations_overdue_url(user: Any) -> str:
    return _council_url(user, "council:recommendation_list", overdue="on")


def answers_to_judge_count(user: Any) -> int:
    return _secretary_count(
        user, lambda council: recommendation_list(council, awaiting_verdict=True)
    )


def answers_to_judge_url(user: Any) -> str:
    return _council_url(user, "council:recommendation_list", awaiting_verdict="on")


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


def _first_meeting_url(meetings: QuerySet[Meeting]) -> str:
    """The page of the earliest of `meetings`, or the councils' list when there is none."""
    meeting = (
        meetings.select_related("council")
        .order_by("starts_at", "pk")
        .only("pk", "council__slug")
        .first()
    )
    if meeting is None:
        return reverse("council:council_list")
    return reverse(
        "council:meeting_detail", kwargs={"slug": meeting.council.slug, "pk": meeting.pk}
    )


def next_meeting_url(user: Any) -> str:
    return _first_meeting_url(_upcoming_meetings(user))


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
    """The meeting of the user's open votes (the earliest, should there be several)."""
    return _first_meeting_url(
        Meeting.objects.filter(agenda__votes__in=_open_votes(user).values("pk")).distinct()
    )


# --- The secretary and the chair: minutes to sign --------------------------------------------


def _signing_council(user: Any) -> Council | None:
    """The council whose minutes the user signs: theirs as secretary, else where they chair."""
    if is_council_secretary(user):
        council = _secretary_council(user)
        if council is not None:
            return council
    if not is_council_member(user):
        return None
    return (
        Council.objects.filter(
            compositions__status=CompositionStatus.APPROVED,
            compositions__members__account=user,
            compositions__members__position=MemberPosition.CHAIR,
        )
        .order_by("pk")
        .first()
    )


def signs_minutes(user: Any) -> bool:
    return is_council_secretary(user) or (
        is_council_member(user)
        and Member.objects.filter(
            account=user,
            position=MemberPosition.CHAIR,
            composition__status=CompositionStatus.APPROVED,
        ).exists()
    )


def minutes_to_sign_count(user: Any) -> int:
    council = _signing_council(user)
    if council is None:
        return 0
    return minutes_to_sign(council.meetings.all(), user, council).count()


def minutes_to_sign_url(user: Any) -> str:
    council = _signing_council(user)
    if council is None:
        return reverse("council:council_list")
    url = reverse("council:meeting_list", kwargs={"slug": council.slug})
    return _with_query(url, minutes=MINUTES_TO_SIGN)


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


def home_items() -> tuple[HomeItem, ...]:
    """What this app puts on the signed-in home page (registered in `apps.py`)."""
    council, inbox = _("Public council"), _("Recommendations to us")
    return (
        HomeItem(
            "council.new_petitions",
            council,
            _("New petitions to consider"),
            _("No new petitions."),
            is_council_secretary,
            new_petitions_count,
            new_petitions_url,
            800,
        ),
        HomeItem(
            "council.accommodation_open",
            council,
            _("Accommodation requests"),
            _("No accommodation request waits."),
            is_council_secretary,
            accommodation_open_count,
            accommodation_open_url,
            801,
        ),
        HomeItem(
            "council.recommendations_overdue",
            council,
            _("Recommendations past their deadline"),
            _("No recommendation is overdue."),
            is_council_secretary,
            recommendations_overdue_count,
            recommendations_overdue_url,
            802,
        ),
        HomeItem(
            "council.answers_to_judge",
            council,
            _("Answers waiting for the council's verdict"),
            _("No answer waits for a verdict."),
            is_council_secretary,
            answers_to_judge_count,
            answers_to_judge_url,
            803,
        ),
        HomeItem(
            "council.minutes_to_sign",
            council,
            _("Minutes waiting for your signature"),
            _("No minutes wait for your signature."),
            signs_minutes,
            minutes_to_sign_count,
            minutes_to_sign_url,
            806,
        ),
        HomeItem(
            "council.open_votes",
            council,
            _("Open votes you may cast a ballot in"),
            _("No vote is open for you."),
            is_council_member,
            open_votes_count,
            open_votes_url,
            804,
        ),
        HomeItem(
            "council.upcoming_meetings",
            council,
            _("Meetings ahead (the link opens the next one)"),
            _("No meeting is planned."),
            can_open_councils,
            upcoming_meetings_count,
            next_meeting_url,
            805,
        ),
        HomeItem(
            "council.inbox_new",
            inbox,
            _("New recommendations"),
            _("No new recommendations."),
            can_answer_recommendations,
            inbox_new_count,
            inbox_new_url,
            900,
        ),
        HomeItem(
            "council.inbox_redo",
            inbox,
            _("Answers to redo: the council did not accept them"),
            _("No answer to redo."),
            can_answer_recommendations,
            inbox_redo_count,
            inbox_redo_url,
            901,
        ),
        HomeItem(
            "council.inbox_due",
            inbox,
            _("Answers due within a week or late"),
            _("No answer is due this week."),
            can_answer_recommendations,
            inbox_due_count,
            inbox_due_url,
            902,
        ),
    )
