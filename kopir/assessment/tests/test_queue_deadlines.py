"""Deadlines on the division's lists: due, at risk on the last working day, overdue after it,
counted on Kazakhstan's working days (holidays and moved days off included)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kopir.assessment.models import ReferralStatus
from kopir.assessment.selectors.deadlines import WorkingDayIndex, deadline_states
from kopir.assessment.selectors.queue import QueueFilters, division_queue
from kopir.assessment.tests.factories import ReferralFactory
from kopir.assessment.workflow import deadline_state
from kopir.core.models import WorkingDayOverride
from kopir.core.working_days import working_days_between
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def days(start: dt.date, count: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(count)]


@pytest.mark.parametrize(
    "today",
    [
        dt.date(2026, 12, 14),  # Independence Day on Wednesday 16 December
        dt.date(2026, 3, 18),  # Nauryz on 21–23 March, days off moved to 24–25 March
        dt.date(2026, 12, 30),  # New Year
    ],
)
def test_the_batch_states_agree_with_the_workflows_rule_around_holidays(today):
    dues = days(today - dt.timedelta(days=3), 20)

    batch = deadline_states(dues, today)

    assert {due: state.code for due, state in batch.items()} == {
        due: deadline_state(due, today).code for due in dues
    }


def test_a_step_due_after_a_holiday_is_at_risk_on_the_last_working_day_before_it():
    # Due Thursday 17 December 2026; Wednesday 16 is Independence Day. On Tuesday 15 the only
    # working day left is the 17th itself, so the step is at risk, not on time.
    due = dt.date(2026, 12, 17)
    assert deadline_states([due], dt.date(2026, 12, 14))[due].code == "on_time"
    assert deadline_states([due], dt.date(2026, 12, 15))[due].code == "at_risk"
    assert deadline_states([due], dt.date(2026, 12, 17))[due].code == "at_risk"
    assert deadline_states([due], dt.date(2026, 12, 18))[due].code == "overdue"


def test_an_administrators_working_day_override_counts_in_the_batch():
    WorkingDayOverride.objects.create(date=dt.date(2026, 12, 15), is_working=False, reason="Test")
    index = WorkingDayIndex(dt.date(2026, 12, 11), dt.date(2026, 12, 31))

    assert index.between(dt.date(2026, 12, 11), dt.date(2026, 12, 18)) == working_days_between(
        dt.date(2026, 12, 11), dt.date(2026, 12, 18)
    )
    assert index.between(dt.date(2026, 12, 11), dt.date(2026, 12, 18)) == 3


def test_queue_rows_carry_the_deadline_state_of_their_step():
    division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)
    today = dt.date(2026, 12, 15)
    sent = timezone.now()
    overdue = ReferralFactory.create(
        mse_division=division, status=ReferralStatus.SENT, first_sent_at=sent,
        step_due_on=dt.date(2026, 12, 14),
    )  # fmt: skip
    at_risk = ReferralFactory.create(
        mse_division=division, status=ReferralStatus.SENT, first_sent_at=sent,
        step_due_on=dt.date(2026, 12, 17),
    )  # fmt: skip
    on_time = ReferralFactory.create(
        mse_division=division, status=ReferralStatus.SENT, first_sent_at=sent,
        step_due_on=dt.date(2026, 12, 24),
    )  # fmt: skip

    page = division_queue(division_id=division.pk, filters=QueueFilters(), today=today)

    assert [(row.referral.pk, row.deadline.code) for row in page.rows] == [
        (overdue.pk, "overdue"),
        (at_risk.pk, "at_risk"),
        (on_time.pk, "on_time"),
    ]
