"""The referral state machine: the table decides, a stale version conflicts, every step is logged."""

from __future__ import annotations

import datetime as dt

import pytest

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import ReferralEvent, ReferralStatus, StepDeadline
from kopir.assessment.tests.factories import ReferralFactory
from kopir.assessment.workflow import (
    TRANSITIONS,
    InvalidTransition,
    deadline_state,
    referral_transition,
    referral_transition_many,
    step_due_on,
)
from kopir.audit.models import AuditEvent
from kopir.core.errors import ConflictError

pytestmark = pytest.mark.django_db
S = ReferralStatus


def test_every_status_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(ReferralStatus.values)
    for targets in TRANSITIONS.values():
        assert targets <= set(ReferralStatus.values)


def test_an_allowed_transition_moves_the_referral_and_leaves_an_event_and_an_audit_record():
    clinician = UserFactory.create(roles=[Role.CLINICIAN])
    referral = ReferralFactory.create()

    moved = referral_transition(
        referral=referral, to_status=S.SENT, actor=clinician, expected_version=referral.version
    )

    assert moved.status == S.SENT
    assert moved.version == 2
    assert moved.step_due_on is not None
    event = ReferralEvent.objects.get(referral=referral)
    assert (event.from_status, event.to_status, event.actor) == (S.DRAFT, S.SENT, clinician)
    assert AuditEvent.objects.filter(
        target_type="assessment.referral", target_id=str(referral.pk), detail="draft->sent"
    ).exists()


@pytest.mark.parametrize(
    ("start", "target"),
    [(S.DRAFT, S.DECIDED), (S.SENT, S.NOTIFIED), (S.NOTIFIED, S.SENT), (S.WITHDRAWN, S.SENT)],
)
def test_a_transition_the_table_does_not_allow_is_refused_and_nothing_is_written(start, target):
    referral = ReferralFactory.create(status=start)

    with pytest.raises(InvalidTransition):
        referral_transition(
            referral=referral, to_status=target, actor=None, expected_version=referral.version
        )

    referral.refresh_from_db()
    assert referral.status == start
    assert not ReferralEvent.objects.exists()


def test_a_stale_version_is_a_conflict_and_overwrites_nothing():
    referral = ReferralFactory.create(status=S.SENT)
    referral_transition(referral=referral, to_status=S.ACCEPTED, actor=None, expected_version=1)

    stale = ReferralFactory._meta.model.objects.get(pk=referral.pk)
    stale.status = S.SENT  # what a second specialist still sees on their screen
    with pytest.raises(ConflictError):
        referral_transition(referral=stale, to_status=S.RETURNED, actor=None, expected_version=1)

    referral.refresh_from_db()
    assert referral.status == S.ACCEPTED
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_many_referrals_move_together_each_with_its_event_audit_record_and_version():
    clinician = UserFactory.create(roles=[Role.CLINICIAN])
    drafts = [ReferralFactory.create() for _ in range(3)]
    returned = ReferralFactory.create(status=S.RETURNED, version=4)

    moves = referral_transition_many(
        [*drafts, returned],
        to_status=S.SENT,
        actor=clinician,
        changes={drafts[0].pk: {"returns_count": 2}},
    )

    assert [(move.source, move.target) for move in moves] == [
        (S.DRAFT, S.SENT),
        (S.DRAFT, S.SENT),
        (S.DRAFT, S.SENT),
        (S.RETURNED, S.SENT),
    ]
    stored = {r.pk: r for r in ReferralFactory._meta.model.objects.all()}
    assert [stored[r.pk].version for r in [*drafts, returned]] == [2, 2, 2, 5]
    assert stored[drafts[0].pk].returns_count == 2
    assert stored[drafts[1].pk].returns_count == 0
    assert returned.version == 5  # the caller's copies are moved too
    assert ReferralEvent.objects.filter(to_status=S.SENT, actor=clinician).count() == 4
    audit = AuditEvent.objects.filter(target_type="assessment.referral", actor=clinician)
    assert sorted(audit.values_list("detail", "fields")) == [
        ("draft->sent", ["returns_count", "status"]),
        ("draft->sent", ["status"]),
        ("draft->sent", ["status"]),
        ("returned->sent", ["status"]),
    ]


@pytest.mark.parametrize("spoilt", ["stale", "not_allowed"])
def test_one_referral_that_may_not_move_refuses_the_whole_batch_and_nothing_is_written(spoilt):
    drafts = [ReferralFactory.create() for _ in range(3)]
    if spoilt == "stale":
        drafts[1].version = 7  # what a screen opened long ago holds
        error: type[Exception] = ConflictError
    else:
        ReferralFactory._meta.model.objects.filter(pk=drafts[1].pk).update(status=S.WITHDRAWN)
        error = InvalidTransition

    with pytest.raises(error):
        referral_transition_many(drafts, to_status=S.SENT, actor=None)

    assert not ReferralEvent.objects.exists()
    assert not AuditEvent.objects.filter(action="update").exists()
    assert not ReferralFactory._meta.model.objects.filter(status=S.SENT).exists()


def test_step_deadlines_count_working_days_and_an_administrator_can_change_them():
    # Sent on Wednesday 9 December 2026: 2 working days by default → Friday 11 December.
    assert step_due_on(S.SENT, dt.date(2026, 12, 9)) == dt.date(2026, 12, 11)
    # Experts have 10 working days; Independence Day (Wednesday 16 December) does not count.
    assert step_due_on(S.ASSIGNED, dt.date(2026, 12, 9)) == dt.date(2026, 12, 24)
    StepDeadline.objects.create(status=S.SENT, working_days=3, legal_source="Regional order")
    assert step_due_on(S.SENT, dt.date(2026, 12, 9)) == dt.date(2026, 12, 14)
    assert step_due_on(S.NOTIFIED, dt.date(2026, 12, 9)) is None


def test_a_deadline_is_on_time_then_at_risk_on_its_last_working_day_then_overdue():
    due = dt.date(2026, 12, 11)  # a Friday
    assert deadline_state(due, today=dt.date(2026, 12, 8)).code == "on_time"
    assert deadline_state(due, today=dt.date(2026, 12, 10)).code == "at_risk"
    assert deadline_state(due, today=dt.date(2026, 12, 11)).code == "at_risk"
    assert deadline_state(due, today=dt.date(2026, 12, 14)).code == "overdue"
    assert deadline_state(None).code == "none"
