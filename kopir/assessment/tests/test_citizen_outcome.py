"""The citizen status page tells the outcome once decided: the group or category, the cause, the
term and the re-examination date, and how, where and until when to appeal; and nothing of it
before the decision."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from kopir.assessment.models import AppealFilingPeriod
from kopir.assessment.tests.division_fixtures import NOT_ESTABLISHED, decided, notified, sent
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
