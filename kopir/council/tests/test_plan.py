"""The work plan: a draft until a vote approves it; each item's status follows what was done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kopir.accounts.models import User
from kopir.core.errors import DomainError
from kopir.council import models as m
from kopir.council.forms_plan import PlanItemForm
from kopir.council.selectors.councils import plan_items_with_progress, plan_status_counts
from kopir.council.services.meetings import meeting_mark_held
from kopir.council.services.plan import (
    plan_approve_by_vote,
    plan_create,
    plan_item_add,
    plan_item_set_status,
    plan_item_update,
)
from kopir.council.services.votes import vote_close
from kopir.council.tests.conftest import roll_call_vote
from kopir.council.tests.factories import (
    AgendaItemFactory,
    MeetingFactory,
    MonitoringVisitFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from kopir.council.tests.fixtures_followup import english_refusals

pytestmark = pytest.mark.django_db


def _approve(
    plan: m.WorkPlan, item: m.AgendaItem, secretary: User, members: list[m.Member], choice: str
) -> m.Vote:
    question = "Жұмыс жоспарын бекіту"
    vote = roll_call_vote(item, secretary, members, choice, question=question, decides_plan=plan)
    return vote_close(actor=secretary, vote=vote)


@pytest.fixture
def draft(council: m.Council, secretary: User) -> m.WorkPlan:
    plan = plan_create(actor=secretary, council=council, year=2026, title="2026 жылғы жоспар")
    plan_item_add(
        actor=secretary,
        plan=plan,
        quarter=2,
        month=4,
        topic="Қала мектептерін мониторингтеу",
        planned_form=m.PlannedForm.MONITORING_VISIT,
    )
    return plan


def test_a_plan_is_a_draft_until_an_approving_vote(
    draft: m.WorkPlan, agenda_item: m.AgendaItem, secretary: User, members: list[m.Member]
) -> None:
    assert draft.status == m.PlanStatus.DRAFT

    vote = _approve(draft, agenda_item, secretary, members, m.BallotChoice.FOR)

    draft.refresh_from_db()
    assert vote.result == m.VoteResult.APPROVED_UNANIMOUSLY
    assert draft.status == m.PlanStatus.APPROVED
    assert draft.approved_by_vote == vote


def test_a_rejecting_vote_rejects_the_plan(
    draft: m.WorkPlan, agenda_item: m.AgendaItem, secretary: User, members: list[m.Member]
) -> None:
    _approve(draft, agenda_item, secretary, members, m.BallotChoice.AGAINST)

    draft.refresh_from_db()
    assert draft.status == m.PlanStatus.REJECTED
    assert draft.approved_by_vote is None


def test_a_vote_without_quorum_leaves_the_plan_a_draft(
    draft: m.WorkPlan, agenda_item: m.AgendaItem, secretary: User, members: list[m.Member]
) -> None:
    _approve(draft, agenda_item, secretary, members[:1], m.BallotChoice.FOR)

    draft.refresh_from_db()
    assert draft.status == m.PlanStatus.DRAFT


def test_an_approved_plans_items_cannot_be_edited(
    draft: m.WorkPlan, agenda_item: m.AgendaItem, secretary: User, members: list[m.Member]
) -> None:
    _approve(draft, agenda_item, secretary, members, m.BallotChoice.FOR)
    item = draft.items.get()

    with pytest.raises(DomainError):
        plan_item_update(
            actor=secretary,
            item=item,
            responsible=[],
            bodies_to_invite=[],
            topic="Басқа тақырып",
        )
    with pytest.raises(DomainError):
        plan_item_add(actor=secretary, plan=draft, quarter=3, topic="Жаңа", planned_form="meeting")


def test_a_closed_vote_cannot_approve_a_second_plan(
    draft: m.WorkPlan,
    agenda_item: m.AgendaItem,
    secretary: User,
    members: list[m.Member],
    council: m.Council,
) -> None:
    vote = _approve(draft, agenda_item, secretary, members, m.BallotChoice.FOR)
    second = plan_create(actor=secretary, council=council, year=2027, title="2027")

    with pytest.raises(DomainError):
        plan_approve_by_vote(actor=secretary, plan=second, vote=vote)


def test_a_month_must_lie_in_its_quarter(draft: m.WorkPlan, secretary: User) -> None:
    with pytest.raises(ValidationError) as error:
        plan_item_add(
            actor=secretary, plan=draft, quarter=1, month=5, topic="Тақырып", planned_form="meeting"
        )
    assert "month" in error.value.message_dict


def test_an_item_is_done_when_a_held_meeting_or_a_visit_links_to_it(
    council: m.Council, secretary: User, members: list[m.Member]
) -> None:
    plan = WorkPlanFactory.create(council=council, status=m.PlanStatus.APPROVED)
    by_meeting = WorkPlanItemFactory.create(
        plan=plan, quarter=1, topic="Теректі ауданында көшпелі отырыс"
    )
    by_agenda = WorkPlanItemFactory.create(plan=plan, quarter=2, topic="Өтінішті қарау")
    by_visit = WorkPlanItemFactory.create(plan=plan, quarter=2, topic="Мектепке бару")
    planned_only = WorkPlanItemFactory.create(plan=plan, quarter=3, topic="Болашақ отырыс")
    future_visit = WorkPlanItemFactory.create(plan=plan, quarter=4, topic="Жоспарланған сапар")
    held = MeetingFactory.create(
        council=council,
        number=5,
        starts_at=timezone.now() - dt.timedelta(days=2),
        plan_item=by_meeting,
    )
    AgendaItemFactory.create(meeting=held, order=1, plan_item=by_agenda)
    MeetingFactory.create(council=council, number=6, plan_item=planned_only)
    MonitoringVisitFactory.create(
        council=council, plan_item=by_visit, visited_on=dt.date(2026, 4, 10)
    )
    MonitoringVisitFactory.create(
        council=council,
        plan_item=future_visit,
        visited_on=timezone.localdate() + dt.timedelta(days=30),
    )
    meeting_mark_held(actor=secretary, meeting=held)

    progress = {item.pk: item.progress for item in plan_items_with_progress(plan)}

    assert progress == {
        by_meeting.pk: m.WorkPlanItemStatus.DONE,
        by_agenda.pk: m.WorkPlanItemStatus.DONE,
        by_visit.pk: m.WorkPlanItemStatus.DONE,
        planned_only.pk: m.WorkPlanItemStatus.PENDING,
        future_visit.pk: m.WorkPlanItemStatus.PENDING,
    }


def test_moving_an_item_needs_a_note_and_shows_in_the_counts(
    council: m.Council, secretary: User
) -> None:
    plan = WorkPlanFactory.create(council=council, status=m.PlanStatus.APPROVED)
    item = WorkPlanItemFactory.create(plan=plan, quarter=4)
    WorkPlanItemFactory.create(plan=plan, quarter=4)

    with pytest.raises(ValidationError):
        plan_item_set_status(actor=secretary, item=item, status=m.WorkPlanItemStatus.MOVED)
    plan_item_set_status(
        actor=secretary,
        item=item,
        status=m.WorkPlanItemStatus.MOVED,
        note="2027 жылдың 1-тоқсанына",
    )

    counts = {
        count.status: count.count for count in plan_status_counts(plan_items_with_progress(plan))
    }
    assert counts == {"done": 0, "pending": 1, "moved": 1, "cancelled": 0}
    item.refresh_from_db()
    assert item.moved_note == "2027 жылдың 1-тоқсанына"


def test_a_draft_plans_items_are_not_moved(draft: m.WorkPlan, secretary: User) -> None:
    with pytest.raises(DomainError):
        plan_item_set_status(
            actor=secretary, item=draft.items.get(), status=m.WorkPlanItemStatus.MOVED, note="x"
        )


def test_a_cancelled_item_can_only_be_reopened(council: m.Council, secretary: User) -> None:
    plan = WorkPlanFactory.create(council=council, status=m.PlanStatus.APPROVED)
    item = WorkPlanItemFactory.create(plan=plan, status=m.WorkPlanItemStatus.CANCELLED)

    with pytest.raises(DomainError):
        plan_item_set_status(
            actor=secretary, item=item, status=m.WorkPlanItemStatus.MOVED, note="x"
        )
    reopened = plan_item_set_status(actor=secretary, item=item, status=m.WorkPlanItemStatus.PENDING)
    assert reopened.status == m.WorkPlanItemStatus.PENDING


def test_an_items_empty_quarter_and_form_are_named_in_their_own_words() -> None:
    """A plan item's quarter and planned form said only "This field is required."."""
    item = PlanItemForm({}, members=m.Member.objects.none())
    errors, first_quarter = english_refusals(
        [(item, "quarter"), (item, "planned_form")], item["quarter"]
    )
    assert errors == ["Choose the quarter.", "Choose how the item is to be held."]
    assert first_quarter == "1st quarter"
