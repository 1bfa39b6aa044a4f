"""The division's pages as their users work them: accept, return, assign, conclude, decide and
notify through the forms; the expert's and appeal lists within a fixed query budget."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kopir.assessment.models import ReferralStatus
from kopir.assessment.services.decision import referral_notify
from kopir.assessment.tests.division_fixtures import (
    GROUP_2,
    accepted,
    assigned,
    concluded,
    decided,
    decision_post,
    filed_appeal,
    sent,
)
from kopir.core.tests.fixtures import signed_in
from kopir.people.tests.factories import PersonFactory, PersonLinkFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


@pytest.fixture(autouse=True)
def _pages_in_english():
    """The pages are read in English."""
    with translation.override("en"):
        yield


def url(name, *args):
    return reverse(f"assessment:{name}", args=args)


def test_a_specialist_accepts_a_complete_referral_from_its_page(
    client, clinician, person, specialist
):
    referral = sent(clinician, person)
    signed_in(client, specialist)

    page = client.get(url("division_case", referral.pk)).content.decode()
    response = client.post(url("division_accept", referral.pk), {"version": referral.version})

    assert "finds nothing missing" in page
    assert "Accept the referral" in page
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED


def test_a_specialist_returns_a_referral_with_their_items_and_an_empty_return_is_explained(
    client, clinician, person, specialist
):
    referral = sent(clinician, person)
    signed_in(client, specialist)

    form = client.get(url("division_return", referral.pk)).content.decode()
    empty = client.post(url("division_return", referral.pk), {"version": referral.version})
    done = client.post(
        url("division_return", referral.pk),
        {"version": referral.version, "added_items": "Perimetry chart\nDischarge summary"},
    )

    # Nothing found by the check: what the specialist writes is all the clinic gets, so the
    # field is not offered as optional, nor said to come with items the check found.
    assert "What else the clinic must add</label>" in form
    assert "are always included" not in form
    body = empty.content.decode()
    assert 'aria-invalid="true"' in body
    assert "finds nothing missing" in body
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.RETURNED
    event = referral.events.order_by("id").last()
    assert event is not None
    labels = [item["label"] for item in event.missing]
    assert labels == ["Perimetry chart", "Discharge summary"]


def test_the_head_assigns_three_experts_through_the_form(client, clinician, person, head, experts):
    referral = accepted(clinician, person, experts[0])
    signed_in(client, head)

    page = client.get(url("division_assign", referral.pk)).content.decode()
    too_few = client.post(
        url("division_assign", referral.pk),
        {"version": referral.version, "experts": [experts[0].pk]},
    )
    done = client.post(
        url("division_assign", referral.pk),
        {"version": referral.version, "experts": [e.pk for e in experts]},
    )

    assert all(e.last_name in page for e in experts)
    assert "exactly 3" in too_few.content.decode()
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED


def test_an_expert_submits_a_conclusion_and_an_invalid_one_is_shown_on_its_field(
    client, clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[1])
    signed_in(client, experts[1])
    data = {
        "version": 1,
        "outcome": "established",
        "category_code": "CHILD_LT7",
        "cause": "general_disease",
        "term": "1y",
        "reasons": "Findings.",
    }

    invalid = client.post(url("expert_review", assignment.pk), data)
    valid = client.post(url("expert_review", assignment.pk), {**data, "category_code": "ADULT_G2"})

    body = invalid.content.decode()
    assert "An adult gets group I, II or III." in body
    assert 'id="id_category_code"' in body
    assert 'aria-invalid="true"' in body
    assert valid.status_code == 302
    assignment.refresh_from_db()
    assert assignment.category_code == "ADULT_G2"


def test_an_expert_who_picks_only_established_is_told_every_missing_part_at_once(
    client, clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    assignment = referral.assignments.get(expert=experts[1])
    signed_in(client, experts[1])

    response = client.post(
        url("expert_review", assignment.pk), {"version": 1, "outcome": "established"}
    )
    too_much = client.post(
        url("expert_review", assignment.pk),
        {"version": 1, "outcome": "established", "general_loss_percent": "150"},
    )

    form = response.context["form"]
    assert form.errors == {
        "reasons": ["Give the reasons for the conclusion."],
        "category_code": ["Choose the group or category."],
        "cause": ["Choose the cause of disability."],
        "term": ["Choose the term."],
    }
    assert "This field is required." not in response.content.decode()
    assert too_much.context["form"].errors["general_loss_percent"] == [
        "Enter a percentage from 0 to 100."
    ]


def test_another_expert_cannot_open_someone_elses_review(
    client, clinician, person, head, experts, division
):
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory

    referral = assigned(clinician, person, head, experts[:1] + experts[1:])
    assignment = referral.assignments.get(expert=experts[1])
    unassigned = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])

    assert signed_in(client, unassigned).get(url("expert_review", assignment.pk)).status_code == 404
    assert signed_in(client, head).get(url("expert_review", assignment.pk)).status_code == 403


def test_the_head_records_the_decision_and_the_division_notifies_the_person(
    client, clinician, person, head, experts, specialist
):
    referral = concluded(clinician, person, head, experts, GROUP_2)
    signed_in(client, head)

    page = client.get(url("division_decide", referral.pk)).content.decode()
    response = client.post(url("division_decide", referral.pk), decision_post(referral, reasons=""))
    referral.refresh_from_db()
    notify = signed_in(client, specialist).post(
        url("division_notify", referral.pk), {"version": referral.version}
    )

    assert all(e.last_name in page for e in experts)  # the head sees who concluded what
    assert response.status_code == 302
    assert notify.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NOTIFIED


def test_the_case_page_shows_the_decision_and_the_dissent_by_expert_number(
    client, clinician, person, head, experts, specialist
):
    from kopir.assessment.tests.division_fixtures import NOT_ESTABLISHED

    referral = decided(clinician, person, head, experts, GROUP_2, NOT_ESTABLISHED, GROUP_2)

    body = signed_in(client, specialist).get(url("division_case", referral.pk)).content.decode()

    assert "Dissenting conclusions" in body
    assert "Expert 2" in body
    assert experts[1].last_name not in body


def test_the_timeline_shows_every_step_with_who_and_when(client, clinician, person, head, experts):
    referral = decided(clinician, person, head, experts)

    body = signed_in(client, head).get(url("division_timeline", referral.pk)).content.decode()

    for text in (
        "Draft",
        "Sent to MSE",
        "Accepted",
        "With the experts",
        "Decided",
        "Conclusion submitted",
        "Expert 3: ",
    ):
        assert text in body, text
    assert head.last_name in body
    assert experts[0].last_name in body
    assert str(referral.medical_organisation.short_name) in body


def test_the_expert_worklist_and_the_appeal_list_keep_a_fixed_query_count(
    client, clinician, head, experts, specialist, reviewer, clinic, district
):
    def new_person():
        person = PersonFactory.create(territory=district)
        PersonLinkFactory.create(person=person, organisation=clinic, basis="attached")
        return person

    def make_appealed():
        referral = decided(clinician, new_person(), head, experts)
        referral = referral_notify(actor=head, referral=referral, expected_version=referral.version)
        filed_appeal(referral, specialist)

    counts: dict[tuple[str, int], int] = {}
    made = 0
    for rows in (1, 3):
        while made < rows:
            make_appealed()
            made += 1
        for name, user in (("expert_worklist", specialist), ("appeal_list", reviewer)):
            signed_in(client, user)
            client.get(url(name))
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url(name))
            assert response.status_code == 200
            counts[(name, rows)] = len(queries)

    assert counts[("expert_worklist", 1)] == counts[("expert_worklist", 3)] <= 10
    assert counts[("appeal_list", 1)] == counts[("appeal_list", 3)] <= 10


def test_a_draft_the_clinic_never_sent_is_not_the_divisions_to_see(
    client, clinician, person, specialist
):
    from kopir.assessment.tests.clinic_fixtures import complete_vision_referral

    draft = complete_vision_referral(clinician, person)

    assert signed_in(client, specialist).get(url("division_case", draft.pk)).status_code == 404


def test_an_invalid_step_from_a_page_is_refused_with_a_clear_message(
    client, clinician, person, specialist
):
    referral = accepted(clinician, person, specialist)

    response = signed_in(client, specialist).post(
        url("division_accept", referral.pk), {"version": referral.version}, follow=True
    )

    assert "Only a referral sent to the division can be accepted." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
