"""The MSE case's events reach, as staff notifications, exactly the staff who act on them and may
open the record (`services/staff_alerts.py`), in the transaction of the event."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.services import staff_alerts
from kopir.assessment.services.division import referral_return
from kopir.assessment.services.referrals import referral_send_many
from kopir.assessment.tests.clinic_fixtures import complete_vision_referral
from kopir.assessment.tests.division_fixtures import (
    GROUP_2,
    accepted,
    assigned,
    changed_to_group_1,
    concluded,
    decide,
    filed_appeal,
    notified,
    resolve,
    returned,
    sent,
    take_up,
)
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.forms import StaffNotificationPreferenceForm
from kopir.notices.models import StaffNotification
from kopir.notices.tests.helpers import told

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


@pytest.fixture
def outsider_head():
    """The head of a division of another territory, which receives none of these referrals."""
    return UserFactory.create(
        organisation=OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION),
        roles=[Role.MSE_HEAD],
    )


@pytest.fixture
def colleague(clinic):
    """Another clinician of the referring clinic, who did not write the referral."""
    return UserFactory.create(organisation=clinic, roles=[Role.CLINICIAN])


def test_a_sent_referral_tells_the_receiving_divisions_heads_only(
    clinician, person, head, experts, outsider_head, colleague, outsider
):
    referral = sent(clinician, person)

    received = told(staff_alerts.REFERRAL_RECEIVED)
    assert set(received) == {head.pk}
    notification = received[head.pk][0]
    assert notification.text() == f"Referral № {referral.number} was received by your division."
    assert notification.url_name == "assessment:division_case"
    assert reverse(notification.url_name, args=notification.url_args) == reverse(
        "assessment:division_case", args=[referral.pk]
    )
    # Only the number: nothing of the person, even for the head.
    assert person.last_name not in notification.text()


def _send_then_fail(clinician, person) -> None:
    with transaction.atomic():
        sent(clinician, person)
        raise RuntimeError("the caller's transaction fails")


def test_a_send_that_rolls_back_tells_nobody(clinician, person, head):
    with pytest.raises(RuntimeError):
        _send_then_fail(clinician, person)

    assert not StaffNotification.objects.exists()


def test_a_batch_tells_each_division_once_with_the_count(clinician, person, head, experts):
    referrals = [complete_vision_referral(clinician, person) for _ in range(3)]

    referral_send_many(actor=clinician, referrals=referrals)

    assert not told(staff_alerts.REFERRAL_RECEIVED)
    batch = told(staff_alerts.REFERRALS_RECEIVED)
    assert set(batch) == {head.pk}
    assert batch[head.pk][0].text() == "New referrals received by your division at once: 3."
    assert batch[head.pk][0].url_name == "assessment:division_queue"


def test_assigned_experts_are_told_each_of_their_own_assignment(
    clinician, person, head, experts, outsider_head
):
    referral = assigned(clinician, person, head, experts, route="in_person")

    assignment = referral.assignments.get()
    by_user = told(staff_alerts.EXPERT_ASSIGNED)
    assert set(by_user) == {assignment.expert_id}
    notification = by_user[assignment.expert_id][0]
    assert notification.url_name == "assessment:expert_review"
    assert notification.url_args == [str(assignment.pk)]
    assert notification.text() == f"You are assigned to review referral № {referral.number}."


def test_a_returned_referral_tells_its_author_not_the_division_nor_other_clinics(
    clinician, person, specialist, head, colleague, outsider
):
    referral = returned(clinician, person, specialist, "The ophthalmologist's signature.")

    by_user = told(staff_alerts.REFERRAL_RETURNED)
    assert set(by_user) == {clinician.pk}
    assert by_user[clinician.pk][0].url_args == [str(referral.pk)]
    assert by_user[clinician.pk][0].url_name == "assessment:clinic_detail"


def test_when_the_author_left_the_clinics_clinicians_are_told(
    clinician, person, specialist, colleague, outsider
):
    referral = sent(clinician, person)
    clinician.is_active = False
    clinician.save(update_fields=["is_active"])
    referral_return(
        actor=specialist,
        referral=referral,
        expected_version=referral.version,
        added_items=["The ophthalmologist's signature."],
    )

    assert set(told(staff_alerts.REFERRAL_RETURNED)) == {colleague.pk}


def test_a_decision_tells_the_author(clinician, person, head, experts, colleague, outsider):
    referral = concluded(clinician, person, head, experts, GROUP_2)
    decide(referral, head)

    by_user = told(staff_alerts.REFERRAL_DECIDED)
    assert set(by_user) == {clinician.pk}
    assert by_user[clinician.pk][0].text() == (
        f"A decision was recorded on referral № {referral.number}."
    )


def test_an_appeal_tells_the_higher_bodys_reviewers_only(
    clinician, person, head, experts, reviewer, outsider_head
):
    referral = notified(clinician, person, head, experts)

    appeal = filed_appeal(referral, head)

    by_user = told(staff_alerts.APPEAL_FILED)
    assert set(by_user) == {reviewer.pk}
    assert by_user[reviewer.pk][0].url_name == "assessment:appeal_detail"
    assert by_user[reviewer.pk][0].url_args == [str(appeal.pk)]


def test_accepting_tells_nobody_new(clinician, person, specialist, head):
    accepted(clinician, person, specialist)

    # Only the receipt: accepting is the division's own step.
    assert set(StaffNotification.objects.values_list("kind", flat=True)) == {
        staff_alerts.REFERRAL_RECEIVED
    }


APPS = {"assessment", "council", "rehabilitation"}


def offered(user) -> set[str]:
    """The kinds the apps register that the user's preferences page offers (other tests may
    register kinds of their own in the same process)."""
    form = StaffNotificationPreferenceForm(user=user)
    keys = {key for key, _label in form.fields["email_kinds"].choices}  # type: ignore[attr-defined]
    return {key for key in keys if key.split(".")[0] in APPS}


def test_a_clinicians_preferences_offer_the_clinics_kinds_and_nothing_of_the_council(clinician):
    assert offered(clinician) == {staff_alerts.REFERRAL_RETURNED, staff_alerts.REFERRAL_DECIDED}


def test_the_division_heads_preferences_offer_the_referrals_received_and_appeals(head):
    assert offered(head) == {
        staff_alerts.REFERRAL_RECEIVED,
        staff_alerts.REFERRALS_RECEIVED,
        staff_alerts.APPEAL_FILED,
        "rehabilitation.measures_escalated_to_division",
    }


def test_a_decision_changed_on_appeal_tells_the_author_again(
    clinician, person, head, experts, reviewer
):
    referral = notified(clinician, person, head, experts)
    appeal = take_up(filed_appeal(referral, head), reviewer)

    resolve(appeal, reviewer, **changed_to_group_1())

    assert [n.user_id for n in told(staff_alerts.REFERRAL_DECIDED)[clinician.pk]] == [
        clinician.pk,
        clinician.pk,
    ]
    assert set(told(staff_alerts.REFERRAL_DECIDED)) == {clinician.pk}
