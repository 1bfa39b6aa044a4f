"""The council's events as staff notifications (kopir.notices.staff): who is told of what.

A new petition goes to the council's secretaries; an open roll-call vote to the members marked
present (they cast their own ballots); a new recommendation and a rejected answer (with the date
by which a new one is due) to the addressed agency's officers (besides the notice to the
organisation's contact address, `recommendation_alerts`); an agency's answer to the council's
secretaries (besides the e-mail to the council's address); minutes waiting for a signature to
the chair and the secretaries; an answer due in three working days to the agency's officers and
the secretaries, once. Each call runs in the transaction of the event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import Role, User
from kopir.core.working_days import add_working_days
from kopir.council.models import (
    AttendanceStatus,
    CompositionStatus,
    Council,
    MemberPosition,
    Minutes,
    Petition,
    Recommendation,
    RecommendationResponse,
    Vote,
    VoteKind,
)
from kopir.council.services.recommendation_alerts import AWAITING_ANSWER
from kopir.notices.kinds import StaffNotificationKind
from kopir.notices.staff import organisation_staff, staff_notify

PETITION_NEW = "council.petition_new"
VOTE_OPEN = "council.vote_open"
RECOMMENDATION_NEW = "council.recommendation_new"
ANSWER_REJECTED = "council.answer_rejected"
ANSWER_RECEIVED = "council.answer_received"
MINUTES_TO_SIGN = "council.minutes_to_sign"
RECOMMENDATION_DUE = "council.recommendation_due"
# "A due date in three working days": the answer is due on or before that day.
DUE_WARNING_WORKING_DAYS = 3

STAFF_KINDS = (
    StaffNotificationKind(
        PETITION_NEW,
        _("A new petition to the council"),
        _("A new petition № %(number)s was received."),
        order=10,
        roles=(Role.COUNCIL_SECRETARY,),
    ),
    StaffNotificationKind(
        VOTE_OPEN,
        _("A vote is open at a meeting I attend"),
        _("A vote is open at meeting No. %(meeting)s: %(question)s"),
        order=20,
        roles=(Role.COUNCIL_MEMBER,),
        bilingual=("question",),
    ),
    StaffNotificationKind(
        MINUTES_TO_SIGN,
        _("Minutes waiting for my signature"),
        _("The minutes of meeting No. %(meeting)s are waiting for your signature."),
        order=30,
        roles=(
            Role.COUNCIL_MEMBER,
            Role.COUNCIL_SECRETARY,
        ),
    ),
    StaffNotificationKind(
        RECOMMENDATION_NEW,
        _("A new recommendation to my organisation"),
        _("The council sent your organisation recommendation № %(number)s."),
        order=40,
        roles=(Role.AGENCY_OFFICER,),
    ),
    StaffNotificationKind(
        ANSWER_RECEIVED,
        _("An agency's answer to a recommendation of my council"),
        _("The addressee answered recommendation № %(number)s: give the council's verdict."),
        order=45,
        roles=(Role.COUNCIL_SECRETARY,),
    ),
    StaffNotificationKind(
        ANSWER_REJECTED,
        _("An answer the council did not accept"),
        _(
            "The council did not accept the answer to recommendation № %(number)s: answer again "
            "by %(due)s."
        ),
        order=50,
        roles=(Role.AGENCY_OFFICER,),
        dates=("due",),
        # Written before the new due date was told, or when nothing restarted the clock.
        earlier=(
            _(
                "The council did not accept the answer to recommendation № %(number)s: answer again."
            ),
        ),
    ),
    StaffNotificationKind(
        RECOMMENDATION_DUE,
        _("An answer due in three working days"),
        _("The answer to recommendation № %(number)s is due on %(due)s."),
        order=60,
        roles=(
            Role.AGENCY_OFFICER,
            Role.COUNCIL_SECRETARY,
        ),
        # Stored as ISO and written as the reader's language writes dates; one stored before as
        # "07.12.2026" is shown as it was.
        dates=("due",),
    ),
)


def secretaries_of(council: Council) -> QuerySet[User]:
    return organisation_staff(council.organisation_id, Role.COUNCIL_SECRETARY)


def agency_officers_of(organisation_id: int) -> QuerySet[User]:
    return organisation_staff(organisation_id, Role.AGENCY_OFFICER)


def petition_received(
    petition: Petition, *, actor: Any = None, request: HttpRequest | None = None
) -> None:
    council = petition.council
    staff_notify(
        users=secretaries_of(council),
        kind=PETITION_NEW,
        params={"number": petition.number},
        url_name="council:petition_detail",
        url_args=(council.slug, petition.pk),
        related=petition,
        actor=actor,
        request=request,
    )


def vote_opened(vote: Vote, *, actor: Any, request: HttpRequest | None = None) -> None:
    """The members marked present at the meeting, when each casts their own ballot."""
    if vote.kind != VoteKind.ROLL_CALL:
        return
    meeting = vote.agenda_item.meeting
    present = User.objects.filter(
        council_seats__attendance__meeting=meeting,
        council_seats__attendance__status__in=(AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE),
        role_assignments__role=Role.COUNCIL_MEMBER,
    ).distinct()
    staff_notify(
        users=present,
        kind=VOTE_OPEN,
        # Both halves: each member reads the question in their own language.
        params={
            "meeting": meeting.number,
            "question": vote.question,
            "question_ru": vote.question_ru,
        },
        url_name="council:vote_detail",
        url_args=(meeting.council.slug, meeting.pk, vote.pk),
        related=vote,
        actor=actor,
        request=request,
    )


def _signers(council: Council) -> list[User]:
    chairs = User.objects.filter(
        council_seats__composition__council=council,
        council_seats__composition__status=CompositionStatus.APPROVED,
        council_seats__position=MemberPosition.CHAIR,
    )
    return [*chairs, *secretaries_of(council)]


def minutes_to_sign(minutes: Minutes, *, actor: Any, request: HttpRequest | None = None) -> None:
    """Each person who signs the minutes and has not yet: the chair and the secretaries."""
    meeting = minutes.meeting
    council = meeting.council
    signed = {minutes.approved_by_chair_id, minutes.approved_by_secretary_id}
    staff_notify(
        users=[user for user in _signers(council) if user.pk not in signed],
        kind=MINUTES_TO_SIGN,
        params={"meeting": meeting.number},
        url_name="council:minutes_detail",
        url_args=(council.slug, meeting.number),
        related=minutes,
        actor=actor,
        request=request,
    )


def _tell_officers(
    recommendation: Recommendation,
    kind: str,
    *,
    actor: Any,
    request: HttpRequest | None,
    params: dict[str, Any] | None = None,
) -> None:
    staff_notify(
        users=agency_officers_of(recommendation.addressee_id),
        kind=kind,
        params={"number": recommendation.number, **(params or {})},
        url_name="council:inbox_detail",
        url_args=(recommendation.pk,),
        related=recommendation,
        actor=actor,
        request=request,
    )


def recommendation_sent(
    recommendation: Recommendation, *, actor: Any, request: HttpRequest | None = None
) -> None:
    _tell_officers(recommendation, RECOMMENDATION_NEW, actor=actor, request=request)


def answer_received(
    response: RecommendationResponse, *, actor: Any, request: HttpRequest | None = None
) -> None:
    """The council's secretaries, who bring the answer to the council's verdict."""
    recommendation = response.recommendation
    council = recommendation.council
    staff_notify(
        users=secretaries_of(council),
        kind=ANSWER_RECEIVED,
        params={"number": recommendation.number},
        url_name="council:recommendation_detail",
        url_args=(council.slug, recommendation.pk),
        related=recommendation,
        actor=actor,
        request=request,
    )


def answer_not_accepted(
    response: RecommendationResponse,
    *,
    redo_due_on: dt.date | None = None,
    actor: Any,
    request: HttpRequest | None = None,
) -> None:
    """The addressee's officers, with the date by which the answer is owed again when the
    council's verdict restarted the clock (council.md §5), as the agency's notice says it."""
    _tell_officers(
        response.recommendation,
        ANSWER_REJECTED,
        actor=actor,
        request=request,
        # An ISO date: each reader's language writes it when the notification is read.
        params={"due": redo_due_on.isoformat()} if redo_due_on is not None else None,
    )


def recommendation_due_notify(recommendation: Recommendation) -> int:
    """Tell the officers and the secretaries that the answer is due; how many were told now."""
    due = recommendation.answer_due_on
    assert due is not None
    council = recommendation.council
    audiences: list[tuple[QuerySet[User], str, tuple[Any, ...]]] = [
        (
            agency_officers_of(recommendation.addressee_id),
            "council:inbox_detail",
            (recommendation.pk,),
        ),
        (
            secretaries_of(council),
            "council:recommendation_detail",
            (council.slug, recommendation.pk),
        ),
    ]
    told = 0
    for users, url_name, url_args in audiences:
        told += len(
            staff_notify(
                users=users,
                kind=RECOMMENDATION_DUE,
                params={"number": recommendation.number, "due": due.isoformat()},
                url_name=url_name,
                url_args=url_args,
                related=recommendation,
                # One per recommendation and due date: a moved due date is told again, a rerun
                # is not.
                once_key=f"due:{recommendation.pk}:{due.isoformat()}",
            )
        )
    return told


def recommendations_due_soon(*, today: dt.date | None = None) -> Iterable[Recommendation]:
    """Unanswered recommendations whose answer is due from today to three working days ahead."""
    today = today or timezone.localdate()
    horizon = add_working_days(today, DUE_WARNING_WORKING_DAYS)
    return Recommendation.objects.filter(
        status__in=AWAITING_ANSWER,
        answered_on__isnull=True,
        answer_due_on__gte=today,
        answer_due_on__lte=horizon,
    ).select_related("council")


def recommendations_notify_due(*, today: dt.date | None = None) -> int:
    """The daily job: tell each recommendation's officers and secretaries once. How many told."""
    told = 0
    for recommendation in recommendations_due_soon(today=today):
        with transaction.atomic():
            told += recommendation_due_notify(recommendation)
    return told
