"""The expert's work list: conclusions to write first by their referral's deadline, then the
submitted ones, the latest first, and no more than the limit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import ExpertAssignment, ReferralStatus
from kopir.assessment.selectors.division import expert_worklist
from kopir.assessment.tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db


def assignment(expert, *, due_in: int, submitted_days_ago: int | None = None) -> ExpertAssignment:
    today = timezone.localdate()
    referral = ReferralFactory.create(
        status=ReferralStatus.ASSIGNED, step_due_on=today + dt.timedelta(days=due_in)
    )
    submitted = None
    if submitted_days_ago is not None:
        submitted = timezone.now() - dt.timedelta(days=submitted_days_ago)
    return ExpertAssignment.objects.create(
        referral=referral,
        expert=expert,
        position=1,
        assigned_by=expert,
        submitted_at=submitted,
    )


def test_conclusions_to_write_come_first_by_deadline_then_the_latest_submitted():
    expert, other = UserFactory.create(), UserFactory.create()
    old = assignment(expert, due_in=-30, submitted_days_ago=20)
    later = assignment(expert, due_in=9)
    recent = assignment(expert, due_in=-5, submitted_days_ago=2)
    sooner = assignment(expert, due_in=3)
    assignment(other, due_in=1)

    assert expert_worklist(expert.pk, limit=10) == [sooner, later, recent, old]
    assert expert_worklist(expert.pk, limit=3) == [sooner, later, recent]
    assert expert_worklist(expert.pk, limit=1) == [sooner]
