"""The MSE division's queue: its referrals ordered by the deadline of their current step.

Keyset pagination ("after=<due>,<id>") rather than page numbers: the queue changes while a
specialist works through it, and an offset would skip or repeat referrals as others move on.
The order is (queue_due_on, id), a column the database keeps (the step's deadline, or
NO_DEADLINE) and the order of `referral_queue_due_idx` (division, status, queue_due_on, id):
the cursor is a row comparison `(queue_due_on, id) > (a, b)`, and on PostgreSQL each status is
read on its own straight from the index, at most a page of rows, and the branches merged, so a
page costs the same at the top of 150 k referrals as deep in them (docs/performance.md).
Rows carry no identity: the person's birth date is read as an annotation only to show an age
band (`age_bands.py`), never the age: the queue is read by every specialist of the division.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from kopir.assessment.age_bands import AgeBand, age_in_years, band_of_age
from kopir.assessment.models import Attachment, Icd10Code, Referral, ReferralStatus, Route
from kopir.assessment.selectors.deadlines import deadline_states
from kopir.assessment.workflow import AT_RISK_WORKING_DAYS, DeadlineState
from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record
from kopir.core.paging import Cursor, CursorPage, cut_page, merged_page, rows_after
from kopir.core.selectors import matching
from kopir.core.working_days import add_working_days
from kopir.directory.models import Organisation

S = ReferralStatus
# What the division has to act on: received, accepted, with the experts, decided (to notify).
OPEN_STATUSES: tuple[str, ...] = (S.SENT, S.ACCEPTED, S.ASSIGNED, S.DECIDED)
# Everything a division ever sees (a draft is the clinic's until it is sent).
DIVISION_STATUSES: tuple[str, ...] = (
    S.SENT,
    S.RETURNED,
    S.ACCEPTED,
    S.ASSIGNED,
    S.DECIDED,
    S.NOTIFIED,
    S.WITHDRAWN,
)
PAGE_SIZE = 25


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = OPEN_STATUSES
    clinic_id: int | None = None
    chapter: str = ""
    route: str = ""
    overdue: bool = False
    # Due today or within AT_RISK_WORKING_DAYS working days (workflow.deadline_state's "at risk").
    at_risk: bool = False
    # In absentia, with a document the head has not yet released to the experts: the head reads
    # it first for anything that names the person (access.may_release_attachments).
    documents_to_check: bool = False


@dataclass
class QueueRow:
    referral: Referral
    age_band: AgeBand
    deadline: DeadlineState


def queue_queryset(division_id: int, filters: QueueFilters, today: dt.date) -> QuerySet[Referral]:
    queryset = (
        _matching_referrals(division_id, filters, today)
        .select_related("medical_organisation", "primary_diagnosis")
        .annotate(person_birth_date=F("person__birth_date"))
    )
    return queryset.order_by("queue_due_on", "id")


def _matching_referrals(
    division_id: int, filters: QueueFilters, today: dt.date
) -> QuerySet[Referral]:
    """The division's referrals the filters keep, unordered and with nothing more read."""
    statuses = [s for s in filters.statuses if s in DIVISION_STATUSES] or list(OPEN_STATUSES)
    queryset = Referral.objects.filter(
        mse_division_id=division_id, first_sent_at__isnull=False, status__in=statuses
    )
    queryset = matching(
        queryset,
        medical_organisation_id=filters.clinic_id,
        primary_diagnosis__chapter=filters.chapter,
        route=filters.route,
    )
    if filters.overdue:
        queryset = queryset.filter(queue_due_on__lt=today)
    if filters.at_risk:
        safe_from = add_working_days(today, AT_RISK_WORKING_DAYS + 1)
        queryset = queryset.filter(queue_due_on__gte=today, queue_due_on__lt=safe_from)
    if filters.documents_to_check:
        unreleased = Attachment.objects.filter(
            referral_id=OuterRef("pk"), released_to_experts_at__isnull=True
        )
        queryset = queryset.filter(Exists(unreleased), route=Route.IN_ABSENTIA)
    return queryset.order_by()


def _page_queryset(
    division_id: int, filters: QueueFilters, today: dt.date, after: Cursor | None, size: int
) -> QuerySet[Referral]:
    """The `size` rows after `after`, read so that `referral_queue_due_idx` serves the order:
    one branch a status (the open queue is four, "all" seven), merged (core/paging.py)."""

    def one(selection: QueueFilters) -> QuerySet[Referral]:
        return rows_after(queue_queryset(division_id, selection, today), "queue_due_on", after)

    statuses = [s for s in filters.statuses if s in DIVISION_STATUSES] or list(OPEN_STATUSES)
    parts = [replace(filters, statuses=(status,)) for status in statuses]
    return merged_page(one, filters, parts, due_field="queue_due_on", size=size)


def division_queue(
    *,
    division_id: int,
    filters: QueueFilters,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    today: dt.date | None = None,
) -> CursorPage[QueueRow]:
    """One page of the queue after `after`; one query whatever the page size."""
    today = today or timezone.localdate()
    referrals, next_cursor = cut_page(
        list(_page_queryset(division_id, filters, today, after, limit + 1)),
        limit,
        lambda last: Cursor(last.queue_due_on, last.pk).encode(),
    )
    states = deadline_states((r.step_due_on for r in referrals), today)
    rows = [
        QueueRow(
            referral=referral,
            age_band=band_of_age(
                age_in_years(referral.person_birth_date, today)  # type: ignore[attr-defined]
            ),
            deadline=states[referral.step_due_on],
        )
        for referral in referrals
    ]
    return CursorPage(rows=rows, next_cursor=next_cursor, is_first=after is None)


def queue_clinics(division_id: int) -> QuerySet[Organisation]:
    """The clinics that have sent referrals to the division, for the filter.

    One probe of `referral_clinic_idx` per organisation in the directory (a few hundred rows),
    which stops at the clinic's first referral to the division, instead of a DISTINCT over the
    division's referrals (150 k at the national scale)."""
    sent_here = Referral.objects.filter(
        medical_organisation_id=OuterRef("pk"),
        mse_division_id=division_id,
        first_sent_at__isnull=False,
    ).order_by()
    return Organisation.objects.filter(Exists(sent_here))


def clinics_with_overdue_cases(division_id: int, today: dt.date | None = None) -> set[int]:
    """The clinics with at least one case in the division's open queue past its step's deadline:
    those whose queue, filtered to the clinic and "overdue", is not empty. Read from the queue
    itself (the division's own data), not from a dashboard's published figure, which counts only
    a period's referrals and may be shown as "<5". The division's overdue cases only, by
    `referral_queue_due_idx`."""
    today = today or timezone.localdate()
    overdue = _matching_referrals(division_id, QueueFilters(overdue=True), today)
    return set(overdue.values_list("medical_organisation_id", flat=True).distinct())


def queue_chapters(division_id: int) -> list[str]:
    """The ICD-10 chapters a referral may be filtered by: the classifier's own (about twenty),
    read from the reference table, not from the division's referrals, whose every row a
    DISTINCT would read. A chapter with no referral in the queue filters to an empty page."""
    del division_id  # the same chapters for every division
    chapters = (
        Icd10Code.objects.exclude(chapter="")
        .order_by()
        .values_list("chapter", flat=True)
        .distinct()
    )
    return sorted(set(chapters), key=_roman_order)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}


def _roman_order(chapter: str) -> tuple[int, str]:
    """ICD-10 chapters are Roman numerals: sort "IX" before "X" before "XXI"."""
    total, previous = 0, 0
    for letter in reversed(chapter.upper()):
        value = _ROMAN.get(letter)
        if value is None:
            return (10_000, chapter)
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return (total, chapter)


def queue_export_rows(
    *,
    actor: Any,
    division_id: int,
    filters: QueueFilters,
    today: dt.date,
    limit: int,
    request: HttpRequest | None = None,
) -> list[list[Any]]:
    """The filtered queue as rows for a file: numbers, clinics, diagnoses, steps and deadlines,
    no identity. Taking the queue out of Kopir is recorded in the same transaction as the read."""
    with transaction.atomic():
        rows: list[list[Any]] = [
            [
                referral.number,
                referral.medical_organisation.short_name,
                referral.primary_diagnosis.code,
                referral.get_route_display(),
                referral.get_status_display(),
                str(
                    band_of_age(
                        age_in_years(referral.person_birth_date, today)  # type: ignore[attr-defined]
                    )
                ),
                referral.step_due_on.isoformat() if referral.step_due_on else "",
                referral.returns_count,
            ]
            for referral in queue_queryset(division_id, filters, today)[:limit]
        ]
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            target_type="assessment.referral",
            request=request,
            detail="division queue",
        )
    return rows
