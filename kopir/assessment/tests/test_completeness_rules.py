"""The completeness check: which rules apply (diagnosis ranges, age bands, route, main or further
diagnosis), what it reports (missing, per side, too old), and in which language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext

from kopir.assessment.age_bands import age_in_years
from kopir.assessment.demo.rules import rules_load_demo
from kopir.assessment.models import (
    CompletenessRule,
    CompletenessRuleSet,
    DocumentType,
    FindingKind,
    LimitationCategory,
    Requirement,
    Route,
    RuleSetStatus,
)
from kopir.assessment.services.completeness import (
    completeness_check,
    describe_missing,
    rule_set_in_force,
)
from kopir.assessment.services.referrals import FindingInput, LimitationInput, attachment_add
from kopir.assessment.tests.clinic_fixtures import (
    complete_vision_referral,
    days_ago,
    make_referral,
    pdf,
)

pytestmark = pytest.mark.usefixtures("icd10", "demo_rules")


def gaps(referral):
    return [(item.kind, item.code, item.reason_code) for item in completeness_check(referral)]


def attach(referral, actor, document_type, age_days, name="doc.pdf"):
    attachment_add(
        actor=actor,
        referral=referral,
        document_type=document_type,
        issued_on=days_ago(age_days),
        uploaded_file=pdf(name, body=name.encode()),
    )


def test_a_referral_that_meets_every_rule_lacks_nothing(clinician, person):
    assert completeness_check(complete_vision_referral(clinician, person)) == []


def test_visual_impairment_needs_acuity_and_field_for_each_eye_and_a_recent_report(
    clinician, person
):
    referral = make_referral(
        clinician,
        person,
        "H54.0",
        findings=[FindingInput(FindingKind.VISUAL_ACUITY, days_ago(5), "right", Decimal("0.1"))],
    )

    assert gaps(referral) == [
        ("finding", "visual_acuity:left", "missing"),
        ("finding", "visual_field:right", "missing"),
        ("finding", "visual_field:left", "missing"),
        ("document", "ophthalmologist_report", "missing"),
    ]


def test_a_value_for_both_eyes_counts_for_each_eye(clinician, person):
    day = days_ago(5)
    referral = make_referral(
        clinician,
        person,
        "H54.0",
        findings=[
            FindingInput(FindingKind.VISUAL_ACUITY, day, "both", Decimal("0.02")),
            FindingInput(FindingKind.VISUAL_FIELD, day, "both", Decimal("5")),
        ],
    )
    attach(referral, clinician, DocumentType.OPHTHALMOLOGIST_REPORT, 5)

    assert gaps(referral) == []


def test_hearing_impairment_needs_thresholds_per_ear_and_an_audiogram(clinician, person):
    referral = make_referral(
        clinician,
        person,
        "H90.3",
        findings=[FindingInput(FindingKind.HEARING_THRESHOLD, days_ago(3), "left", Decimal("85"))],
    )

    assert gaps(referral) == [
        ("finding", "hearing_threshold:right", "missing"),
        ("document", "audiogram", "missing"),
    ]


@pytest.mark.parametrize(
    ("age_days", "expected"), [(90, []), (91, [("document", "audiogram", "too_old")])]
)
def test_a_document_is_too_old_the_day_after_its_limit(clinician, person, age_days, expected):
    referral = make_referral(
        clinician,
        person,
        "H91.9",
        findings=[
            FindingInput(FindingKind.HEARING_THRESHOLD, days_ago(3), "right", Decimal("70")),
            FindingInput(FindingKind.HEARING_THRESHOLD, days_ago(3), "left", Decimal("75")),
        ],
    )
    attach(referral, clinician, DocumentType.AUDIOGRAM, age_days)

    assert gaps(referral) == expected


def test_the_newest_of_several_documents_decides_its_age(clinician, person):
    histology = [FindingInput(FindingKind.HISTOLOGY, days_ago(40), text="Ductal carcinoma")]
    referral = make_referral(clinician, person, "C50.9", findings=histology)
    attach(referral, clinician, DocumentType.ONCOLOGIST_CONCLUSION, 45, "old.pdf")
    assert gaps(referral) == [("document", "oncologist_conclusion", "too_old")]

    attach(referral, clinician, DocumentType.ONCOLOGIST_CONCLUSION, 30, "new.pdf")
    assert gaps(referral) == []


@pytest.mark.parametrize(("code", "applies"), [("C50.9", True), ("D09.9", True), ("D10.0", False)])
def test_the_oncology_range_runs_from_c00_to_d09_inclusive(clinician, person, code, applies):
    referral = make_referral(clinician, person, code)

    expected = [
        ("finding", "histology", "missing"),
        ("document", "oncologist_conclusion", "missing"),
    ]
    assert gaps(referral) == (expected if applies else [])


def test_two_amputation_codes_ask_for_limb_function_once(clinician, person):
    referral = make_referral(clinician, person, "Z89.5", secondary_codes=["T05.5"])

    assert gaps(referral) == [
        ("finding", "limb_function", "missing"),
        ("document", "surgeon_report", "missing"),
    ]


def test_mental_disorders_need_a_psychiatrists_report_and_a_psychological_assessment(
    clinician, person
):
    referral = make_referral(clinician, person, "F20.0")
    attach(referral, clinician, DocumentType.PSYCHIATRIST_REPORT, 400)

    assert gaps(referral) == [("document", "psychological_assessment", "missing")]


def test_type_1_diabetes_rules_apply_to_children_only(clinician, person, child):
    adult = make_referral(clinician, person, "E10.9")
    young = make_referral(
        clinician,
        child,
        "E10.9",
        findings=[FindingInput(FindingKind.HBA1C, days_ago(120), value=Decimal("8.1"))],
    )

    assert gaps(adult) == []
    assert gaps(young) == [
        ("finding", "hba1c", "too_old"),
        ("document", "endocrinologist_report", "missing"),
    ]


def test_an_age_band_counts_full_years_on_the_day_of_the_check():
    birth = dt.date(2008, 6, 15)
    assert age_in_years(birth, dt.date(2026, 6, 14)) == 17
    assert age_in_years(birth, dt.date(2026, 6, 15)) == 18


def test_a_child_turns_18_and_the_childrens_rule_stops_applying(clinician, child):
    referral = make_referral(clinician, child, "E10.9")
    turns_18 = child.birth_date.replace(year=child.birth_date.year + 18)

    assert len(completeness_check(referral, on=turns_18 - dt.timedelta(days=1))) == 2
    assert completeness_check(referral, on=turns_18) == []


def test_the_general_rules_ask_for_the_commission_and_the_limitations(clinician, person):
    referral = make_referral(
        clinician,
        person,
        "G35",
        commission_protocol_number="",
        commission_conclusion="  ",
        limitations=[],
    )

    assert gaps(referral) == [
        ("field", "commission_protocol_number", "missing"),
        ("field", "commission_conclusion", "missing"),
        ("field", "limitations", "missing"),
    ]


def _custom_set(**rule):
    rule_set = CompletenessRuleSet.objects.create(
        number=9,
        title="Test",
        status=RuleSetStatus.ACTIVE,
        effective_from=days_ago(1),
        legal_source="Test order",
    )
    CompletenessRule.objects.create(rule_set=rule_set, legal_source="Test order", **rule)
    return rule_set


def test_a_rule_can_look_at_further_diagnoses_too(clinician, person):
    _custom_set(
        diagnoses="G35",
        include_secondary=True,
        requirement=Requirement.DOCUMENT,
        document_type=DocumentType.DISCHARGE_SUMMARY,
    )

    as_further = make_referral(clinician, person, "H54.4", secondary_codes=["G35"])
    as_main_elsewhere = make_referral(clinician, person, "H54.4")

    assert ("document", "discharge_summary", "missing") in gaps(as_further)
    assert gaps(as_main_elsewhere) == []


def test_a_rule_for_one_route_ignores_the_other(clinician, person):
    _custom_set(
        route=Route.IN_PERSON,
        requirement=Requirement.FIELD,
        field_name="treatment_history",
    )

    assert gaps(make_referral(clinician, person, "G35", route=Route.IN_ABSENTIA)) == []
    assert gaps(make_referral(clinician, person, "G35", route=Route.IN_PERSON)) == [
        ("field", "treatment_history", "missing")
    ]


def test_the_latest_active_set_in_force_decides_and_drafts_and_future_sets_do_not():
    demo = rule_set_in_force()
    assert demo is not None
    assert demo.number == 1
    CompletenessRuleSet.objects.create(number=2, title="Draft", legal_source="x")
    CompletenessRuleSet.objects.create(
        number=3,
        title="Next year",
        legal_source="x",
        status=RuleSetStatus.ACTIVE,
        effective_from=days_ago(-30),
    )
    assert rule_set_in_force() == demo
    later = rule_set_in_force(days_ago(-30))
    assert later is not None
    assert later.number == 3


def test_without_any_rule_set_in_force_nothing_is_required(clinician, person):
    CompletenessRuleSet.objects.update(status=RuleSetStatus.RETIRED)

    assert completeness_check(make_referral(clinician, person, "H54.0")) == []


def test_the_demo_rules_load_once(clinician):
    assert "already" in rules_load_demo()
    assert CompletenessRuleSet.objects.count() == 1
    assert CompletenessRule.objects.count() == 17


def test_labels_and_reasons_are_in_the_active_language(clinician, person):
    hearing = [
        FindingInput(FindingKind.HEARING_THRESHOLD, days_ago(3), "left", Decimal("85")),
        FindingInput(FindingKind.HEARING_THRESHOLD, days_ago(3), "right", Decimal("85")),
    ]
    referral = make_referral(clinician, person, "H90.3", findings=hearing)
    attach(referral, clinician, DocumentType.AUDIOGRAM, 100)

    with translation.override("en"):
        [item] = completeness_check(referral)
        assert (item.label, item.reason) == ("Audiogram", "older than 90 days")
    with translation.override("ru"):
        [item] = completeness_check(referral)
        assert item.label == gettext("Audiogram")


def test_a_missing_side_is_named_with_the_eye(clinician, person):
    referral = make_referral(clinician, person, "H54.0")

    with translation.override("en"):
        labels = [item.label for item in completeness_check(referral)][:2]

    assert labels == [
        "Visual acuity with correction: right eye",
        "Visual acuity with correction: left eye",
    ]


def test_a_stored_list_reads_in_the_readers_language_and_hand_written_items_keep_their_words(
    clinician, person
):
    referral = make_referral(
        clinician,
        person,
        "H90.3",
        limitations=[LimitationInput(LimitationCategory.COMMUNICATION, 2)],
    )
    with translation.override("ru"):
        stored = [item.as_dict() for item in completeness_check(referral)]
    stored.append(
        {
            "rule_id": None,
            "kind": "specialist",
            "code": "",
            "label": "Фото слухового аппарата",
            "reason": "",
        }
    )

    with translation.override("en"):
        described = describe_missing(stored)

    assert [item.label for item in described] == [
        "Hearing threshold: right ear",
        "Hearing threshold: left ear",
        "Audiogram",
        "Фото слухового аппарата",
    ]
    assert described[0].reason == "missing"
    assert described[-1].reason == ""


def test_the_check_reads_a_constant_number_of_times(
    clinician, person, django_assert_max_num_queries
):
    referral = complete_vision_referral(clinician, person)
    referral.refresh_from_db()

    with django_assert_max_num_queries(8):
        completeness_check(referral)
