"""Two people saving the same case at once: the second gets a conflict message and nothing is
overwritten (optimistic versions on the referral, each conclusion and each appeal)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kopir.assessment.models import Decision, ExpertAssignment, Referral, ReferralStatus
from kopir.assessment.services.decision import conclusions_stamp, referral_decide
from kopir.assessment.services.division import referral_accept, referral_return
from kopir.assessment.services.outcome_rules import add_months
from kopir.assessment.services.review import conclusion_submit
from kopir.assessment.tests.division_fixtures import (
    GROUP_2,
    NOT_ESTABLISHED,
    assigned,
    concluded,
    decision_post,
    sent,
)
from kopir.core.errors import ConflictError
from kopir.core.tests.fixtures import signed_in

# Every test here needs the codes, the demo rules and the division.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


def test_two_specialists_receiving_the_same_referral_the_second_gets_a_conflict(
    clinician, person, experts
):
    referral = sent(clinician, person)
    seen_by_second = Referral.objects.get(pk=referral.pk)

    referral_accept(actor=experts[0], referral=referral, expected_version=referral.version)
    with pytest.raises(ConflictError, match="Someone else changed"):
        referral_return(
            actor=experts[1],
            referral=seen_by_second,
            expected_version=seen_by_second.version,
            added_items=["X"],
        )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.returns_count == 0


def test_two_heads_deciding_at_once_the_second_is_told_and_the_first_decision_stands(
    client, clinician, person, head, experts, division
):
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory

    deputy = UserFactory.create(organisation=division, roles=[Role.MSE_HEAD])
    referral = concluded(clinician, person, head, experts, GROUP_2)
    with translation.override("en"):
        url = reverse("assessment:division_decide", args=[referral.pk])
    # Both open the form on the same version.
    first = decision_post(referral)
    second = decision_post(referral, category_code="ADULT_G3", reasons="Deputy's view.")

    assert signed_in(client, head).post(url, first).status_code == 302
    response = signed_in(client, deputy).post(url, second)

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this referral" in body
    assert "Deputy&#x27;s view." in body or "Deputy's view." in body  # the input is kept
    decision = Decision.objects.get()
    assert (decision.category_code, decision.decided_by) == ("ADULT_G2", head)


def test_a_conclusion_revised_while_the_head_decides_makes_the_decision_a_conflict(
    clinician, person, head, experts
):
    referral = concluded(clinician, person, head, experts, GROUP_2)
    stamp = conclusions_stamp(list(referral.assignments.all()))
    assignment = referral.assignments.get(expert=experts[2])
    conclusion_submit(
        actor=experts[2],
        assignment=assignment,
        expected_version=assignment.version,
        conclusion=NOT_ESTABLISHED,
    )

    with pytest.raises(ConflictError, match="changed a conclusion"):
        referral_decide(
            actor=head,
            referral=referral,
            expected_version=referral.version,
            expected_conclusions=stamp,
            decision=GROUP_2,
            reexamination_on=add_months(timezone.localdate(), 11),
        )

    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED
    assert not Decision.objects.exists()


def test_one_expert_saving_from_two_tabs_the_second_save_is_a_conflict(
    client, clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[0])
    with translation.override("en"):
        url = reverse("assessment:expert_review", args=[assignment.pk])
    form = {
        "version": assignment.version,
        "outcome": "established",
        "category_code": "ADULT_G2",
        "cause": "general_disease",
        "term": "1y",
        "reasons": "First tab.",
    }
    signed_in(client, experts[0])

    assert client.post(url, form).status_code == 302
    response = client.post(url, {**form, "category_code": "ADULT_G3", "reasons": "Second tab."})

    assert response.status_code == 409
    assert "saved elsewhere" in response.content.decode()
    assignment.refresh_from_db()
    assert (assignment.category_code, assignment.reasons) == ("ADULT_G2", "First tab.")


def test_two_experts_saving_their_own_conclusions_at_once_do_not_conflict(
    clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    mine, theirs = (referral.assignments.get(expert=e) for e in experts[:2])

    conclusion_submit(actor=experts[0], assignment=mine, expected_version=1, conclusion=GROUP_2)
    conclusion_submit(
        actor=experts[1], assignment=theirs, expected_version=1, conclusion=NOT_ESTABLISHED
    )

    assert ExpertAssignment.objects.filter(submitted_at__isnull=False).count() == 2


def test_a_stale_accept_from_the_case_page_is_reported_and_changes_nothing(
    client, clinician, person, experts
):
    referral = sent(clinician, person)
    stale = referral.version
    referral_return(actor=experts[1], referral=referral, expected_version=stale, added_items=["X"])
    with translation.override("en"):
        url = reverse("assessment:division_accept", args=[referral.pk])

    response = signed_in(client, experts[0]).post(url, {"version": stale}, follow=True)

    assert "Someone else changed this referral" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED


def test_the_decision_form_refuses_an_inconsistent_decision_on_its_field(
    client, clinician, person, head, experts
):
    referral = concluded(clinician, person, head, experts, GROUP_2)
    with translation.override("en"):
        url = reverse("assessment:division_decide", args=[referral.pk])

    response = signed_in(client, head).post(url, decision_post(referral, term="until_18"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_term"' in body
    assert 'aria-invalid="true"' in body
    assert "not allowed for the person" in body
    assert not Decision.objects.exists()
