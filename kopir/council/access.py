"""Who may do what in a council. The one place these decisions are made.

- The council's secretary (role COUNCIL_SECRETARY in the council's own organisation) runs it:
  composition, plan, meetings, minutes, recommendations, visits, letters, petitions.
- A council member (role COUNCIL_MEMBER with a seat in the composition in force) reads everything
  the council holds, votes, signs the minutes as chair, files petitions. Aggregates only: no
  person's case is reachable from the council.
- An executive body's staff (AGENCY_OFFICER or any staff of the addressee organisation) see only
  the recommendations addressed to their organisation, and answer them.
- Everyone, signed in or not, sees the public page: no personal data of citizens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kopir.accounts.access import is_agency_officer
from kopir.accounts.models import Role
from kopir.core.errors import AccessDenied
from kopir.council.models import Composition, CompositionStatus, Council, Member, MemberPosition

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def is_secretary(user: Any, council: Council) -> bool:
    return bool(
        user.is_authenticated
        and user.organisation_id == council.organisation_id
        and user.has_role(Role.COUNCIL_SECRETARY)
    )


def current_composition(council: Council) -> Composition | None:
    return council.compositions.filter(status=CompositionStatus.APPROVED).first()


def seat_of(user: Any, council: Council) -> Member | None:
    """The user's seat in the composition in force, if any."""
    if not user.is_authenticated:
        return None
    return Member.objects.filter(
        composition__council=council,
        composition__status=CompositionStatus.APPROVED,
        account=user,
    ).first()


def is_member(user: Any, council: Council) -> bool:
    return bool(user.is_authenticated and user.has_role(Role.COUNCIL_MEMBER)) and (
        seat_of(user, council) is not None
    )


def is_chair(user: Any, council: Council) -> bool:
    seat = seat_of(user, council)
    return seat is not None and seat.position == MemberPosition.CHAIR


def can_read_council(user: Any, council: Council) -> bool:
    return is_secretary(user, council) or is_member(user, council)


def councils_for_user(user: Any) -> QuerySet[Council]:
    """Councils whose internal pages the user may open (secretary or seated member)."""
    if not user.is_authenticated:
        return Council.objects.none()
    secretary_of = Council.objects.filter(organisation_id=user.organisation_id)
    if not user.has_role(Role.COUNCIL_SECRETARY):
        secretary_of = Council.objects.none()
    seated_in = Council.objects.none()
    if user.has_role(Role.COUNCIL_MEMBER):
        seated_in = Council.objects.filter(
            compositions__status=CompositionStatus.APPROVED,
            compositions__members__account=user,
        )
    return (secretary_of | seated_in).distinct().select_related("organisation")


def council_for_user(user: Any, slug: str) -> Council:
    """The council for its internal pages, or 404 (unknown) / 403 (not secretary nor member)."""
    council = get_object_or_404(
        Council.objects.select_related("organisation", "territory"), slug=slug
    )
    if not can_read_council(user, council):
        raise PermissionDenied
    return council


def require_secretary(user: Any, council: Council) -> None:
    if not is_secretary(user, council):
        raise PermissionDenied


def ensure_secretary(actor: Any, council: Council, refusal: StrOrPromise) -> None:
    """For services: the council's secretary goes on; anyone else is refused with AccessDenied
    and `refusal` (what only the secretary does, for the page to show). Pages that only the
    secretary opens use `require_secretary` (403) instead."""
    if not is_secretary(actor, council):
        raise AccessDenied(refusal)


def can_open_councils(user: Any) -> bool:
    """Offer the council pages to secretaries and members (each page still checks its council)."""
    return bool(
        user.is_authenticated and user.has_role(Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER)
    )


def can_answer_recommendations(user: Any) -> bool:
    """Executive bodies' staff answer the recommendations addressed to their organisation."""
    return is_agency_officer(user)


# --- Follow-up: minutes, recommendations, visits, letters, the public page ----------------------


def can_sign_minutes(user: Any, council: Council) -> bool:
    return is_chair(user, council) or is_secretary(user, council)


def is_addressee_officer(user: Any, recommendation: Any) -> bool:
    """Staff of the organisation a sent recommendation is addressed to, who answer for it."""
    return bool(
        can_answer_recommendations(user)
        and user.organisation_id == recommendation.addressee_id
        and recommendation.status != "draft"
    )


def recommendation_for_addressee(user: Any, pk: int) -> Any:
    """A recommendation for the addressee's inbox: 403 without the role, 404 unless it is sent to
    the user's own organisation (another body's recommendations do not exist for them)."""
    from kopir.council.models import Recommendation, RecommendationStatus

    if not can_answer_recommendations(user):
        raise PermissionDenied
    return get_object_or_404(
        Recommendation.objects.select_related(
            "council__organisation", "addressee", "rule_set", "decision__agenda_item__meeting"
        ).exclude(status=RecommendationStatus.DRAFT),
        pk=pk,
        addressee_id=user.organisation_id,
    )


def require_inbox_user(user: Any) -> None:
    if not can_answer_recommendations(user):
        raise PermissionDenied


def recommendation_in_council(council: Council, pk: int) -> Any:
    from kopir.council.models import Recommendation

    return get_object_or_404(
        Recommendation.objects.select_related(
            "council__organisation",
            "addressee__parent",
            "rule_set",
            "decision__agenda_item__meeting",
            "visit__site",
            "finding",
        ),
        council=council,
        pk=pk,
    )


def visit_in_council(council: Council, pk: int) -> Any:
    from kopir.council.models import MonitoringVisit

    return get_object_or_404(
        MonitoringVisit.objects.select_related(
            "site__parent", "plan_item", "council__organisation"
        ),
        council=council,
        pk=pk,
    )


def letter_in_council(council: Council, pk: int) -> Any:
    from kopir.council.models import Letter

    return get_object_or_404(
        Letter.objects.select_related("addressee", "council__organisation"),
        council=council,
        pk=pk,
    )


def meeting_by_number_in_council(council: Council, number: int) -> Any:
    """The council's meeting by its number in the council's register, or 404: the minutes'
    addresses carry the number the minutes are known by, not the meeting's id
    (`selectors.meetings.meeting_in_council` finds it by id, as the other `*_in_council` do)."""
    from kopir.council.models import Meeting

    return get_object_or_404(
        Meeting.objects.select_related("council__organisation"),
        council=council,
        number=number,
    )


def public_council(slug: str) -> Council:
    """A council for its public page: anyone may read it, while the council is active."""
    return get_object_or_404(
        Council.objects.select_related("organisation", "territory", "recommendation_rule_set"),
        slug=slug,
        is_active=True,
    )


# --- Meetings, petitions and accommodation (added with the meetings pages) ---------------------


def can_see_petitioner_contacts(user: Any, council: Council) -> bool:
    """A petitioner's e-mail and phone are for the answer: the secretary sees them, nobody else."""
    return is_secretary(user, council)


def can_request_accommodation(user: Any, council: Council) -> bool:
    """Members ask for themselves; the secretary asks on any participant's behalf."""
    return is_secretary(user, council) or is_member(user, council)


def council_for_public(slug: str) -> Council:
    """An active council for its public forms (the petition form), or 404. No sign-in needed."""
    return get_object_or_404(
        Council.objects.select_related("organisation", "recommendation_rule_set"),
        slug=slug,
        is_active=True,
    )


def council_for_secretary(user: Any, slug: str) -> Council:
    """The council for a secretary-only page: 404 unknown, 403 for members and everyone else."""
    council = council_for_user(user, slug)
    require_secretary(user, council)
    return council


def can_read_council_history(user: Any, council: Council) -> bool:
    """A retired council's records stay readable to those who read the council it merged into."""
    if can_read_council(user, council):
        return True
    return any(can_read_council(user, successor) for successor in council.merged_into.all())


def council_for_reader(user: Any, slug: str) -> Council:
    """Like council_for_user, for read-only pages: also opens a council merged into one the user
    reads (its compositions, plans and meetings are the successor's history)."""
    council = get_object_or_404(
        Council.objects.select_related("organisation", "territory"), slug=slug
    )
    if not can_read_council_history(user, council):
        raise PermissionDenied
    return council


# --- Members casting their own ballots ------------------------------------------------------------


def voting_seat(user: Any, meeting: Any) -> Member | None:
    """The seat a user votes from at a meeting, or None: a council member's seat in the meeting's
    sitting composition (see services.quorum), marked present in person or online. Absent
    members, guests, other councils' members and everyone else have none. One query."""
    from kopir.council.models import AttendanceStatus

    if not (user.is_authenticated and user.has_role(Role.COUNCIL_MEMBER)):
        return None
    seats = Member.objects.filter(
        account=user,
        attendance__meeting=meeting,
        attendance__status__in=(AttendanceStatus.IN_PERSON, AttendanceStatus.ONLINE),
    )
    if meeting.composition_id is not None:
        seats = seats.filter(composition_id=meeting.composition_id)
    else:
        seats = seats.filter(
            composition__council_id=meeting.council_id,
            composition__status=CompositionStatus.APPROVED,
        )
    return seats.first()


def open_ballots_for(user: Any, meeting: Any) -> list[Any]:
    """The open roll-call votes of a meeting in which the user may cast their own ballot: none
    unless they hold a voting seat (`voting_seat`). The votes are read from the meeting's
    agenda, which the meeting page prefetches with its votes."""
    from kopir.council.models import VoteKind, VoteResult

    if voting_seat(user, meeting) is None:
        return []
    return [
        vote
        for item in meeting.agenda.all()
        for vote in item.votes.all()
        if vote.result == VoteResult.OPEN and vote.kind == VoteKind.ROLL_CALL
    ]
