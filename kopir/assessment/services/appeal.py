"""Appeals against an MSE decision: filed by the person or their representative (recorded by the
division's staff) → reviewed by the higher MSE body → upheld, or changed (a new decision version;
the old one stays). Deadlines count Kazakhstan's working days.

The MSE appeal deadlines were not found (docs/domain/mse.md §6 [U]); the defaults follow the
Administrative Procedural Code's complaint procedure as we understand it and are assumptions an
administrator replaces with AppealDeadline rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.assessment.access import appeal_refusal
from kopir.assessment.models import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealDeadline,
    AppealStatus,
    Decision,
    Referral,
)
from kopir.assessment.services import staff_alerts
from kopir.assessment.services.decision import current_decision, decision_create, decision_errors
from kopir.assessment.services.division_notices import (
    notify_person_of_appeal_filed,
    notify_person_of_appeal_result,
)
from kopir.assessment.services.outcome_rules import OutcomeInput
from kopir.assessment.services.review import birth_date_of
from kopir.audit.models import AuditAction
from kopir.audit.services import save_audited
from kopir.core.errors import ConflictError, DomainError
from kopir.core.transitions import declare
from kopir.core.versioning import require_current
from kopir.core.working_days import add_working_days

A = AppealStatus

APPEAL_TRANSITIONS: dict[str, frozenset[str]] = {
    A.FILED: frozenset({A.UNDER_REVIEW}),
    A.UNDER_REVIEW: frozenset({A.UPHELD, A.CHANGED}),
    A.UPHELD: frozenset(),
    A.CHANGED: frozenset(),
}
# Working days for each appeal step (assumptions, see the module docstring): the division passes
# the complaint to the higher body within 3 working days; the higher body decides within 20.
DEFAULT_APPEAL_DAYS: dict[str, int] = {A.FILED: 3, A.UNDER_REVIEW: 20}


def appeal_step_due_on(status: str, started_on: dt.date) -> dt.date | None:
    row = AppealDeadline.objects.filter(status=status).first()
    days = row.working_days if row is not None else DEFAULT_APPEAL_DAYS.get(status)
    return None if days is None else add_working_days(started_on, days)


def higher_body_for(referral: Referral) -> Any:
    """The MSE body that reviews appeals against the division's decisions: its parent
    organisation (in the demo, wko-mse-department above wko-mse-division-oral)."""
    return referral.mse_division.parent


def appeal_file(
    *,
    actor: Any,
    referral: Referral,
    filed_on: dt.date,
    filed_by: str,
    grounds: str,
    request: Any = None,
) -> Appeal:
    """Record an appeal the person or their representative filed against the current decision."""
    refusal = appeal_refusal(referral)
    if refusal is not None:
        raise DomainError(refusal)
    decision = current_decision(referral)
    higher_body = higher_body_for(referral)
    if decision is None:
        raise DomainError(_("An appeal is filed against a decision: this referral has none yet."))
    if higher_body is None:
        raise DomainError(
            _("No higher MSE body is set for this division: set its parent organisation first.")
        )
    today = timezone.localdate()
    # The decision's date in Kazakhstan: at 02:00 in Oral it is still the day before in UTC.
    decided_on = timezone.localdate(decision.decided_at)
    errors: dict[str, str] = {}
    if filed_on > today:
        errors["filed_on"] = _("The filing date cannot be in the future.")
    elif filed_on < decided_on:
        errors["filed_on"] = _("The appeal cannot be filed before the decision was made.")
    if not grounds.strip():
        errors["grounds"] = _("Write the grounds of the appeal as the person stated them.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One open appeal at a time: lock the referral row so two staff recording the same
        # complaint at once cannot both pass the check below.
        Referral.objects.select_for_update().filter(pk=referral.pk).first()
        if referral.appeals.filter(status__in=OPEN_APPEAL_STATUSES).exists():
            raise ConflictError(_("An appeal against this decision is already open."))
        appeal = Appeal(
            referral=referral,
            decision=decision,
            filed_on=filed_on,
            filed_by=filed_by,
            grounds=grounds.strip(),
            recorded_by=actor,
            higher_body=higher_body,
            status=A.FILED,
            step_started_on=today,
            due_on=appeal_step_due_on(A.FILED, filed_on),
        )
        save_audited(
            appeal,
            AuditAction.CREATE,
            ["filed_on", "filed_by", "grounds"],
            actor=actor,
            request=request,
        )
        notify_person_of_appeal_filed(
            referral=referral, appeal=appeal, actor=actor, request=request
        )
        staff_alerts.appeal_filed(appeal, actor=actor, request=request)
    return appeal


def _ensure_current(appeal: Appeal, expected_version: int) -> None:
    require_current(
        appeal,
        expected_version,
        _("Someone else changed this appeal after you opened it. Nothing was saved: reload it."),
    )


APPEAL_REFUSAL = gettext_lazy("An appeal that is “%(from)s” cannot become “%(to)s”.")
APPEAL_CONFLICT = gettext_lazy(
    "Someone else changed this appeal after you opened it. Nothing was saved: reload it."
)
# Appeals have no timeline model of their own: the audit record is each step's history, and the
# referral's page shows the appeal's dates (review started, resolved) from the appeal itself.
APPEAL_WORKFLOW = declare(
    "assessment.appeal", Appeal, APPEAL_TRANSITIONS, APPEAL_REFUSAL, APPEAL_CONFLICT
)


def appeal_start_review(
    *, actor: Any, appeal: Appeal, expected_version: int, request: Any = None
) -> Appeal:
    """The higher body takes the appeal under review; its decision is due in working days."""
    _ensure_current(appeal, expected_version)
    today = timezone.localdate()
    APPEAL_WORKFLOW.transition(
        record=appeal,
        to=A.UNDER_REVIEW,
        actor=actor,
        expected_version=expected_version,
        changes={
            "review_started_at": timezone.now(),
            "review_started_by": actor,
            "step_started_on": today,
            "due_on": appeal_step_due_on(A.UNDER_REVIEW, today),
        },
        request=request,
        audit_fields=["status", "review_started_at"],
    )
    appeal.refresh_from_db()
    return appeal


def appeal_resolve(
    *,
    actor: Any,
    appeal: Appeal,
    expected_version: int,
    upheld: bool,
    outcome_reasons: str,
    new_decision: OutcomeInput | None = None,
    reexamination_on: dt.date | None = None,
    request: Any = None,
) -> Appeal:
    """Uphold the decision, or change it: a changed decision is a new Decision version."""
    _ensure_current(appeal, expected_version)
    if appeal.status != A.UNDER_REVIEW:
        raise DomainError(
            _("An appeal that is “%(from)s” cannot become “%(to)s”.")
            % {"from": A(appeal.status).label, "to": A(A.UPHELD if upheld else A.CHANGED).label}
        )
    referral = appeal.referral
    today = timezone.localdate()
    birth_date = birth_date_of(referral)
    # Every missing or wrong field in one refusal, as the form gives them, so a caller without
    # the form does not learn of the decision's fields only after it has given the reasons.
    errors: dict[str, list[str]] = {}
    if not outcome_reasons.strip():
        errors["outcome_reasons"] = [_("Give the reasons for the outcome.")]
    if not upheld:
        if new_decision is None:
            errors.setdefault("outcome", []).append(_("Enter the changed decision."))
        else:
            # The higher body is not bound by the division's experts: no majority rule here.
            found = decision_errors(
                new_decision,
                assignments=[],
                birth_date=birth_date,
                on=today,
                reexamination_on=reexamination_on,
            )
            for field, messages in found.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    # The outermost writer (only the higher body's page calls it): durable, so the notice below
    # is enqueued after a real commit, never inside someone else's transaction.
    with transaction.atomic(durable=True):
        APPEAL_WORKFLOW.transition(
            record=appeal,
            to=A.UPHELD if upheld else A.CHANGED,
            actor=actor,
            expected_version=expected_version,
            changes={
                "resolved_at": timezone.now(),
                "resolved_by": actor,
                "outcome_reasons": outcome_reasons.strip(),
                "step_started_on": today,
                "due_on": None,
            },
            request=request,
            audit_fields=["status", "resolved_at", "outcome_reasons"],
        )
        decision = current_decision(referral)
        if not upheld and new_decision is not None:
            decision = decision_create(
                actor=actor,
                referral=referral,
                data=new_decision,
                reexamination_on=reexamination_on,
                birth_date=birth_date,
                on=today,
                appeal=appeal,
                request=request,
            )
        appeal.refresh_from_db()
        notify_person_of_appeal_result(
            referral=referral, appeal=appeal, decision=decision, actor=actor, request=request
        )
    return appeal


def decisions_of(referral: Referral) -> list[Decision]:
    return list(referral.decisions.order_by("sequence").select_related("decided_by_organisation"))
