"""Reads for the referring clinic: its work list and one referral with everything in it.

Reading a referral shows the person's identity and health data, so it leaves an audit record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone

from kopir.assessment.access import clinic_referral_for_user, clinic_referrals
from kopir.assessment.models import Referral, ReferralEvent, ReferralStatus, SecondaryDiagnosis
from kopir.assessment.services.completeness import MissingItem, describe_missing
from kopir.assessment.workflow import AT_RISK_WORKING_DAYS, DeadlineState
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record
from kopir.core.working_days import add_working_days

PAGE_SIZE = 25


class DeadlineClassifier:
    """`workflow.deadline_state` for many dates with one calendar read.

    A deadline is at risk when fewer than AT_RISK_WORKING_DAYS + 1 working days remain after
    today, i.e. when it falls before the (AT_RISK_WORKING_DAYS + 1)-th working day from today.
    Computing that day once keeps a list page's queries constant whatever its length.
    """

    def __init__(self, today: dt.date | None = None) -> None:
        self.today = today or timezone.localdate()
        self.safe_from = add_working_days(self.today, AT_RISK_WORKING_DAYS + 1)

    def __call__(self, due_on: dt.date | None) -> DeadlineState:
        if due_on is None:
            return DeadlineState("none", None)
        if self.today > due_on:
            return DeadlineState("overdue", due_on)
        if due_on < self.safe_from:
            return DeadlineState("at_risk", due_on)
        return DeadlineState("on_time", due_on)


# Returned first (the clinic must act), then drafts (not yet sent), then the rest.
_BUCKET = Case(
    When(status=ReferralStatus.RETURNED, then=Value(0)),
    When(status=ReferralStatus.DRAFT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def clinic_worklist_queryset(user: Any, *, status: str = "") -> QuerySet[Referral]:
    referrals = clinic_referrals(user)
    if status:
        referrals = referrals.filter(status=status)
    return (
        referrals.select_related("person", "primary_diagnosis")
        .annotate(bucket=_BUCKET)
        .order_by("bucket", F("step_due_on").asc(nulls_last=True), "-id")
    )


@dataclass(frozen=True)
class WorklistRow:
    referral: Referral
    deadline: DeadlineState


def clinic_worklist(
    user: Any, *, status: str = "", page: int | str | None = 1
) -> tuple[Page[Referral], list[WorklistRow]]:
    """One page of the clinic's referrals with each one's step deadline, in constant queries."""
    result = Paginator(clinic_worklist_queryset(user, status=status), PAGE_SIZE).get_page(page)
    classify = DeadlineClassifier()
    rows = [WorklistRow(referral, classify(referral.step_due_on)) for referral in result]
    return result, rows


@dataclass(frozen=True)
class ReferralView:
    """A referral with everything the clinic's page shows."""

    referral: Referral
    secondary: list[SecondaryDiagnosis]
    findings: list[Any]
    limitations: list[Any]
    attachments: list[Any]
    events: list[ReferralEvent]
    deadline: DeadlineState
    # What the MSE division asked to add when it last returned the referral.
    asked_to_add: list[MissingItem]
    return_note: str


def clinic_referral_read(user: Any, pk: int, request: HttpRequest | None = None) -> ReferralView:
    """The clinic's referral for display, with the read audited (403/404 as access decides)."""
    with transaction.atomic():
        referral = clinic_referral_for_user(user, pk)
        audit_record(actor=user, action=AuditAction.VIEW, target=referral, request=request)
    return referral_view(referral)


def referral_view(referral: Referral) -> ReferralView:
    events = list(referral.events.select_related("actor").order_by("at", "id"))
    last_return = next(
        (event for event in reversed(events) if event.to_status == ReferralStatus.RETURNED), None
    )
    asked: list[MissingItem] = []
    note = ""
    if last_return is not None:
        asked = describe_missing(last_return.missing)
        note = last_return.note
    return ReferralView(
        referral=referral,
        secondary=list(
            referral.secondary_diagnoses.select_related("code").order_by("position", "id")
        ),
        findings=list(referral.findings.order_by("kind", "side", "measured_on", "id")),
        limitations=list(referral.limitations.all()),
        attachments=list(referral.attachments.order_by("document_type", "-issued_on", "id")),
        events=events,
        deadline=DeadlineClassifier()(referral.step_due_on),
        asked_to_add=asked,
        return_note=note,
    )


def referral_for_edit(user: Any, pk: int, request: HttpRequest | None = None) -> Referral:
    """The referral as the edit form reads it, with the read audited."""
    with transaction.atomic():
        referral = clinic_referral_for_user(user, pk)
        audit_record(actor=user, action=AuditAction.VIEW, target=referral, request=request)
    return referral
