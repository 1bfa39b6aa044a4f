"""What the public pages of a council show. Everything here is public by design: the council's
members (public figures), its plan, meetings, approved minutes, recommendations and their
accepted answers, monitoring visits, its letters register and its petitions.

The overview and the full lists read the same querysets, so what is public is decided here once:
no draft recommendation, no answer the council has not accepted, no minutes that are not approved
and locked, and no personal data of citizens. Petitions are read as plain dictionaries of the few
fields that may be published, so a template cannot reach a petitioner's name, e-mail or phone by
accident; the name is included only when the petitioner agreed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from kopir.council.models import (
    Composition,
    CompositionStatus,
    Council,
    Letter,
    Meeting,
    MeetingStatus,
    Member,
    MinutesStatus,
    MonitoringVisit,
    Petition,
    PetitionerKind,
    PetitionPublication,
    Recommendation,
    RecommendationStatus,
    WorkPlan,
)
from kopir.council.selectors.councils import plan_items_with_progress
from kopir.council.selectors.recommendations import (
    accepted_responses_prefetch,
    recommendation_list,
    with_due_states,
)
from kopir.council.selectors.visits import visit_list
from kopir.directory.models import Organisation

# How many of each growing list the overview shows before its "all" link.
OVERVIEW_ROWS = 5

PUBLIC_RECOMMENDATION_STATUSES = [
    value for value in RecommendationStatus.values if value != RecommendationStatus.DRAFT
]


def _composition(council: Council) -> Composition | None:
    return (
        Composition.objects.filter(council=council, status=CompositionStatus.APPROVED)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=Member.objects.select_related("affiliation").order_by(
                    "order", "full_name"
                ),
            )
        )
        .first()
    )


def _plans(council: Council) -> list[WorkPlan]:
    """The approved plans, each item with the progress the council's own pages show: done when a
    held meeting, an agenda item of one or a visit links to it, never "pending" beside a meeting
    that took place."""
    plans = list(WorkPlan.objects.filter(council=council, status="approved").order_by("-year"))
    for plan in plans:
        plan.public_items = plan_items_with_progress(plan)  # type: ignore[attr-defined]
    return plans


def _public_minutes(meeting: Meeting) -> Any:
    try:
        minutes = meeting.minutes
    except ObjectDoesNotExist:
        return None
    if minutes.status == MinutesStatus.APPROVED and minutes.is_locked:
        return minutes
    return None


def _public_meetings(council: Council) -> QuerySet[Meeting]:
    return Meeting.objects.filter(council=council).select_related("minutes")


def upcoming_meetings(council: Council) -> list[Meeting]:
    """Planned meetings still ahead, soonest first: a handful at most, so never paged."""
    rows = _public_meetings(council).filter(
        status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    )
    return with_public_minutes(rows.order_by("starts_at"))


def past_meetings(council: Council) -> QuerySet[Meeting]:
    """Every meeting that is not ahead, the latest first, each under its real status: held,
    cancelled, or planned with its date passed (not yet recorded as held). A cancelled meeting is
    listed, so its number, already cited in the invitations, is no unexplained gap. Pass the rows
    shown through `with_public_minutes`, which decides whose minutes may be linked."""
    rows = _public_meetings(council).exclude(
        status=MeetingStatus.PLANNED, starts_at__gte=timezone.now()
    )
    return rows.order_by("-starts_at", "-pk")


def with_public_minutes(meetings: Iterable[Meeting]) -> list[Meeting]:
    """Mark each meeting's minutes as public only when approved and locked (a draft stays None),
    and a planned meeting whose date has passed as such: it must not read as held."""
    rows = list(meetings)
    now = timezone.now()
    for meeting in rows:
        meeting.public_minutes = _public_minutes(meeting)  # type: ignore[attr-defined]
        meeting.date_passed = (  # type: ignore[attr-defined]
            meeting.status == MeetingStatus.PLANNED and meeting.starts_at < now
        )
    return rows


def public_recommendations(
    council: Council,
    *,
    status: str = "",
    addressee: Organisation | None = None,
    overdue: bool = False,
) -> QuerySet[Recommendation]:
    """Sent recommendations (never drafts) with only their accepted answers, the latest first.
    Pass the rows shown through `with_due_states`."""
    rows = recommendation_list(council, status=status, addressee=addressee, overdue=overdue)
    return (
        rows.exclude(status=RecommendationStatus.DRAFT)
        .prefetch_related(accepted_responses_prefetch())
        .order_by("-sent_on", "-pk")
    )


def public_recommendation_addressees(council: Council) -> QuerySet[Organisation]:
    """Whom the council's sent recommendations address: a draft's addressee is not public."""
    return (
        Organisation.objects.filter(
            council_recommendations__council=council,
            council_recommendations__status__in=PUBLIC_RECOMMENDATION_STATUSES,
        )
        .distinct()
        .order_by("name_kk")
    )


def public_letters(council: Council) -> QuerySet[Letter]:
    return (
        Letter.objects.filter(council=council)
        .select_related("addressee")
        .order_by("-sent_on", "-pk")
    )


def public_visits(council: Council) -> QuerySet[MonitoringVisit]:
    return visit_list(council)


def public_petitions(council: Council) -> QuerySet[Petition]:
    """The petitions the secretary accepted for publication, the latest first. Pass the rows
    shown through `publishable_petitions`: a template must never receive the Petition itself."""
    return (
        Petition.objects.filter(council=council, publication=PetitionPublication.PUBLISHED)
        .select_related("petitioner_organisation")
        .order_by("-received_on", "-pk")
    )


def publishable_petitions(petitions: Iterable[Petition]) -> list[dict[str, Any]]:
    """The few fields of each petition that may be published (its reviewed title and summary);
    the name only with consent."""
    rows = []
    for petition in petitions:
        named = petition.petitioner_name if petition.publish_petitioner else ""
        organisation = ""
        if petition.petitioner_kind == PetitionerKind.NGO and petition.petitioner_organisation:
            # An association is not a person: its name is public whoever signed for it.
            organisation = petition.petitioner_organisation.name
        rows.append(
            {
                "number": petition.number,
                # The title and summary the secretary approved, never the subject as typed.
                "subject": petition.public_title,
                "summary": petition.public_summary,
                "received_on": petition.received_on,
                "status": petition.get_status_display(),
                "kind": petition.get_petitioner_kind_display(),
                "petitioner_name": named,
                "petitioner_organisation": organisation,
                "answered_on": petition.answered_on,
            }
        )
    return rows


def _latest(rows: QuerySet[Any]) -> tuple[list[Any], bool]:
    """The first OVERVIEW_ROWS rows and whether there are more, read with one query (no count)."""
    latest = list(rows[: OVERVIEW_ROWS + 1])
    return latest[:OVERVIEW_ROWS], len(latest) > OVERVIEW_ROWS


@dataclass(frozen=True)
class PublicContact:
    """How to write to a council: its organisation's contact for notices, which the directory
    keeps (address, e-mail, phone, the person who answers its correspondence). The accessibility
    statement sends visitors here to report a problem."""

    address: str
    email: str
    phone: str
    person: str
    position: str

    def __bool__(self) -> bool:
        return any((self.address, self.email, self.phone, self.person))


def public_contact(council: Council) -> PublicContact:
    """The council's contact, read from the organisation `public_council` already selected."""
    organisation = council.organisation
    return PublicContact(
        address=organisation.address.strip(),
        email=organisation.email.strip(),
        phone=organisation.phone.strip(),
        person=organisation.contact_name.strip(),
        position=organisation.contact_position.strip(),
    )


def public_page(council: Council) -> dict[str, Any]:
    """The overview: everything short in full, and the latest few of each list that grows."""
    past, more_meetings = _latest(past_meetings(council))
    recommendations, more_recommendations = _latest(public_recommendations(council))
    letters, more_letters = _latest(public_letters(council))
    visits, more_visits = _latest(public_visits(council))
    petitions, more_petitions = _latest(public_petitions(council))
    return {
        "contact": public_contact(council),
        "composition": _composition(council),
        "plans": _plans(council),
        "upcoming_meetings": upcoming_meetings(council),
        "past_meetings": with_public_minutes(past),
        "more_past_meetings": more_meetings,
        "recommendations": with_due_states(recommendations),
        "more_recommendations": more_recommendations,
        "letters": letters,
        "more_letters": more_letters,
        "visits": visits,
        "more_visits": more_visits,
        "petitions": publishable_petitions(petitions),
        "more_petitions": more_petitions,
    }


def public_councils() -> QuerySet[Council]:
    """The active councils, for the public list: their names, territories and addresses, and
    nothing of any person."""
    return (
        Council.objects.filter(is_active=True)
        .select_related("organisation", "territory")
        .order_by("organisation__name_kk", "pk")
    )
