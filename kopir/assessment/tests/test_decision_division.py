"""The head records the decision from the conclusions: the majority decides, dissent is kept;
then the person is notified. Invalid steps are refused with a clear message."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kopir.assessment.models import Decision, Outcome, ReferralStatus, Term
from kopir.assessment.services.decision import (
    referral_notify,
)
from kopir.assessment.services.outcome_rules import OutcomeInput, add_months, valid_until
from kopir.assessment.tests.division_fixtures import (
    GROUP_2,
    NOT_ESTABLISHED,
    assigned,
    conclude,
    concluded,
    decide,
    decided,
)
from kopir.core.errors import DomainError
from kopir.notices.models import Notice, RecipientKind

# Every test here needs the codes, the demo rules and the division.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]
GROUP_3 = OutcomeInput(**{**GROUP_2.__dict__, "category_code": "ADULT_G3"})


def test_the_decision_follows_the_majority_and_keeps_the_dissenting_conclusion(
    clinician, person, head, experts
):
    referral = concluded(clinician, person, head, experts, GROUP_2, NOT_ESTABLISHED, GROUP_2)

    decision = decide(referral, head)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECIDED
    assert referral.decided_at is not None
    assert (decision.outcome, decision.category_code, decision.sequence) == (
        Outcome.ESTABLISHED,
        "ADULT_G2",
        1,
    )
    assert decision.valid_until == valid_until(
        Term.ONE_YEAR, start=timezone.localdate(), birth_date=person.birth_date
    )
    assert [(row["position"], row["outcome"]) for row in decision.dissent] == [
        (2, Outcome.NOT_ESTABLISHED)
    ]


def test_a_decision_against_the_majority_outcome_is_refused_naming_the_outcome(
    clinician, person, head, experts
):
    referral = concluded(
        clinician, person, head, experts, NOT_ESTABLISHED, NOT_ESTABLISHED, GROUP_2
    )

    with pytest.raises(ValidationError) as caught:
        decide(referral, head, GROUP_2)

    assert "outcome" in caught.value.message_dict
    assert not Decision.objects.exists()


def test_the_group_follows_the_majority_and_without_one_must_be_a_proposed_group(
    clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    group_1 = OutcomeInput(**{**GROUP_2.__dict__, "category_code": "ADULT_G1"})
    conclude(referral, experts, GROUP_2, GROUP_3, group_1)

    with pytest.raises(ValidationError) as caught:
        decide(referral, head, OutcomeInput(**{**GROUP_2.__dict__, "category_code": "CHILD_LT7"}))
    assert "category_code" in caught.value.message_dict

    decision = decide(referral, head, GROUP_3)
    assert decision.category_code == "ADULT_G3"
    assert sorted(row["position"] for row in decision.dissent) == [1, 3]


def test_a_group_the_majority_did_not_propose_is_refused(clinician, person, head, experts):
    referral = concluded(clinician, person, head, experts, GROUP_2, GROUP_2, GROUP_3)

    with pytest.raises(ValidationError) as caught:
        decide(referral, head, GROUP_3)

    assert "category_code" in caught.value.message_dict


def test_the_decision_waits_for_every_conclusion(clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts)

    with pytest.raises(DomainError, match="Every assigned expert"):
        decide(referral, head)


@pytest.mark.parametrize(
    ("term", "reexamination", "message"),
    [
        (Term.ONE_YEAR, None, "Enter the re-examination date"),
        (Term.ONE_YEAR, "past", "after today"),
        (Term.ONE_YEAR, "after_term", "when the term ends"),
        (Term.INDEFINITE, "soon", "Leave the re-examination date empty"),
    ],
)
def test_the_reexamination_date_must_fit_the_term(
    clinician, person, head, experts, term, reexamination, message
):
    referral = assigned(clinician, person, head, experts)
    decision = OutcomeInput(**{**GROUP_2.__dict__, "term": term})
    conclude(referral, experts, decision)
    today = timezone.localdate()
    day = {
        None: None,
        "past": today - dt.timedelta(days=1),
        "after_term": add_months(today, 13),
        "soon": today + dt.timedelta(days=30),
    }[reexamination]

    with pytest.raises(ValidationError, match=message) as caught:
        decide(referral, head, decision, reexamination_on=day)

    assert list(caught.value.message_dict) == ["reexamination_on"]


def test_an_indefinite_decision_has_no_reexamination_and_no_end(clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts)
    decision = OutcomeInput(**{**GROUP_2.__dict__, "term": Term.INDEFINITE})
    conclude(referral, experts, decision)

    record = decide(referral, head, decision, reexamination_on=None)

    assert (record.valid_until, record.reexamination_on) == (None, None)


def test_disability_not_established_is_recorded_with_reasons_and_nothing_else(
    clinician, person, head, experts
):
    referral = decided(clinician, person, head, experts, decision=NOT_ESTABLISHED)

    record = referral.decisions.get()
    assert record.outcome == Outcome.NOT_ESTABLISHED
    assert record.reasons == NOT_ESTABLISHED.reasons
    assert (record.category_code, record.term, record.valid_until) == ("", "", None)


def test_a_child_aged_7_to_18_gets_a_childs_group_and_a_term_ending_by_18(
    clinician, child, head, experts
):
    referral = assigned(clinician, child, head, experts)
    adult_group = OutcomeInput(**{**GROUP_2.__dict__, "cause": "child_7_18"})
    child_group = OutcomeInput(
        **{**adult_group.__dict__, "category_code": "CHILD_7_18_G2", "term": Term.UNTIL_18}
    )
    conclude(referral, experts, child_group)

    with pytest.raises(ValidationError) as caught:
        decide(referral, head, adult_group)
    assert "category_code" in caught.value.message_dict

    record = decide(
        referral, head, child_group, reexamination_on=add_months(timezone.localdate(), 24)
    )
    eighteenth = child.birth_date.replace(year=child.birth_date.year + 18)
    assert record.valid_until == eighteenth - dt.timedelta(days=1)


def test_notifying_moves_the_referral_on_and_queues_the_decision_for_the_person(
    clinician, identifiable, head, experts
):
    referral = decided(clinician, identifiable, head, experts)

    referral = referral_notify(actor=head, referral=referral, expected_version=referral.version)

    assert referral.status == ReferralStatus.NOTIFIED
    notice = Notice.objects.get(
        recipient_kind=RecipientKind.PERSON,
        person=identifiable,
        topic="assessment.notices.decision_made",
    )
    assert referral.number in notice.subject
    assert notice.address == identifiable.email
    assert referral.events.get(to_status=ReferralStatus.NOTIFIED).note == ""


def test_notifying_a_person_without_contacts_is_recorded_with_a_note_to_notify_otherwise(
    clinician, person, head, experts
):
    referral = decided(clinician, person, head, experts)

    referral = referral_notify(actor=head, referral=referral, expected_version=referral.version)

    assert referral.status == ReferralStatus.NOTIFIED
    assert "post or phone" in referral.events.get(to_status=ReferralStatus.NOTIFIED).note


def test_notifying_before_the_decision_is_refused_with_a_clear_message(
    clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)

    with pytest.raises(DomainError, match="once the decision is recorded"):
        referral_notify(actor=head, referral=referral, expected_version=referral.version)
