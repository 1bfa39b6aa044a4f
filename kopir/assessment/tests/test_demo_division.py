"""The MSE demo: referrals in every state from five polyclinics, some returned with their missing
lists, some overdue, one appeal — made through the real services, and loaded idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from kopir.accounts import demo as accounts_demo
from kopir.assessment.demo import referrals as demo_referrals
from kopir.assessment.models import (
    Appeal,
    AppealStatus,
    Attachment,
    Decision,
    ExpertAssignment,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
from kopir.assessment.tests.clinic_fixtures import icd10_codes
from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import built_once_for_the_module
from kopir.directory import demo as directory_demo
from kopir.people import demo as people_demo
from kopir.people.models import LinkBasis, PersonLink

pytestmark = pytest.mark.django_db


def _load_the_demos() -> str:
    """The demos the MSE demo builds on, then the MSE demo itself (the ICD-10 codes it needs are
    the tests' few, so the full WHO list is not loaded here)."""
    icd10_codes()
    directory_demo.load()
    accounts_demo.load()
    people_demo.load()
    return demo_referrals.load()


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Loaded once for the module's tests, each of which runs in a savepoint of its own."""
    yield from built_once_for_the_module(django_db_blocker, _load_the_demos)


def test_the_demo_has_referrals_in_every_state_from_five_clinics(demo):
    referrals = Referral.objects.filter(external_id__startswith="demo-")

    assert (
        demo == f"{len(demo_referrals.CASES)} demo referrals ({len(demo_referrals.CASES)} created)"
    )
    assert set(referrals.values_list("status", flat=True)) == set(ReferralStatus.values)
    assert set(referrals.values_list("medical_organisation__code", flat=True)) == set(
        demo_referrals.CLINICS
    )


def test_returned_referrals_carry_their_missing_lists_and_count_their_returns(demo):
    returns = ReferralEvent.objects.filter(
        to_status=ReferralStatus.RETURNED, referral__external_id__startswith="demo-"
    )

    assert returns.count() >= 4
    assert all(event.missing for event in returns)
    assert Referral.objects.filter(returns_count=2).exists()
    twice = Referral.objects.get(external_id="demo-ter-01")
    assert twice.returns_count == 2
    assert twice.status == ReferralStatus.RETURNED


def test_some_steps_are_overdue_and_the_dates_are_consistent(demo):
    today = timezone.localdate()
    overdue = Referral.objects.filter(step_due_on__lt=today)

    assert overdue.filter(status=ReferralStatus.SENT).exists()
    assert overdue.filter(status=ReferralStatus.RETURNED).exists()
    assert overdue.filter(status=ReferralStatus.ASSIGNED).exists()
    for referral in Referral.objects.filter(external_id__startswith="demo-"):
        moments = list(referral.events.order_by("id").values_list("at", flat=True))
        assert moments == sorted(moments), referral.external_id
        assert referral.created_at == moments[0]
        if referral.first_sent_at:
            assert referral.first_sent_at.date() < today or referral.external_id == "demo-p1-02"
        assert referral.step_started_on == timezone.localdate(moments[-1])


def test_the_demo_has_one_appeal_under_review_and_decisions_with_dissent(demo):
    appeal = Appeal.objects.get()

    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert appeal.higher_body.code == "wko-mse-department"
    assert appeal.filed_on >= appeal.decision.decided_at.date()
    assert Decision.objects.exclude(dissent=[]).count() >= 2
    assert ExpertAssignment.objects.filter(submitted_at__isnull=True).exists()


def test_in_person_demo_referrals_give_the_division_access_to_the_person(demo):
    linked_by_referral = set(
        PersonLink.objects.filter(
            organisation__code="wko-mse-division-oral", basis=LinkBasis.REFERRAL
        ).values_list("person_id", flat=True)
    )
    in_person = set(
        Referral.objects.filter(external_id__startswith="demo-", route="in_person")
        .exclude(first_sent_at=None)
        .values_list("person_id", flat=True)
    )

    assert in_person
    assert in_person <= linked_by_referral


def test_the_demo_head_released_the_documents_of_every_in_absentia_case_with_experts(demo):
    with_experts = Attachment.objects.filter(
        referral__external_id__startswith="demo-",
        referral__route="in_absentia",
        referral__assignments__isnull=False,
    ).distinct()
    not_yet_assigned = Attachment.objects.filter(
        referral__external_id__startswith="demo-", referral__assignments__isnull=True
    )

    assert with_experts.exists()
    assert not with_experts.filter(released_to_experts_at=None).exists()
    assert set(with_experts.values_list("released_by__username", flat=True)) == {"mse-head"}
    for attachment in with_experts.select_related("referral"):
        assigned_at = attachment.referral.assignments.values_list("assigned_at", flat=True)[0]
        released_at = attachment.released_to_experts_at
        assert released_at is not None
        assert released_at < assigned_at  # backdated with the walk
    assert not not_yet_assigned.exclude(released_to_experts_at=None).exists()


def test_loading_the_demo_twice_changes_nothing(demo):
    def snapshot():
        return (
            Referral.objects.count(),
            ReferralEvent.objects.count(),
            ExpertAssignment.objects.count(),
            Decision.objects.count(),
            Appeal.objects.count(),
            AuditEvent.objects.count(),
            sorted(Referral.objects.values_list("number", "status", "version", "step_due_on")),
        )

    before = snapshot()
    summary = demo_referrals.load()

    assert summary.endswith("(0 created)")
    assert snapshot() == before


def test_the_demo_texts_people_type_are_in_kazakh(demo):
    """The appeal's grounds, the division's notes and the rule set's single-language fields are
    written as their users would write them in the Kazakh interface, not in English."""
    import re

    from kopir.assessment.models import CompletenessRule, CompletenessRuleSet

    english = re.compile(r"\b(?:the|of|and|for|to)\b", re.IGNORECASE)
    rule_set = CompletenessRuleSet.objects.get(number=1)
    texts = [
        Appeal.objects.get().grounds,
        rule_set.title,
        rule_set.legal_source,
        rule_set.notes,
        *CompletenessRule.objects.values_list("legal_source", flat=True),
        *ReferralEvent.objects.exclude(note="").values_list("note", flat=True),
    ]
    for text in texts:
        assert not english.search(text), text
    assert rule_set.title == "Сырттай МӘС жолдамаларының толықтығы (демо)"
