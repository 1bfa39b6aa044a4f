"""The decision: recorded by the division head from the experts' conclusions (the majority
decides, dissenting conclusions are kept with the decision), then the person is notified."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kopir.assessment.exchange_events import publish_referral_decided
from kopir.assessment.models import (
    Decision,
    DecisionBasis,
    ExpertAssignment,
    Outcome,
    Referral,
    ReferralStatus,
    Term,
)
from kopir.assessment.services import staff_alerts
from kopir.assessment.services.division import ensure_current
from kopir.assessment.services.division_notices import notify_person_of_decision
from kopir.assessment.services.outcome_rules import (
    OutcomeInput,
    outcome_errors,
    valid_until,
)
from kopir.assessment.services.review import CONCLUSION_FIELDS, birth_date_of
from kopir.assessment.signals import decision_recorded
from kopir.assessment.workflow import organisation_label, referral_transition
from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.errors import ConflictError, DomainError

DECISION_FIELDS = [
    "outcome",
    "category_code",
    "cause",
    "term",
    "valid_until",
    "reexamination_on",
    "general_loss_percent",
    "professional_loss_percent",
    "reasons",
]


def conclusions_stamp(assignments: Sequence[ExpertAssignment]) -> str:
    """A short mark of the conclusions as the head read them ("12:3,13:2,…"). The decision form
    carries it, so a conclusion revised while the head was deciding is a conflict."""
    return ",".join(f"{a.pk}:{a.version}" for a in sorted(assignments, key=lambda a: a.pk))


@dataclass(frozen=True)
class Majority:
    outcome: str | None
    category_code: str | None  # None when no category has a majority
    categories_proposed: frozenset[str]


def majority_of(assignments: Sequence[ExpertAssignment]) -> Majority:
    """What more than half of the experts concluded."""
    total = len(assignments)
    outcomes = Counter(a.outcome for a in assignments)
    outcome = next((value for value, n in outcomes.items() if n * 2 > total), None)
    categories = Counter(a.category_code for a in assignments if a.outcome == Outcome.ESTABLISHED)
    category = next((value for value, n in categories.items() if n * 2 > total), None)
    return Majority(outcome, category, frozenset(categories))


#: What the head's form starts from when every expert wrote the same (issue 11: no retyping):
#: a conclusion's fields but its reasons, which are each expert's own.
AGREED_FIELDS = tuple(name for name in CONCLUSION_FIELDS if name != "reasons")


def agreed_by_all(assignments: Sequence[ExpertAssignment]) -> dict[str, Any]:
    """Each part of the conclusion every expert gave alike (nothing while any is missing)."""
    if not assignments or not all(a.is_submitted for a in assignments):
        return {}
    agreed = {}
    for name in AGREED_FIELDS:
        values = {getattr(a, name) for a in assignments}
        if len(values) == 1 and (value := values.pop()) not in (None, ""):
            agreed[name] = value
    return agreed


def dissenting(decision: OutcomeInput, assignments: Sequence[ExpertAssignment]) -> list[dict]:
    """The conclusions that differ from the decision in outcome or group, as kept with it."""
    rows = []
    for a in assignments:
        differs = a.outcome != decision.outcome or (
            decision.outcome == Outcome.ESTABLISHED and a.category_code != decision.category_code
        )
        if differs:
            rows.append(
                {
                    "position": a.position,
                    "outcome": a.outcome,
                    "category_code": a.category_code,
                    "cause": a.cause,
                    "term": a.term,
                    "reasons": a.reasons,
                }
            )
    return rows


def decision_errors(
    data: OutcomeInput,
    *,
    assignments: Sequence[ExpertAssignment],
    birth_date: dt.date,
    on: dt.date,
    reexamination_on: dt.date | None,
) -> dict[str, list[str]]:
    errors = outcome_errors(data, birth_date=birth_date, on=on, reasons_always_required=False)
    if assignments:
        found = majority_of(assignments)
        if found.outcome is not None and data.outcome and data.outcome != found.outcome:
            errors.setdefault("outcome", []).append(
                _("The majority of the experts concluded “%(outcome)s”: the decision follows it.")
                % {"outcome": Outcome(found.outcome).label}
            )
        elif data.outcome == Outcome.ESTABLISHED and data.category_code:
            if found.category_code and data.category_code != found.category_code:
                errors.setdefault("category_code", []).append(
                    _("The majority of the experts proposed another group or category.")
                )
            elif not found.category_code and data.category_code not in found.categories_proposed:
                errors.setdefault("category_code", []).append(
                    _("Choose one of the groups or categories the experts proposed.")
                )
    _reexamination_errors(data, errors, birth_date=birth_date, on=on, value=reexamination_on)
    return errors


def _reexamination_errors(
    data: OutcomeInput,
    errors: dict[str, list[str]],
    *,
    birth_date: dt.date,
    on: dt.date,
    value: dt.date | None,
) -> None:
    needs_date = data.outcome == Outcome.ESTABLISHED and data.term and data.term != Term.INDEFINITE
    if not needs_date:
        if value is not None:
            errors.setdefault("reexamination_on", []).append(
                _("Leave the re-examination date empty: there is no re-examination.")
            )
        return
    if value is None:
        errors.setdefault("reexamination_on", []).append(_("Enter the re-examination date."))
        return
    end = valid_until(data.term, start=on, birth_date=birth_date)
    if value <= on:
        errors.setdefault("reexamination_on", []).append(
            _("The re-examination date must be after today.")
        )
    elif end is not None and value > end:
        errors.setdefault("reexamination_on", []).append(
            _("The re-examination must take place by %(date)s, when the term ends.")
            % {"date": date_format(end, "SHORT_DATE_FORMAT")}
        )


def referral_decide(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    expected_conclusions: str,
    decision: OutcomeInput,
    reexamination_on: dt.date | None,
    request: Any = None,
) -> Decision:
    """Record the decision from the submitted conclusions and move the referral to DECIDED."""
    ensure_current(referral, expected_version)
    if referral.status != ReferralStatus.ASSIGNED:
        raise DomainError(_("A decision is recorded for a referral that is with the experts."))
    assignments = list(ExpertAssignment.objects.filter(referral=referral).order_by("position"))
    if not assignments or any(not a.is_submitted for a in assignments):
        raise DomainError(_("Every assigned expert must submit a conclusion before the decision."))
    if conclusions_stamp(assignments) != expected_conclusions:
        raise ConflictError(
            _(
                "An expert changed a conclusion after you opened this page. Nothing was saved: "
                "read the conclusions again."
            )
        )
    today = timezone.localdate()
    birth_date = birth_date_of(referral)
    errors = decision_errors(
        decision,
        assignments=assignments,
        birth_date=birth_date,
        on=today,
        reexamination_on=reexamination_on,
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        referral = referral_transition(
            referral=referral,
            to_status=ReferralStatus.DECIDED,
            actor=actor,
            expected_version=expected_version,
            actor_label=organisation_label(actor),
            request=request,
            changes={"decided_at": timezone.now()},
        )
        record = decision_create(
            actor=actor,
            referral=referral,
            data=decision,
            reexamination_on=reexamination_on,
            birth_date=birth_date,
            on=today,
            dissent=dissenting(decision, assignments),
            request=request,
        )
        publish_referral_decided(referral, record)
    return record


def decision_create(
    *,
    actor: Any,
    referral: Referral,
    data: OutcomeInput,
    reexamination_on: dt.date | None,
    birth_date: dt.date,
    on: dt.date,
    dissent: list[dict] | None = None,
    appeal: Any = None,
    request: Any = None,
) -> Decision:
    """Write a decision version. The caller holds the transaction and has validated the input;
    an earlier current decision is marked superseded, never changed otherwise."""
    previous = referral.decisions.filter(superseded_at__isnull=True).order_by("-sequence").first()
    now = timezone.now()
    established = data.outcome == Outcome.ESTABLISHED
    record = Decision(
        referral=referral,
        sequence=(previous.sequence + 1) if previous else 1,
        basis=DecisionBasis.APPEAL if appeal is not None else DecisionBasis.CONCLUSIONS,
        outcome=data.outcome,
        category_code=data.category_code,
        cause=data.cause,
        term=data.term,
        general_loss_percent=data.general_loss_percent,
        professional_loss_percent=data.professional_loss_percent,
        reasons=data.reasons.strip(),
        valid_until=valid_until(data.term, start=on, birth_date=birth_date)
        if established
        else None,
        reexamination_on=reexamination_on,
        dissent=dissent or [],
        decided_by=actor,
        decided_by_organisation_id=actor.organisation_id,
        appeal=appeal,
    )
    record.full_clean()
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    record.save()
    audited(record, AuditAction.CREATE, DECISION_FIELDS, actor=actor, request=request)
    # In the same transaction: whatever follows the decision (the IRP draft) stands or falls with it.
    decision_recorded.send(sender=Decision, decision=record, actor=actor, request=request)
    staff_alerts.referral_decided(referral, actor=actor, request=request)
    return record


def referral_notify(
    *, actor: Any, referral: Referral, expected_version: int, request: Any = None
) -> Referral:
    """Record that the person is notified of the decision, and queue the notice to them."""
    ensure_current(referral, expected_version)
    if referral.status != ReferralStatus.DECIDED:
        raise DomainError(_("The person is notified once the decision is recorded."))
    with transaction.atomic():
        referral = referral_transition(
            referral=referral,
            to_status=ReferralStatus.NOTIFIED,
            actor=actor,
            expected_version=expected_version,
            actor_label=organisation_label(actor),
            request=request,
        )
        queued = notify_person_of_decision(
            referral=referral, decision=current_decision(referral), actor=actor, request=request
        )
        if not queued:
            # The step is recorded either way; the note says the notice went another way.
            referral.events.filter(to_status=ReferralStatus.NOTIFIED).order_by("-id").update(
                note=_("No electronic notice could be queued: notify the person by post or phone.")
            )
    return referral


def current_decision(referral: Referral) -> Decision | None:
    return referral.decisions.filter(superseded_at__isnull=True).order_by("-sequence").first()
