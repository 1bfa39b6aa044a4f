"""Expert review: the division head assigns independent experts, each expert concludes.

An in-absentia case goes to three independent experts who see no identity (docs/domain/mse.md §3,
baq.kz 03.11.2025); an in-person examination to one. Each expert's conclusion is their own row
with its own version, so two experts saving at once never conflict with each other, and one
expert saving from two tabs gets a conflict instead of an overwrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.accounts.models import Role, User
from kopir.assessment.models import ExpertAssignment, Referral, ReferralStatus, Route
from kopir.assessment.services import staff_alerts
from kopir.assessment.services.distribution import extraterritorial_experts, is_extraterritorial
from kopir.assessment.services.division import ensure_current
from kopir.assessment.services.outcome_rules import OutcomeInput, validate_outcome
from kopir.assessment.workflow import organisation_label, referral_transition
from kopir.audit.models import AuditAction
from kopir.audit.services import audited, save_audited
from kopir.core.errors import ConflictError, DomainError
from kopir.core.versioning import require_current

EXPERTS_REQUIRED = {Route.IN_ABSENTIA: 3, Route.IN_PERSON: 1}
CONCLUSION_FIELDS = [
    "outcome",
    "category_code",
    "cause",
    "term",
    "general_loss_percent",
    "professional_loss_percent",
    "reasons",
]


def experts_required(referral: Referral) -> int:
    return EXPERTS_REQUIRED[Route(referral.route)]


def eligible_experts(referral: Referral) -> QuerySet[User]:
    """The active MSE specialists who may be assigned to this referral: the division's own, or
    where the region distributes in-absentia cases extraterritorially, those of its other
    divisions only (services/distribution.py).

    For an in-absentia case the head is never an expert, even with the specialist role: the
    head sees who the person is, and the case must reach its experts depersonalised.
    """
    if is_extraterritorial(referral):
        return extraterritorial_experts(referral).order_by("last_name", "first_name", "id")
    experts = User.objects.filter(
        organisation_id=referral.mse_division_id,
        is_active=True,
        role_assignments__role=Role.MSE_SPECIALIST,
    )
    if referral.route == Route.IN_ABSENTIA:
        experts = experts.exclude(role_assignments__role=Role.MSE_HEAD)
    return experts.order_by("last_name", "first_name", "id").distinct()


def referral_assign_experts(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    experts: Sequence[User],
    request: Any = None,
) -> Referral:
    """Assign the experts to an accepted referral and move it to them, in one transaction."""
    ensure_current(referral, expected_version)
    if referral.status != ReferralStatus.ACCEPTED:
        raise DomainError(_("Experts are assigned to an accepted referral only."))
    required = experts_required(referral)
    ids = [expert.pk for expert in experts]
    if len(set(ids)) != len(ids):
        raise ValidationError({"experts": _("Choose each expert only once.")})
    if len(ids) != required:
        raise ValidationError(
            {
                "experts": _("Choose exactly %(count)d expert(s) for this referral.")
                % {"count": required}
            }
        )
    eligible = set(eligible_experts(referral).filter(pk__in=ids).values_list("pk", flat=True))
    if set(ids) - eligible:
        raise ValidationError(
            {"experts": _("Choose specialists of this division who may review this referral.")}
        )
    with transaction.atomic():
        # The transition first: its version check makes a second head's assignment a conflict
        # before any assignment row is written.
        referral = referral_transition(
            referral=referral,
            to_status=ReferralStatus.ASSIGNED,
            actor=actor,
            expected_version=expected_version,
            actor_label=organisation_label(actor),
            request=request,
        )
        assignments = []
        for position, expert_id in enumerate(ids, start=1):
            assignment = ExpertAssignment(
                referral=referral, expert_id=expert_id, position=position, assigned_by=actor
            )
            save_audited(
                assignment, AuditAction.CREATE, ["expert", "position"], actor=actor, request=request
            )
            assignments.append(assignment)
        staff_alerts.experts_assigned(assignments, actor=actor, request=request)
    return referral


def conclusion_submit(
    *,
    actor: Any,
    assignment: ExpertAssignment,
    expected_version: int,
    conclusion: OutcomeInput,
    request: Any = None,
) -> ExpertAssignment:
    """Save the expert's conclusion. It may be revised until the decision is recorded."""
    if assignment.expert_id != getattr(actor, "pk", None):
        raise DomainError(_("Only the assigned expert records this conclusion."))
    require_current(
        assignment,
        expected_version,
        _(
            "This conclusion was saved elsewhere after you opened it. Nothing was saved: "
            "reload the page."
        ),
    )
    referral = assignment.referral
    if referral.status != ReferralStatus.ASSIGNED:
        raise DomainError(
            _("The decision on this referral is recorded: conclusions can no longer change.")
        )
    validate_outcome(
        conclusion,
        birth_date=birth_date_of(referral),
        on=timezone.localdate(),
        reasons_always_required=True,
    )
    values = {name: getattr(conclusion, name) for name in CONCLUSION_FIELDS}
    values = {
        name: ("" if value is None and name not in _NULLABLE else value)
        for name, value in values.items()
    }
    with transaction.atomic():
        updated = ExpertAssignment.objects.filter(
            pk=assignment.pk, version=expected_version, referral__status=ReferralStatus.ASSIGNED
        ).update(**values, submitted_at=timezone.now(), version=expected_version + 1)
        if not updated:
            raise ConflictError(
                _(
                    "This conclusion was saved elsewhere after you opened it, or the decision "
                    "was recorded meanwhile. Nothing was saved: reload the page."
                )
            )
        audited(
            assignment,
            AuditAction.UPDATE,
            [*CONCLUSION_FIELDS, "submitted_at"],
            actor=actor,
            request=request,
        )
    assignment.refresh_from_db()
    return assignment


_NULLABLE = {"general_loss_percent", "professional_loss_percent"}


def birth_date_of(referral: Referral) -> Any:
    # Read the one field the rules need; the person's identity stays out of the expert's code path.
    from kopir.people.models import Person

    return Person.objects.values_list("birth_date", flat=True).get(pk=referral.person_id)
