"""Deadlines of recommendations on Kazakhstan's working days, for both rule sets, and the daily
task that reminds before the due date and escalates after it — each once."""

from __future__ import annotations

import datetime as dt

import pytest

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.core.registry import DailyAt, registry
from kopir.core.working_days import is_working_day
from kopir.council import models as m
from kopir.council.selectors.recommendations import due_state
from kopir.council.services.recommendation_alerts import recommendations_check_deadlines
from kopir.council.services.recommendations import (
    recommendation_deadlines,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import answer_recommendation, send_recommendation
from kopir.directory.models import Organisation
from kopir.notices.models import Notice, NoticeStatus
from kopir.notices.services import NO_ADDRESS

pytestmark = pytest.mark.django_db

INDEPENDENCE_DAY = dt.date(2026, 12, 16)


def test_statutory_final_document_is_due_seven_working_days_after_the_meeting_skipping_independence_day(
    statutory_rules: m.RecommendationRuleSet,
) -> None:
    # Monday 14 December 2026; Wednesday the 16th is Independence Day.
    deadlines = recommendation_deadlines(statutory_rules, dt.date(2026, 12, 14), None)
    assert deadlines.send_due_on == dt.date(2026, 12, 24)
    assert deadlines.answer_due_on is None


def test_statutory_answer_is_due_ten_working_days_after_receipt_skipping_nauryz(
    statutory_rules: m.RecommendationRuleSet,
) -> None:
    # Received Thursday 19 March 2026; Nauryz keeps 23–25 March off (21–22 are a weekend).
    deadlines = recommendation_deadlines(
        statutory_rules, dt.date(2026, 3, 12), dt.date(2026, 3, 19)
    )
    assert deadlines.answer_due_on == dt.date(2026, 4, 7)
    assert is_working_day(deadlines.answer_due_on)


def test_a_party_councils_recommendation_has_no_statutory_send_deadline(
    party_rules: m.RecommendationRuleSet,
) -> None:
    deadlines = recommendation_deadlines(party_rules, dt.date(2026, 12, 14), None)
    assert deadlines.send_due_on is None
    assert deadlines.answer_due_on is None


def test_a_party_councils_own_deadline_in_calendar_days_moves_off_a_holiday(
    party_rules: m.RecommendationRuleSet,
) -> None:
    # 30 calendar days after 16 November 2026 is Independence Day: the next working day counts.
    deadlines = recommendation_deadlines(party_rules, None, dt.date(2026, 11, 16))
    assert dt.date(2026, 11, 16) + dt.timedelta(days=30) == INDEPENDENCE_DAY
    assert deadlines.answer_due_on == dt.date(2026, 12, 17)


def test_a_party_council_may_count_working_days_instead(
    party_rules: m.RecommendationRuleSet,
) -> None:
    party_rules.answer_within_working_days = 5
    deadlines = recommendation_deadlines(party_rules, None, dt.date(2026, 3, 19))
    # 20 March, then 26, 27, 30, 31 March.
    assert deadlines.answer_due_on == dt.date(2026, 3, 31)


@pytest.mark.parametrize("start", [dt.date(2026, 3, 16) + dt.timedelta(days=n) for n in range(14)])
def test_every_computed_due_date_is_a_working_day(
    start: dt.date, statutory_rules: m.RecommendationRuleSet, party_rules: m.RecommendationRuleSet
) -> None:
    for rules in (statutory_rules, party_rules):
        deadlines = recommendation_deadlines(rules, start, start)
        for due in (deadlines.send_due_on, deadlines.answer_due_on):
            assert due is None or is_working_day(due)


def test_the_services_store_the_deadlines_from_the_rule_set(
    recommendation: m.Recommendation, secretary: User
) -> None:
    # The decision's meeting was on Monday 2 November 2026.
    assert recommendation.send_due_on == dt.date(2026, 11, 11)
    sent = send_recommendation(recommendation, secretary, dt.date(2026, 11, 5))
    assert sent.answer_due_on == dt.date(2026, 11, 19)


def test_the_due_state_is_said_in_words(sent_recommendation: m.Recommendation) -> None:
    due = sent_recommendation.answer_due_on
    assert due == dt.date(2026, 11, 19)
    assert due_state(sent_recommendation, dt.date(2026, 11, 10)).code == "on_track"
    at_risk = due_state(sent_recommendation, dt.date(2026, 11, 17))
    assert (at_risk.code, at_risk.tag) == ("at_risk", "warn")
    overdue = due_state(sent_recommendation, dt.date(2026, 11, 23))
    assert overdue.code == "overdue"
    assert overdue.text  # the state is written out, not only coloured


# --- Reminders and escalation --------------------------------------------------------------------


def _notices(topic: str) -> list[Notice]:
    return list(Notice.objects.filter(topic=f"council.recommendation.{topic}").order_by("id"))


def test_a_reminder_goes_to_the_addressee_once_before_the_due_date(
    sent_recommendation: m.Recommendation,
) -> None:
    # Due 19 November; the statutory rule set reminds 3 days before.
    assert recommendations_check_deadlines(today=dt.date(2026, 11, 15)).reminded == []
    assert _notices("reminder") == []

    first = recommendations_check_deadlines(today=dt.date(2026, 11, 16))
    second = recommendations_check_deadlines(today=dt.date(2026, 11, 17))

    assert first.reminded == [sent_recommendation.number]
    assert second.reminded == []
    [reminder] = _notices("reminder")
    assert reminder.address == "employment@example.test"
    assert sent_recommendation.number in reminder.subject
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.reminded_on == dt.date(2026, 11, 16)
    assert sent_recommendation.events.filter(kind=m.RecommendationEventKind.REMINDED).count() == 1


def test_an_overdue_recommendation_is_escalated_once_to_the_council_and_the_parent_body(
    sent_recommendation: m.Recommendation, agency_parent: Organisation
) -> None:
    recommendations_check_deadlines(today=dt.date(2026, 11, 20))
    recommendations_check_deadlines(today=dt.date(2026, 11, 23))

    escalations = _notices("escalation")
    assert {notice.organisation for notice in escalations} == {
        sent_recommendation.council.organisation,
        agency_parent,
    }
    assert len(escalations) == 2
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.escalated_on == dt.date(2026, 11, 20)


def test_without_an_organisation_address_the_reminder_is_recorded_as_not_delivered(
    sent_recommendation: m.Recommendation, agency: Organisation
) -> None:
    UserFactory.create(organisation=agency, roles=[Role.AGENCY_OFFICER], email="o@example.test")
    Organisation.objects.filter(pk=agency.pk).update(email="", phone="")

    recommendations_check_deadlines(today=dt.date(2026, 11, 18))

    [reminder] = _notices("reminder")
    # No quiet fallback to the officers' own addresses: the gap shows in the outbox.
    assert (reminder.status, reminder.last_error) == (NoticeStatus.FAILED, NO_ADDRESS)
    event = sent_recommendation.events.get(kind=m.RecommendationEventKind.REMINDED)
    assert event.note == "no e-mail address on record"


def test_an_answered_recommendation_is_neither_reminded_nor_escalated(
    sent_recommendation: m.Recommendation, officer: User
) -> None:
    answer_recommendation(
        sent_recommendation, officer, "Жұмыс басталды.", m.RecommendationStatus.IN_PROGRESS
    )
    run = recommendations_check_deadlines(today=dt.date(2026, 11, 30))
    assert (run.reminded, run.escalated) == ([], [])
    assert _notices("reminder") == _notices("escalation") == []


def test_the_deadline_check_runs_daily_at_six_in_the_morning_local_time() -> None:
    job = next(
        job
        for job in registry.periodic_tasks()
        if job.task_path == "kopir.council.tasks.check_recommendation_deadlines"
    )
    assert job.schedule == DailyAt(dt.time(6, 0))


def test_the_task_runs_the_check_for_today(
    sent_recommendation: m.Recommendation, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kopir.council.services import recommendation_alerts
    from kopir.council.tasks import check_recommendation_deadlines

    monkeypatch.setattr(recommendation_alerts.timezone, "localdate", lambda: dt.date(2026, 11, 20))

    assert check_recommendation_deadlines.call() == "0 reminded, 1 escalated"


def _on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Today is `day` for the services (the answer's and the verdict's dates)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: day)


def test_a_rejected_answer_is_no_answer_and_the_new_one_is_due_from_the_rejection(
    monkeypatch: pytest.MonkeyPatch,
    sent_recommendation: m.Recommendation,
    officer: User,
    secretary: User,
) -> None:
    from kopir.core.working_days import add_working_days
    from kopir.council.services.recommendation_alerts import overdue_filter
    from kopir.council.services.recommendations import response_review

    recommendations_check_deadlines(today=dt.date(2026, 11, 16))  # reminded before the first due
    _on(monkeypatch, dt.date(2026, 11, 18))
    answer = answer_recommendation(sent_recommendation, officer, "Орындалды.")
    _on(monkeypatch, dt.date(2026, 11, 25))
    response_review(
        actor=secretary, response=answer, verdict=m.ResponseVerdict.NOT_ACCEPTED, note="Дәлел жоқ."
    )

    sent_recommendation.refresh_from_db()
    new_due = add_working_days(dt.date(2026, 11, 25), 10)  # the statutory answer period
    assert sent_recommendation.answered_on is None
    assert sent_recommendation.answer_due_on == new_due
    assert (sent_recommendation.reminded_on, sent_recommendation.escalated_on) == (None, None)
    assert due_state(sent_recommendation, dt.date(2026, 11, 26)).code == "on_track"
    late = new_due + dt.timedelta(days=1)
    assert due_state(sent_recommendation, late).code == "overdue"
    overdue = m.Recommendation.objects.filter(overdue_filter(late))
    assert list(overdue) == [sent_recommendation]
    # The daily job reminds before the new due date and escalates after it, once each.
    remind = new_due - dt.timedelta(days=sent_recommendation.rule_set.remind_days_before)
    assert recommendations_check_deadlines(today=remind).reminded == [sent_recommendation.number]
    assert recommendations_check_deadlines(today=late).escalated == [sent_recommendation.number]


def test_a_rejection_restarts_nothing_while_another_answer_waits_for_the_verdict(
    monkeypatch: pytest.MonkeyPatch,
    sent_recommendation: m.Recommendation,
    officer: User,
    secretary: User,
) -> None:
    from kopir.council.services.recommendations import response_review

    _on(monkeypatch, dt.date(2026, 11, 18))
    first = answer_recommendation(sent_recommendation, officer, "Орындалды.")
    answer_recommendation(sent_recommendation, officer, "Бұйрық қоса берілді.")
    _on(monkeypatch, dt.date(2026, 11, 25))
    response_review(
        actor=secretary, response=first, verdict=m.ResponseVerdict.NOT_ACCEPTED, note="Дәлел жоқ."
    )

    sent_recommendation.refresh_from_db()
    assert sent_recommendation.answered_on == dt.date(2026, 11, 18)
    assert sent_recommendation.answer_due_on == dt.date(2026, 11, 19)
