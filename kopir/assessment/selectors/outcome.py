"""The decision as the citizen status page tells it, once the MSE division has decided: the
outcome, the group or category, the cause, the term and the re-examination date, and how, where
and until when to appeal; once the person has appealed, where the appeal stands instead, and after
the higher body's answer the next step the law gives, the court (docs/domain/mse.md §6).

Only what the decision says and where to turn (the division's public contact); no diagnosis. The
period to appeal is data (`AppealFilingPeriod`): the MSE appeal deadlines were not found
(docs/domain/mse.md §6 [U]), so without a recorded period the page fixes no date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from kopir.assessment.models import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealDeadline,
    AppealFilingPeriod,
    AppealStatus,
    Decision,
    Outcome,
    Referral,
    ReferralStatus,
    Term,
)
from kopir.assessment.services.appeal import DEFAULT_APPEAL_DAYS


@dataclass(frozen=True)
class CitizenAppeal:
    """The person's latest appeal against the decision, as they may read it: its step and dates,
    never the grounds or the reasons written by staff (the higher body's letter gives those)."""

    status: str  # AppealStatus
    filed_on: dt.date
    higher_body_name: str
    review_started_on: dt.date | None
    due_on: dt.date | None  # the open step's deadline
    resolved_on: dt.date | None
    appealed_outcome: str  # the decision appealed against, in words, when it was changed

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_APPEAL_STATUSES


def _decision_words(decision: Decision) -> str:
    words = decision.get_outcome_display()
    if decision.category_code:
        words += f", {decision.get_category_code_display()}"
    return str(words)


def citizen_appeal(referral: Referral) -> CitizenAppeal | None:
    appeal = (
        Appeal.objects.filter(referral=referral)
        .select_related("higher_body", "decision")
        .order_by("-recorded_at", "-id")
        .first()
    )
    if appeal is None:
        return None
    changed = appeal.status == AppealStatus.CHANGED
    return CitizenAppeal(
        status=appeal.status,
        filed_on=appeal.filed_on,
        higher_body_name=appeal.higher_body.name,
        review_started_on=(
            timezone.localdate(appeal.review_started_at) if appeal.review_started_at else None
        ),
        due_on=appeal.due_on,
        resolved_on=timezone.localdate(appeal.resolved_at) if appeal.resolved_at else None,
        appealed_outcome=_decision_words(appeal.decision) if changed else "",
    )


@dataclass(frozen=True)
class CitizenOutcome:
    established: bool
    outcome: str
    category: str
    cause: str
    term: str
    indefinite: bool
    valid_until: dt.date | None
    reexamination_on: dt.date | None
    changed_on_appeal: bool
    decided_on: dt.date
    # The body whose decision it is: the division, or the higher body that changed it on appeal.
    decided_by_name: str
    # Where to appeal: the division that decided (it passes the appeal on to the higher body).
    division_name: str
    division_address: str
    division_email: str
    division_phone: str
    higher_body_name: str
    review_working_days: int | None
    # Until when: None when no period is recorded, or the person has not been told yet.
    appeal_until: dt.date | None
    appeal_days: int | None
    notified: bool
    # The latest appeal, if the person appealed: then the page tells it instead of how to appeal.
    appeal: CitizenAppeal | None = None


def review_working_days() -> int | None:
    """How long the higher MSE body takes to decide an appeal (an assumption, mse.md §4)."""
    row = AppealDeadline.objects.filter(status=AppealStatus.UNDER_REVIEW).first()
    return (
        row.working_days if row is not None else DEFAULT_APPEAL_DAYS.get(AppealStatus.UNDER_REVIEW)
    )


def citizen_outcome(referral_id: int) -> CitizenOutcome | None:
    """What the current decision of the referral says, for the person; None before a decision."""
    referral = (
        Referral.objects.select_related("mse_division__parent")
        .filter(pk=referral_id, status__in=(ReferralStatus.DECIDED, ReferralStatus.NOTIFIED))
        .first()
    )
    if referral is None:
        return None
    decision = (
        Decision.objects.filter(referral=referral, superseded_at__isnull=True)
        .select_related("decided_by_organisation")
        .order_by("-sequence")
        .first()
    )
    if decision is None:
        return None
    division = referral.mse_division
    higher = division.parent if division is not None else None
    notified = referral.status == ReferralStatus.NOTIFIED
    period = AppealFilingPeriod.objects.order_by("pk").first()
    appeal_until = None
    if period is not None and notified and referral.step_started_on is not None:
        appeal_until = referral.step_started_on + dt.timedelta(days=period.calendar_days)
    return CitizenOutcome(
        established=decision.outcome == Outcome.ESTABLISHED,
        outcome=decision.get_outcome_display(),
        category=decision.get_category_code_display() if decision.category_code else "",
        cause=decision.get_cause_display() if decision.cause else "",
        term=decision.get_term_display() if decision.term else "",
        indefinite=decision.term == Term.INDEFINITE,
        valid_until=decision.valid_until,
        reexamination_on=decision.reexamination_on,
        changed_on_appeal=decision.appeal_id is not None,
        decided_on=timezone.localdate(decision.decided_at),
        decided_by_name=decision.decided_by_organisation.name,
        division_name=division.name if division is not None else "",
        division_address=division.address if division is not None else "",
        division_email=division.email if division is not None else "",
        division_phone=division.phone if division is not None else "",
        higher_body_name=higher.name if higher is not None else "",
        review_working_days=review_working_days(),
        appeal_until=appeal_until,
        appeal_days=period.calendar_days if period is not None else None,
        notified=notified,
        appeal=citizen_appeal(referral),
    )
