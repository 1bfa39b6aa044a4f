"""In-absentia cases reach the experts (and the higher body) without the person's identity: no
name, IIN, birth date, address, phone, e-mail or representative — on any page, in the CSV export
or on the timeline. Only the division head sees who the person is."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kopir.assessment.age_bands import band_of_age
from kopir.assessment.models import Finding, FindingKind, Route
from kopir.assessment.tests.division_fixtures import (
    assigned,
    decided,
    filed_appeal,
    identity_strings,
    notified,
    returned,
    sent,
)
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.tests.fixtures import signed_in

# Every test here needs the codes, the demo rules and the division.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


def assert_no_identity(content: str, person, where: str) -> None:
    leaked = [value for value in identity_strings(person) if value in content]
    assert not leaked, f"{where} shows {leaked}"


def pages_for(client, user, urls, person):
    signed_in(client, user)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_identity(response.getvalue().decode(), person, url)


def test_no_division_page_shows_a_specialist_who_the_person_is(
    client, clinician, identifiable, specialist, head, experts
):
    received = sent(clinician, identifiable)
    with_experts = assigned(clinician, identifiable, head, experts)
    urls = [
        reverse("assessment:division_queue"),
        reverse("assessment:division_queue") + "?status=all",
        reverse("assessment:division_queue_export") + "?status=all",
        reverse("assessment:division_case", args=[received.pk]),
        reverse("assessment:division_return", args=[received.pk]),
        reverse("assessment:division_timeline", args=[received.pk]),
        reverse("assessment:division_case", args=[with_experts.pk]),
        reverse("assessment:division_timeline", args=[with_experts.pk]),
        reverse("assessment:expert_worklist"),
        reverse(
            "assessment:expert_review", args=[with_experts.assignments.get(expert=specialist).pk]
        ),
    ]

    pages_for(client, specialist, urls, identifiable)


def test_decided_and_appealed_cases_stay_depersonalised_for_specialists_and_the_higher_body(
    client, clinician, identifiable, specialist, head, experts, reviewer
):
    referral = notified(clinician, identifiable, head, experts)
    appeal = filed_appeal(referral, specialist, filed_by="representative")

    pages_for(
        client,
        specialist,
        [
            reverse("assessment:division_case", args=[referral.pk]),
            reverse("assessment:division_timeline", args=[referral.pk]),
            reverse("assessment:division_appeal", args=[referral.pk]),
            reverse(
                "assessment:expert_review", args=[referral.assignments.get(expert=specialist).pk]
            ),
        ],
        identifiable,
    )
    pages_for(
        client,
        reviewer,
        [
            reverse("assessment:appeal_list"),
            reverse("assessment:appeal_detail", args=[appeal.pk]),
            reverse("assessment:appeal_decide", args=[appeal.pk]),
        ],
        identifiable,
    )


def test_a_returned_case_with_its_missing_list_stays_depersonalised(
    client, clinician, identifiable, specialist
):
    referral = returned(clinician, identifiable, specialist, "Perimetry chart")

    pages_for(
        client,
        specialist,
        [
            reverse("assessment:division_case", args=[referral.pk]),
            reverse("assessment:division_timeline", args=[referral.pk]),
        ],
        identifiable,
    )


def test_the_expert_sees_an_age_band_instead_of_the_birth_date(
    client, clinician, identifiable, head, experts
):
    referral = assigned(clinician, identifiable, head, experts)
    assignment = referral.assignments.get(expert=experts[1])
    today = timezone.localdate()
    birth = identifiable.birth_date
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

    body = (
        signed_in(client, experts[1])
        .get(reverse("assessment:expert_review", args=[assignment.pk]))
        .content.decode()
    )

    # With the sex, the exact age could single the person out (test_age_bands.py).
    assert str(band_of_age(age)) in body
    assert f"{age} years" not in body
    assert referral.primary_diagnosis.code in body


def test_the_division_head_sees_who_the_person_is_and_the_read_is_audited(
    client, clinician, identifiable, head
):
    referral = sent(clinician, identifiable)

    body = (
        signed_in(client, head)
        .get(reverse("assessment:division_case", args=[referral.pk]))
        .content.decode()
    )

    assert identifiable.iin in body
    assert identifiable.last_name in body
    assert AuditEvent.objects.filter(
        actor=head, action=AuditAction.VIEW, target_type="people.person",
        target_id=str(identifiable.pk),
    ).exists()  # fmt: skip


def test_the_one_expert_of_an_in_person_examination_sees_the_person(
    client, clinician, identifiable, head, experts
):
    referral = assigned(clinician, identifiable, head, experts, route=Route.IN_PERSON)
    assignment = referral.assignments.get()

    body = (
        signed_in(client, experts[0])
        .get(reverse("assessment:expert_review", args=[assignment.pk]))
        .content.decode()
    )

    assert identifiable.iin in body


def test_the_timeline_names_no_other_expert_for_a_specialist_but_does_for_the_head(
    client, clinician, identifiable, head, experts
):
    referral = decided(clinician, identifiable, head, experts)
    with translation.override("en"):
        url = reverse("assessment:division_timeline", args=[referral.pk])

    as_expert = signed_in(client, experts[0]).get(url).content.decode()
    as_head = signed_in(client, head).get(url).content.decode()

    for other in experts[1:]:
        assert other.last_name not in as_expert
        assert other.last_name in as_head
    assert head.last_name not in as_expert
    assert "Expert 2" in as_expert
    assert "Expert 1 (you)" in as_expert


def test_the_case_page_lists_findings_right_eye_before_left(client, clinician, identifiable, head):
    # By their codes the findings came "left" before "right"; the clinic wrote right first.
    referral = sent(clinician, identifiable)

    response = signed_in(client, head).get(reverse("assessment:division_case", args=[referral.pk]))

    assert [(f.kind, f.side) for f in response.context["content"].findings] == [
        ("visual_acuity", "right"),
        ("visual_acuity", "left"),
        ("visual_field", "right"),
        ("visual_field", "left"),
    ]


def test_the_clinic_and_the_division_show_a_finding_alike_with_its_line_breaks(
    client, clinician, identifiable, head
):
    referral = sent(clinician, identifiable)
    Finding.objects.create(
        referral=referral,
        kind=FindingKind.OTHER_TEST,
        name="Audiogram",
        text="Right ear: 55 dB\nLeft ear: 40 dB",
        measured_on=timezone.localdate(),
    )
    row = "Other test: Audiogram</th>"
    text = "Right ear: 55 dB<br>Left ear: 40 dB"

    with translation.override("en"):
        clinic_url = reverse("assessment:clinic_detail", args=[referral.pk])
        division_url = reverse("assessment:division_case", args=[referral.pk])
    as_clinic = signed_in(client, clinician).get(clinic_url).content.decode()
    as_division = signed_in(client, head).get(division_url).content.decode()

    for page in (as_clinic, as_division):
        assert row in page
        assert text in page
