"""The citizen status page tells the outcome once decided: the group or category, the cause, the
term and the re-examination date, and how, where and until when to appeal; and nothing of it
before the decision. Once the person appealed, where the appeal stands, and after its decision the
court rather than another appeal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from kopir.assessment.models import AppealFilingPeriod
from kopir.assessment.tests.division_fixtures import (
    NOT_ESTABLISHED,
    changed_to_group_1,
    decided,
    filed_appeal,
    notified,
    resolve,
    sent,
    take_up,
)
from kopir.assessment.tests.helpers import en_url
from kopir.assessment.tests.test_citizen_status import ask, enter, last_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]
RESULT = "assessment:citizen_result"


@pytest.fixture
def reachable(person):
    person.phone = "+77011112233"
    person.save()
    return person


def _status_page(client, referral, person) -> str:
    ask(client, referral.number, person.iin)
    enter(client, last_code())
    response = client.get(reverse(RESULT))
    assert response.status_code == 200
    return response.content.decode()


def test_before_the_decision_the_page_tells_no_outcome(client, clinician, reachable):
    referral = sent(clinician, reachable)
    page = _status_page(client, referral, reachable)
    assert "how to appeal" not in page


def test_a_decided_case_shows_group_cause_term_reexamination_and_how_to_appeal(
    client, clinician, reachable, head, experts, division
):
    division.email = "mse-division@example.test"
    division.save()
    referral = decided(clinician, reachable, head, experts)
    decision = referral.decisions.get()
    assert decision.reexamination_on is not None
    page = _status_page(client, referral, reachable)

    assert "Disability established" in page
    # Under the heading "The decision", the first row is the outcome, not "Decision" again.
    assert "<dt>Outcome</dt>" in page
    assert "<dt>Decision</dt>" not in page
    assert "Group II" in page
    assert "General disease" in page
    assert "1 year" in page
    assert date_format(decision.reexamination_on, "DATE_FORMAT") in page
    assert "how to appeal" in page
    assert division.name in page
    assert "mailto:mse-division@example.test" in page
    # No period is recorded: the page fixes no date (docs/domain/mse.md §6) and says to ask.
    assert "Ask the MSE division for it" in page


def test_once_notified_the_appeal_date_is_counted_from_the_recorded_period(
    client, clinician, reachable, head, experts
):
    AppealFilingPeriod.objects.create(calendar_days=30, legal_source="test period")
    referral = notified(clinician, reachable, head, experts)
    assert referral.step_started_on is not None
    until = referral.step_started_on + dt.timedelta(days=30)
    page = _status_page(client, referral, reachable)
    assert f"By {date_format(until, 'DATE_FORMAT')}." in page
    assert "That is 30 days from the day you were told of the decision." in page


def test_a_refusal_says_so_and_still_tells_how_to_appeal(
    client, clinician, reachable, head, experts
):
    referral = decided(clinician, reachable, head, experts, decision=NOT_ESTABLISHED)
    page = _status_page(client, referral, reachable)
    assert "Disability not established" in page
    assert "Group or category" not in page
    assert "how to appeal" in page


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_outcome_is_told_in_each_language(
    client, clinician, reachable, head, experts, language
):
    referral = decided(clinician, reachable, head, experts)
    ask(client, referral.number, reachable.iin)
    enter(client, last_code())
    with translation.override(language):
        url = reverse(RESULT)
    response = client.get(url)
    text = response.content.decode()
    assert f'<html lang="{language}">' in text
    assert 'id="outcome-title"' in text


@pytest.fixture
def appealed(clinician, reachable, head, experts, specialist):
    """A notified decision the person appealed against (recorded by the division)."""
    referral = notified(clinician, reachable, head, experts)
    return referral, filed_appeal(referral, specialist)


def test_a_filed_appeal_replaces_how_to_appeal_with_where_it_stands(client, reachable, appealed):
    referral, appeal = appealed
    page = _status_page(client, referral, reachable)

    assert "how to appeal" not in page
    assert "Your appeal" in page
    assert "Appeal: Filed" in page
    assert "The MSE division passes your appeal to the higher MSE body." in page
    assert appeal.higher_body.name in page
    assert date_format(appeal.due_on, "DATE_FORMAT") in page
    assert "may appeal against it" not in page


def test_an_appeal_under_review_shows_the_higher_bodys_deadline(
    client, reachable, appealed, reviewer
):
    referral, appeal = appealed
    appeal = take_up(appeal, reviewer)
    assert appeal.due_on is not None
    page = _status_page(client, referral, reachable)

    assert "Appeal: Under review by the higher body" in page
    assert "Under review since" in page
    assert "The higher MSE body reviews the case again and decides on the appeal." in page
    assert f"It is planned to decide by {date_format(appeal.due_on, 'DATE_FORMAT')}." in page
    assert "how to appeal" not in page


def test_after_a_changed_decision_the_page_shows_it_and_names_the_court(
    client, reachable, appealed, reviewer
):
    referral, appeal = appealed
    resolve(take_up(appeal, reviewer), reviewer, **changed_to_group_1())
    page = _status_page(client, referral, reachable)

    assert "Group I<" in page  # the changed decision
    assert "(changed after an appeal)" in page
    assert "Decided: the decision was changed." in page
    assert "Before the appeal it was: Disability established, Group II." in page
    assert "If you still disagree: the court" in page
    assert "Administrative Procedural Code" in page
    # Nothing tells the person to appeal again, nor the staff's reasons.
    assert "how to appeal" not in page
    assert "they may appeal against it" not in page
    assert "Field narrowed" not in page


def test_after_a_changed_decision_the_clinic_is_told_the_higher_body_decided(
    client, clinician, appealed, reviewer
):
    referral, appeal = appealed
    resolve(take_up(appeal, reviewer), reviewer, **changed_to_group_1())
    client.force_login(clinician)
    page = client.get(en_url("clinic_detail", referral.pk)).content.decode()

    with translation.override("en"):
        decided_on = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"{decided_on}, {appeal.higher_body.name_en}</dd>" in page
    assert f"{decided_on}, {referral.mse_division.name_en}</dd>" not in page


def test_after_an_upheld_appeal_the_next_step_is_the_court(client, reachable, appealed, reviewer):
    referral, appeal = appealed
    resolve(
        take_up(appeal, reviewer),
        reviewer,
        upheld=True,
        outcome_reasons="The group matches the findings.",
    )
    page = _status_page(client, referral, reachable)

    assert "Decided: the decision stays as it was." in page
    assert "(changed after an appeal)" not in page
    assert "If they disagree, they may appeal" not in page
    assert "If the person still disagrees, they may go to court." in page
    assert "If you still disagree: the court" in page
    assert "how to appeal" not in page


def test_in_russian_a_date_that_ends_a_sentence_has_one_full_stop(
    client, clinician, reachable, head, experts
):
    referral = decided(clinician, reachable, head, experts)
    decision = referral.decisions.get()
    assert decision.reexamination_on is not None
    ask(client, referral.number, reachable.iin)
    enter(client, last_code())
    with translation.override("ru"):
        url = reverse(RESULT)
        on = date_format(decision.reexamination_on, "DATE_FORMAT")
    page = client.get(url).content.decode()

    assert on.endswith(" г.")
    assert f"{on} До этой даты" in page  # was "… г.. До этой даты"
    assert "г.." not in page
