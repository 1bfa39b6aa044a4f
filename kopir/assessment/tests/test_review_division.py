"""The division receives a referral (accept / return with the missing list), the head assigns
independent experts, and each expert concludes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import ExpertAssignment, ReferralEvent, ReferralStatus, Route
from kopir.assessment.services.division import referral_accept, referral_return
from kopir.assessment.services.outcome_rules import OutcomeInput
from kopir.assessment.services.review import conclusion_submit, referral_assign_experts
from kopir.assessment.tests.division_fixtures import GROUP_2, accepted, assigned, returned, sent
from kopir.assessment.workflow import InvalidTransition, referral_transition
from kopir.core.errors import DomainError
from kopir.notices.models import Notice, RecipientKind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


def test_a_complete_sent_referral_is_accepted_and_its_next_step_gets_a_deadline(
    clinician, person, specialist
):
    referral = sent(clinician, person)

    referral = referral_accept(
        actor=specialist, referral=referral, expected_version=referral.version
    )

    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.step_due_on is not None
    event = referral.events.get(to_status=ReferralStatus.ACCEPTED)
    assert event.actor == specialist
    assert event.actor_label == str(specialist.organisation.short_name)


def test_accepting_is_refused_while_the_automatic_check_finds_something_missing(
    clinician, person, specialist, settings
):
    referral = sent(clinician, person)
    # The ophthalmologist's report has aged past the rule's limit since it was sent.
    referral.attachments.update(issued_on="2000-01-01")

    with pytest.raises(DomainError, match="missing"):
        referral_accept(actor=specialist, referral=referral, expected_version=referral.version)

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT


def test_a_return_carries_the_automatic_items_and_the_specialists_own_and_counts_the_return(
    clinician, person, specialist
):
    referral = sent(clinician, person)
    referral.attachments.update(issued_on="2000-01-01")

    referral = referral_return(
        actor=specialist,
        referral=referral,
        expected_version=referral.version,
        added_items=["Perimetry chart of both eyes", "  ", "Perimetry chart of both eyes"],
        note="Please attach the charts themselves.",
    )

    assert referral.status == ReferralStatus.RETURNED
    assert referral.returns_count == 1
    event = referral.events.get(to_status=ReferralStatus.RETURNED)
    kinds = [item["kind"] for item in event.missing]
    assert "document" in kinds
    assert [i["label"] for i in event.missing if i["kind"] == "specialist"] == [
        "Perimetry chart of both eyes"
    ]
    assert event.note == "Please attach the charts themselves."


def test_a_return_tells_the_clinic_what_is_missing_through_the_outbox(
    clinician, person, specialist
):
    referral = sent(clinician, person)

    referral_return(
        actor=specialist,
        referral=referral,
        expected_version=referral.version,
        added_items=["Neurologist's report"],
    )

    to_clinic = Notice.objects.get(recipient_kind=RecipientKind.ORGANISATION)
    assert to_clinic.organisation == referral.medical_organisation
    assert referral.number in to_clinic.subject
    assert "Neurologist's report" in to_clinic.body
    assert Notice.objects.filter(recipient_kind=RecipientKind.PERSON, person=person).exists()


def test_a_return_with_nothing_missing_is_refused_naming_the_field(clinician, person, specialist):
    referral = sent(clinician, person)

    with pytest.raises(ValidationError) as caught:
        referral_return(actor=specialist, referral=referral, expected_version=referral.version)

    assert "added_items" in caught.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    # Only the person's notice of the sending: the refused return told no one anything.
    assert not Notice.objects.exclude(topic="assessment.notices.referral_sent_person").exists()


def test_a_returned_referral_cannot_be_accepted_until_the_clinic_sends_it_again(
    clinician, person, specialist
):
    referral = returned(clinician, person, specialist, "X")

    with pytest.raises(DomainError, match="Only a referral sent"):
        referral_accept(actor=specialist, referral=referral, expected_version=referral.version)
    with pytest.raises(InvalidTransition, match="cannot become"):
        referral_transition(
            referral=referral,
            to_status=ReferralStatus.ACCEPTED,
            actor=specialist,
            expected_version=referral.version,
        )


def test_an_in_absentia_referral_goes_to_three_different_experts_of_the_division(
    clinician, person, head, experts
):
    referral = accepted(clinician, person, experts[0])

    referral = referral_assign_experts(
        actor=head, referral=referral, expected_version=referral.version, experts=experts
    )

    assert referral.status == ReferralStatus.ASSIGNED
    rows = ExpertAssignment.objects.filter(referral=referral).order_by("position")
    assert [(a.position, a.expert_id) for a in rows] == [
        (1, experts[0].pk),
        (2, experts[1].pk),
        (3, experts[2].pk),
    ]


@pytest.mark.parametrize(
    ("pick", "message"),
    [
        (lambda experts: experts[:2], "exactly 3"),
        (lambda experts: [experts[0], experts[0], experts[1]], "only once"),
    ],
)
def test_an_assignment_with_the_wrong_number_or_a_repeated_expert_is_refused(
    clinician, person, head, experts, pick, message
):
    referral = accepted(clinician, person, experts[0])

    with pytest.raises(ValidationError, match=message) as caught:
        referral_assign_experts(
            actor=head, referral=referral, expected_version=referral.version, experts=pick(experts)
        )

    assert "experts" in caught.value.message_dict
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert not ExpertAssignment.objects.exists()


def test_the_head_and_other_divisions_specialists_cannot_be_in_absentia_experts(
    clinician, person, head, experts, other_division
):
    referral = accepted(clinician, person, experts[0])
    head.role_assignments.create(role=Role.MSE_SPECIALIST)
    stranger = UserFactory.create(organisation=other_division, roles=[Role.MSE_SPECIALIST])

    for team in ([head, experts[0], experts[1]], [stranger, experts[0], experts[1]]):
        with pytest.raises(ValidationError, match="specialists of this division"):
            referral_assign_experts(
                actor=head, referral=referral, expected_version=referral.version, experts=team
            )


def test_an_in_person_referral_goes_to_one_expert(clinician, person, head, experts):
    referral = accepted(clinician, person, experts[0], route=Route.IN_PERSON)

    with pytest.raises(ValidationError, match="exactly 1"):
        referral_assign_experts(
            actor=head, referral=referral, expected_version=referral.version, experts=experts
        )
    referral = referral_assign_experts(
        actor=head, referral=referral, expected_version=referral.version, experts=experts[:1]
    )

    assert referral.assignments.count() == 1


def test_an_expert_submits_a_conclusion_and_may_revise_it_until_the_decision(
    clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[1])

    assignment = conclusion_submit(
        actor=experts[1], assignment=assignment, expected_version=1, conclusion=GROUP_2
    )
    revised = OutcomeInput(**{**GROUP_2.__dict__, "category_code": "ADULT_G3"})
    assignment = conclusion_submit(
        actor=experts[1], assignment=assignment, expected_version=2, conclusion=revised
    )

    assert assignment.is_submitted
    assert (assignment.category_code, assignment.version) == ("ADULT_G3", 3)


def test_only_the_assigned_expert_writes_their_conclusion(clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[1])

    with pytest.raises(DomainError, match="Only the assigned expert"):
        conclusion_submit(
            actor=experts[2], assignment=assignment, expected_version=1, conclusion=GROUP_2
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category_code": "CHILD_LT7"}, "category_code"),
        ({"category_code": ""}, "category_code"),
        ({"cause": "child_7_18"}, "cause"),
        ({"term": "5y"}, "term"),
        ({"reasons": ""}, "reasons"),
        ({"professional_loss_percent": 40}, "professional_loss_percent"),
        ({"general_loss_percent": 140}, "general_loss_percent"),
        ({"outcome": "not_established"}, "category_code"),
    ],
)
def test_an_inconsistent_conclusion_is_refused_naming_the_field(
    clinician, person, head, experts, changes, field
):
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[0])

    with pytest.raises(ValidationError) as caught:
        conclusion_submit(
            actor=experts[0],
            assignment=assignment,
            expected_version=1,
            conclusion=OutcomeInput(**{**GROUP_2.__dict__, **changes}),
        )

    assert field in caught.value.message_dict
    assignment.refresh_from_db()
    assert not assignment.is_submitted


def test_every_division_step_is_a_timeline_event_with_who_and_when(
    clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)

    steps = list(ReferralEvent.objects.filter(referral=referral).values_list("to_status", "actor"))

    assert steps[-3:] == [
        (ReferralStatus.SENT, clinician.pk),
        (ReferralStatus.ACCEPTED, experts[0].pk),
        (ReferralStatus.ASSIGNED, head.pk),
    ]
