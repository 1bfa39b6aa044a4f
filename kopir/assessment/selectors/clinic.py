"""Reads for the referring clinic: its work list and one referral with everything in it.

Reading a referral shows the person's identity and health data, so it leaves an audit record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.http import HttpRequest
from django.utils import timezone

from kopir.assessment.access import clinic_referral_for_user, clinic_referrals
from kopir.assessment.models import Referral, ReferralEvent, ReferralStatus, SecondaryDiagnosis
from kopir.assessment.models.clinical import in_reading_order
from kopir.assessment.selectors.outcome import CitizenOutcome, citizen_outcome
from kopir.assessment.selectors.queue import Cursor
from kopir.assessment.services.completeness import MissingItem, describe_missing
from kopir.assessment.workflow import AT_RISK_WORKING_DAYS, DeadlineState, label_for_reader
from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.paging import CursorPage, cut_page
from kopir.core.working_days import add_working_days

PAGE_SIZE = 25

# How long a decision counts as "received" on the clinic's home page and in its list filtered so:
# the clinic has a month to see what the division decided, whether or not the person has been told.
RECENT_DECISION_DAYS = 30
# The clinic list's query value (`?decisions=recent`) that lists them.
RECENT_DECISIONS = "recent"
DECIDED_STATUSES = (ReferralStatus.DECIDED, ReferralStatus.NOTIFIED)


def decisions_received_since(today: dt.date | None = None) -> dt.datetime:
    """Since when a decision counts as recently received: the start of the day RECENT_DECISION_DAYS
    days ago, so the count does not change during the day."""
    start = (today or timezone.localdate()) - dt.timedelta(days=RECENT_DECISION_DAYS)
    return timezone.make_aware(dt.datetime.combine(start, dt.time.min))


def recent_decisions(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Those of `referrals` decided within the last RECENT_DECISION_DAYS days (decided, or decided
    and the person told): what the clinic's "decisions received" item counts and lists."""
    return referrals.filter(status__in=DECIDED_STATUSES, decided_at__gte=decisions_received_since())


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


@dataclass(frozen=True)
class ClinicCursor:
    """Where a page of the clinic's list ends: the last row's clinic_rank, and its place in
    (queue_due_on, id) as the division queue writes it ("2,2026-12-31,4711")."""

    rank: int
    place: Cursor

    def encode(self) -> str:
        return f"{self.rank},{self.place.encode()}"

    @classmethod
    def parse(cls, text: str | None) -> ClinicCursor | None:
        """The cursor from the address, or None when it is missing or malformed (first page)."""
        rank, _sep, rest = (text or "").partition(",")
        place = Cursor.parse(rest)
        return cls(int(rank), place) if place is not None and rank.isdigit() else None


def clinic_worklist_queryset(
    user: Any, *, status: str = "", recently_decided: bool = False
) -> QuerySet[Referral]:
    """The clinic's referrals in the list's order: returned first (the clinic must act), then
    drafts, then the rest; within each, the step's deadline first (none last), the newest first.
    With `recently_decided`, only the decisions received lately (`recent_decisions`)."""
    referrals = clinic_referrals(user)
    if status:
        referrals = referrals.filter(status=status)
    if recently_decided:
        referrals = recent_decisions(referrals)
    return referrals.select_related("person", "primary_diagnosis").order_by(*_ORDER)


_ORDER = ("clinic_rank", "queue_due_on", "-id")


def _page_queryset(
    user: Any, status: str, after: ClinicCursor | None, size: int, recently_decided: bool = False
) -> QuerySet[Referral]:
    """The `size` rows after `after`, read as `referral_clinic_list_idx` (or, for one status,
    `referral_clinic_status_idx`) orders them, however deep the page.

    The order mixes directions (deadline up, id down), so "after the cursor" is two ranges of the
    index: the rest of the cursor's (rank, deadline) group, ids below its id; then every later
    (rank, deadline). On PostgreSQL each is read on its own, `size` rows at most, and the two
    merged; SQLite (development) cannot limit the parts of a UNION and reads them as one."""
    rows = clinic_worklist_queryset(user, status=status, recently_decided=recently_decided)
    if after is None:
        return rows[:size]
    due, pk = after.place.due, after.place.pk
    same_group = Q(clinic_rank=after.rank, queue_due_on=due, id__lt=pk)
    # For one status, or the decided ones, the rank is constant: the deadline alone bounds it.
    later: Q | TupleGreaterThan = (
        Q(queue_due_on__gt=due)
        if status or recently_decided
        else TupleGreaterThan(Tuple(F("clinic_rank"), F("queue_due_on")), (after.rank, due))
    )
    if not connection.features.supports_slicing_ordering_in_compound:
        return rows.filter(same_group | later)[:size]
    return (
        rows.filter(same_group)[:size]
        .union(rows.filter(later)[:size], all=True)
        .order_by(*_ORDER)[:size]
    )


@dataclass(frozen=True)
class WorklistRow:
    referral: Referral
    deadline: DeadlineState


def clinic_worklist(
    user: Any,
    *,
    status: str = "",
    recently_decided: bool = False,
    after: ClinicCursor | None = None,
    limit: int = PAGE_SIZE,
) -> CursorPage[WorklistRow]:
    """One page of the clinic's referrals after `after`, each with its step deadline: keyset
    paging, so page 800 costs what page 1 does, and one query whatever the page."""
    referrals, next_cursor = cut_page(
        list(_page_queryset(user, status, after, limit + 1, recently_decided)),
        limit,
        lambda last: ClinicCursor(last.clinic_rank, Cursor(last.queue_due_on, last.pk)).encode(),
    )
    classify = DeadlineClassifier()
    rows = [WorklistRow(referral, classify(referral.step_due_on)) for referral in referrals]
    return CursorPage(rows=rows, next_cursor=next_cursor, is_first=after is None)


@dataclass(frozen=True)
class ReferralView:
    """A referral with everything the clinic's page shows."""

    referral: Referral
    secondary: list[SecondaryDiagnosis]
    findings: list[Any]
    limitations: list[Any]
    attachments: list[Any]
    events: list[ReferralEvent]
    # Each event with the acting organisation named in the reader's language.
    timeline: list[tuple[ReferralEvent, str]]
    deadline: DeadlineState
    # What the MSE division asked to add when it last returned the referral.
    asked_to_add: list[MissingItem]
    return_note: str
    # The division's current decision once it has decided, as the referring clinic sees it.
    outcome: CitizenOutcome | None = None


def clinic_referral_read(user: Any, pk: int, request: HttpRequest | None = None) -> ReferralView:
    """The clinic's referral for display, with the read audited (403/404 as access decides)."""
    with transaction.atomic():
        referral = clinic_referral_for_user(user, pk)
        audited(referral, AuditAction.VIEW, actor=user, request=request)
    return referral_view(referral)


def referral_view(referral: Referral) -> ReferralView:
    events = list(referral.events.select_related("actor__organisation").order_by("at", "id"))
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
        findings=in_reading_order(referral.findings.all()),
        limitations=list(referral.limitations.all()),
        attachments=list(referral.attachments.order_by("document_type", "-issued_on", "id")),
        events=events,
        timeline=[
            (
                event,
                label_for_reader(
                    event.actor_label,
                    getattr(event.actor, "organisation", None),
                    referral.medical_organisation,
                    referral.mse_division,
                ),
            )
            for event in events
        ],
        deadline=DeadlineClassifier()(referral.step_due_on),
        asked_to_add=asked,
        return_note=note,
        outcome=citizen_outcome(referral.pk) if referral.status in DECIDED_STATUSES else None,
    )


def referral_for_edit(user: Any, pk: int, request: HttpRequest | None = None) -> Referral:
    """The referral as the edit form reads it, with the read audited."""
    with transaction.atomic():
        referral = clinic_referral_for_user(user, pk)
        audited(referral, AuditAction.VIEW, actor=user, request=request)
    return referral
