"""What the public page of a council shows. Everything here is public by design: the council's
members (public figures), its plan, meetings, approved minutes, recommendations and their
accepted answers, and its letters register.

No personal data of citizens: petitions are read as plain dictionaries of the few fields that may
be published, so a template cannot reach a petitioner's name, e-mail or phone by accident; the
name is included only when the petitioner agreed.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Count, Prefetch
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
    Recommendation,
    RecommendationStatus,
    WorkPlan,
    WorkPlanItem,
)
from kopir.council.selectors.recommendations import accepted_responses_prefetch, with_due_states
from kopir.council.selectors.visits import visit_list


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
    items = WorkPlanItem.objects.order_by("quarter", "month", "order").prefetch_related(
        Prefetch("meetings", queryset=Meeting.objects.order_by("starts_at")),
        Prefetch("visits", queryset=MonitoringVisit.objects.select_related("site")),
    )
    return list(
        WorkPlan.objects.filter(council=council, status="approved")
        .order_by("-year")
        .prefetch_related(Prefetch("items", queryset=items))
    )


def _public_minutes(meeting: Meeting) -> Any:
    try:
        minutes = meeting.minutes
    except ObjectDoesNotExist:
        return None
    if minutes.status == MinutesStatus.APPROVED and minutes.is_locked:
        return minutes
    return None


def _meetings(council: Council) -> tuple[list[Meeting], list[Meeting]]:
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(council=council)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("minutes")
        .order_by("starts_at")
    )
    for meeting in meetings:
        meeting.public_minutes = _public_minutes(meeting)  # type: ignore[attr-defined]
    upcoming = [m for m in meetings if m.status == MeetingStatus.PLANNED and m.starts_at >= now]
    past = [m for m in reversed(meetings) if m not in upcoming]
    return upcoming, past


def _recommendations(council: Council) -> list[Recommendation]:
    rows = (
        Recommendation.objects.filter(council=council)
        .exclude(status=RecommendationStatus.DRAFT)
        .select_related("addressee", "rule_set")
        .prefetch_related(accepted_responses_prefetch())
        .annotate(response_count=Count("responses", distinct=True))
        .order_by("-sent_on", "-pk")
    )
    return with_due_states(rows)


def _letters(council: Council) -> list[Letter]:
    return list(
        Letter.objects.filter(council=council)
        .select_related("addressee")
        .order_by("-sent_on", "-pk")
    )


def public_petitions(council: Council) -> list[dict[str, Any]]:
    rows = Petition.objects.filter(council=council).select_related("petitioner_organisation")
    petitions = []
    for petition in rows.order_by("-received_on", "-pk"):
        named = petition.petitioner_name if petition.publish_petitioner else ""
        organisation = ""
        if petition.petitioner_kind == PetitionerKind.NGO and petition.petitioner_organisation:
            # An association is not a person: its name is public whoever signed for it.
            organisation = petition.petitioner_organisation.name
        petitions.append(
            {
                "number": petition.number,
                "subject": petition.subject,
                "received_on": petition.received_on,
                "status": petition.get_status_display(),
                "kind": petition.get_petitioner_kind_display(),
                "petitioner_name": named,
                "petitioner_organisation": organisation,
                "answered_on": petition.answered_on,
            }
        )
    return petitions


def public_page(council: Council) -> dict[str, Any]:
    upcoming, past = _meetings(council)
    return {
        "composition": _composition(council),
        "plans": _plans(council),
        "upcoming_meetings": upcoming,
        "past_meetings": past,
        "approved_minutes": [m for m in past if m.public_minutes],  # type: ignore[attr-defined]
        "recommendations": _recommendations(council),
        "letters": _letters(council),
        "petitions": public_petitions(council),
        "visits": list(visit_list(council)),
    }
