"""Extraterritorial distribution of in-absentia cases (the region's choice,
`ExtraterritorialDistribution`).

Where the region has it on, an in-absentia case of one division is reviewed by experts of the
region's OTHER divisions, never its own: the experts who might know the person (neighbours,
patients of the same polyclinic) are the ones left out. Kopir proposes the three with the lowest
open load, and the head of the case's division confirms or chooses others among the same pool
(`review.eligible_experts`). Those experts reach the case through their assignment only and see
it depersonalised, like any expert in absentia (access.py). Where it is off, or the case is in
person, the division's own specialists review it, as before.
"""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kopir.accounts.models import Role, User
from kopir.assessment.models import (
    ExpertAssignment,
    ExtraterritorialDistribution,
    Referral,
    ReferralStatus,
    Route,
)
from kopir.directory.models import Organisation, OrganisationKind


def is_extraterritorial(referral: Referral) -> bool:
    """Whether this case goes to experts of another division of its region."""
    if referral.route != Route.IN_ABSENTIA:
        return False
    department_id = _department_id(referral)
    if department_id is None:
        return False
    return ExtraterritorialDistribution.objects.filter(
        department_id=department_id, enabled=True
    ).exists()


def extraterritorial_experts(referral: Referral) -> QuerySet[User]:
    """The active specialists of the region's other active divisions, each annotated with
    `open_load`: the conclusions they still owe on cases with the experts. Never a head: a head
    sees who the person is in their own division's cases, and is kept out of review in absentia
    everywhere alike."""
    open_load = (
        ExpertAssignment.objects.filter(
            expert_id=OuterRef("pk"),
            submitted_at__isnull=True,
            referral__status=ReferralStatus.ASSIGNED,
        )
        .order_by()
        .values("expert_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        User.objects.filter(
            is_active=True,
            organisation__kind=OrganisationKind.MSE_DIVISION,
            organisation__is_active=True,
            organisation__parent_id=_department_id(referral),
            role_assignments__role=Role.MSE_SPECIALIST,
        )
        .exclude(organisation_id=referral.mse_division_id)
        .exclude(role_assignments__role=Role.MSE_HEAD)
        .select_related("organisation")
        .annotate(open_load=Coalesce(Subquery(open_load, output_field=IntegerField()), Value(0)))
        .distinct()
    )


def proposed_experts(referral: Referral, count: int) -> list[User]:
    """The `count` experts Kopir proposes for an extraterritorial case: the lowest open load
    first, then the lowest account id, so the same state always gives the same proposal."""
    return list(extraterritorial_experts(referral).order_by("open_load", "pk")[:count])


def _department_id(referral: Referral) -> int | None:
    """The region's MSE department: the parent of the case's division."""
    return (
        Organisation.objects.filter(pk=referral.mse_division_id)
        .values_list("parent_id", flat=True)
        .first()
    )
