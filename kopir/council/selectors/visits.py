"""Reading monitoring visits: the council's list and everything one visit holds."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from kopir.council.models import (
    ChecklistAnswer,
    CompositionStatus,
    Council,
    Member,
    MonitoringVisit,
    Recommendation,
    VisitChecklistItem,
    VisitDocument,
    VisitFinding,
)


def visit_list(council: Council) -> QuerySet[MonitoringVisit]:
    return (
        MonitoringVisit.objects.filter(council=council)
        .select_related("site")
        .annotate(
            finding_count=Count("finding_list", distinct=True),
            recommendation_count=Count("recommendations", distinct=True),
            accessibility_problems=Count(
                "checklist",
                filter=Q(
                    checklist__is_accessibility=True,
                    checklist__answer__in=[ChecklistAnswer.NO, ChecklistAnswer.PARTLY],
                ),
                distinct=True,
            ),
        )
        .order_by("-visited_on", "-pk")
    )


def visit_contents(visit: MonitoringVisit) -> dict[str, Any]:
    findings = list(
        VisitFinding.objects.filter(visit=visit).select_related("recommendation").order_by("order")
    )
    for finding in findings:
        # The reverse one-to-one raises when absent; the template wants None.
        finding.linked = getattr(finding, "recommendation", None)  # type: ignore[attr-defined]
    return {
        "participants": list(visit.participants.select_related("affiliation").order_by("order")),
        "checklist": checklist_of(visit),
        "findings": findings,
        "documents": list(visit.documents.order_by("uploaded_at", "pk")),
        "recommendations": list(
            Recommendation.objects.filter(visit=visit).select_related("addressee", "rule_set")
        ),
    }


def checklist_of(visit: MonitoringVisit) -> list[VisitChecklistItem]:
    return list(visit.checklist.order_by("order"))


def finding_of(visit: MonitoringVisit, pk: int) -> VisitFinding:
    """One of the visit's findings, or 404."""
    return get_object_or_404(VisitFinding, visit=visit, pk=pk)


def document_of(visit: MonitoringVisit, pk: int) -> VisitDocument:
    """One of the files kept with the visit, or 404."""
    return get_object_or_404(visit.documents, pk=pk)


def members_in_force(council: Council) -> QuerySet[Member]:
    return Member.objects.filter(
        composition__council=council, composition__status=CompositionStatus.APPROVED
    ).order_by("order", "full_name")


def findings_prefetch() -> Prefetch:
    return Prefetch("finding_list", queryset=VisitFinding.objects.order_by("order"))
