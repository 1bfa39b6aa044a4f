"""The MSE counts of the signed-in home page: each counts the records of the user's own
organisation (or the user's own assignments) that the list it links to shows, and nobody else's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone, translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import (
    Attachment,
    DocumentType,
    ExpertAssignment,
    Referral,
    ReferralStatus,
    Route,
)
from kopir.assessment.selectors import home
from kopir.assessment.tests.factories import ReferralFactory
from kopir.core.registry import HomeItem
from kopir.core.tests.fixtures import rows_listed
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db
S = ReferralStatus


def _items(prefix: str) -> dict[str, HomeItem]:
    """The registered items whose key starts with `prefix`, by the rest of their key."""
    return {
        item.key.removeprefix(prefix): item
        for item in home.home_items()
        if item.key.startswith(prefix)
    }


def _counts(user: User, prefix: str) -> dict[str, int]:
    return {name: item.count(user) for name, item in _items(prefix).items()}


def test_a_clinician_counts_their_clinics_returned_drafts_and_decided_referrals_only():
    clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    other = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    clinician = UserFactory(organisation=clinic, roles=[Role.CLINICIAN])
    now = timezone.now()
    for status, number in ((S.RETURNED, 2), (S.DRAFT, 3), (S.DECIDED, 1), (S.SENT, 4)):
        decided_at = now if status == S.DECIDED else None
        ReferralFactory.create_batch(
            number, medical_organisation=clinic, status=status, decided_at=decided_at
        )
        ReferralFactory(medical_organisation=other, status=status, decided_at=decided_at)

    assert _counts(clinician, "assessment.clinic_") == {"returned": 2, "drafts": 3, "decided": 1}
    # Each link opens the clinic's list filtered to exactly these.
    items = _items("assessment.clinic_")
    assert items["returned"].url(clinician).endswith("?status=returned")
    assert rows_listed(clinician, items["returned"].url(clinician)) == 2
    assert rows_listed(clinician, items["drafts"].url(clinician)) == 3
    assert rows_listed(clinician, items["decided"].url(clinician)) == 1


def test_a_decision_stays_received_for_thirty_days_after_the_person_is_told():
    """Telling the person (the next working day) does not take the decision off the clinic's
    home page; a decision older than the period does leave it, and the tile says the period."""
    clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    clinician = UserFactory(organisation=clinic, roles=[Role.CLINICIAN])
    now = timezone.now()
    ReferralFactory(medical_organisation=clinic, status=S.DECIDED, decided_at=now)
    ReferralFactory(
        medical_organisation=clinic, status=S.NOTIFIED, decided_at=now - dt.timedelta(days=2)
    )
    ReferralFactory(
        medical_organisation=clinic, status=S.NOTIFIED, decided_at=now - dt.timedelta(days=40)
    )

    item = _items("assessment.clinic_")["decided"]
    assert item.count(clinician) == 2
    assert rows_listed(clinician, item.url(clinician)) == 2
    assert str(item.label) == "Decisions received in the last 30 days"
    # Registered once at start-up, the text is still translated when the page is shown.
    with translation.override("ru"):
        assert str(item.label) == "Решения, полученные за последние 30 дней"
        assert str(item.empty) == "За последние 30 дней решений не поступало."


def test_a_clinician_without_the_role_counts_nothing():
    clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL)
    officer = UserFactory(organisation=clinic, roles=[Role.AGENCY_OFFICER])
    ReferralFactory(medical_organisation=clinic, status=S.RETURNED)
    assert _items("assessment.clinic_")["returned"].count(officer) == 0


def test_the_division_head_counts_new_and_overdue_cases_of_their_division_only():
    division = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    other = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    head = UserFactory(organisation=division, roles=[Role.MSE_HEAD])
    sent_at = timezone.now()
    today = timezone.localdate()
    late = today - dt.timedelta(days=3)
    ReferralFactory.create_batch(2, mse_division=division, status=S.SENT, first_sent_at=sent_at)
    ReferralFactory(
        mse_division=division, status=S.ASSIGNED, first_sent_at=sent_at, step_due_on=late
    )
    ReferralFactory(
        mse_division=division, status=S.NOTIFIED, first_sent_at=sent_at, step_due_on=late
    )
    ReferralFactory(mse_division=division, status=S.DRAFT)  # the clinic's until sent
    ReferralFactory(mse_division=other, status=S.SENT, first_sent_at=sent_at, step_due_on=late)

    # Overdue among the cases to act on; a notified case is done, another division's not ours.
    counts = _counts(head, "assessment.division_")
    assert (counts["new"], counts["overdue"]) == (2, 1)
    assert _items("assessment.division_")["overdue"].url(head).endswith("?overdue=on")
    assert home.is_head_of_division(head)


def test_the_division_head_counts_cases_at_risk_and_the_queue_lists_exactly_them():
    division = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    head = UserFactory(organisation=division, roles=[Role.MSE_HEAD])
    sent_at = timezone.now()
    today = timezone.localdate()
    at_risk = ReferralFactory.create(
        mse_division=division, status=S.ACCEPTED, first_sent_at=sent_at, step_due_on=today
    )
    for due in (today - dt.timedelta(days=1), today + dt.timedelta(days=30)):
        ReferralFactory(
            mse_division=division, status=S.ACCEPTED, first_sent_at=sent_at, step_due_on=due
        )

    at_risk_item = _items("assessment.division_")["at_risk"]
    assert at_risk_item.count(head) == 1
    assert _queue_listed(head, at_risk_item.url(head)) == [at_risk.pk]
    expert = UserFactory(organisation=division, roles=[Role.MSE_SPECIALIST])
    assert not home.is_head_of_division(expert)


def test_a_division_specialist_sees_the_queue_items_they_act_on_but_not_the_heads_check():
    """Any member of the division accepts, returns and tells the person: their home page counts
    those cases; releasing documents to the experts is the head's, so that item is not theirs."""
    division = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    specialist = UserFactory(organisation=division, roles=[Role.MSE_SPECIALIST])
    sent_at = timezone.now()
    late = timezone.localdate() - dt.timedelta(days=3)
    ReferralFactory.create_batch(2, mse_division=division, status=S.SENT, first_sent_at=sent_at)
    ReferralFactory(
        mse_division=division, status=S.ACCEPTED, first_sent_at=sent_at, step_due_on=late
    )
    ReferralFactory(mse_division=division, status=S.DECIDED, first_sent_at=sent_at)

    shown = {
        name: item
        for name, item in _items("assessment.division_").items()
        if item.allowed(specialist)
    }
    assert set(shown) == {"new", "overdue", "at_risk", "to_notify"}
    assert {name: item.count(specialist) for name, item in shown.items()} == {
        "new": 2,
        "overdue": 1,
        "at_risk": 0,
        "to_notify": 1,
    }
    assert _queue_listed(specialist, shown["to_notify"].url(specialist)) == [
        Referral.objects.get(status=S.DECIDED).pk
    ]
    head = UserFactory(organisation=division, roles=[Role.MSE_HEAD])
    assert _items("assessment.division_")["documents_to_check"].allowed(head)


def _queue_listed(head, url: str) -> list[int]:
    """The referrals the division's queue at `url` lists."""
    client = Client()
    client.force_login(head)
    response = client.get(url)
    assert response.status_code == 200
    return [row.referral.pk for row in response.context["page"].rows]


def _attach(referral: Referral, *, released: bool) -> None:
    Attachment.objects.create(
        referral=referral,
        document_type=DocumentType.AUDIOGRAM,
        issued_on=dt.date(2026, 11, 1),
        file=f"attachments/{referral.pk}-{released}.pdf",
        original_name="scan.pdf",
        content_type="application/pdf",
        size=10,
        sha256=f"{referral.pk}{released}".ljust(64, "0"),
        released_to_experts_at=timezone.now() if released else None,
    )


def test_the_division_head_counts_cases_with_documents_to_check_and_the_queue_lists_them():
    division = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    other = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    head = UserFactory(organisation=division, roles=[Role.MSE_HEAD])
    sent_at = timezone.now()
    to_check = ReferralFactory.create(mse_division=division, status=S.SENT, first_sent_at=sent_at)
    _attach(to_check, released=False)
    _attach(to_check, released=True)
    all_released = ReferralFactory.create(
        mse_division=division, status=S.ACCEPTED, first_sent_at=sent_at
    )
    _attach(all_released, released=True)
    # In person the expert sees the person anyway: nothing to check; nor another division's.
    in_person = ReferralFactory.create(
        mse_division=division, status=S.SENT, first_sent_at=sent_at, route=Route.IN_PERSON
    )
    _attach(in_person, released=False)
    elsewhere = ReferralFactory.create(mse_division=other, status=S.SENT, first_sent_at=sent_at)
    _attach(elsewhere, released=False)

    to_check_item = _items("assessment.division_")["documents_to_check"]
    assert to_check_item.count(head) == 1
    # The count is of cases, not of documents, and the tile says so.
    with translation.override("en"):
        assert str(to_check_item.label).startswith("Cases with documents to check")
    assert _queue_listed(head, to_check_item.url(head)) == [to_check.pk]


def test_an_expert_counts_only_their_own_assignments_still_waiting_for_a_conclusion():
    division = OrganisationFactory(kind=OrganisationKind.MSE_DIVISION)
    head = UserFactory(organisation=division, roles=[Role.MSE_HEAD])
    expert, colleague = (
        UserFactory(organisation=division, roles=[Role.MSE_SPECIALIST]) for _ in range(2)
    )
    waiting = ReferralFactory.create(mse_division=division, status=S.ASSIGNED)
    done = ReferralFactory.create(mse_division=division, status=S.ASSIGNED)
    decided = ReferralFactory.create(mse_division=division, status=S.DECIDED)
    for position, (referral, who) in enumerate(
        ((waiting, expert), (waiting, colleague), (done, expert), (decided, expert)), start=1
    ):
        ExpertAssignment.objects.create(
            referral=referral,
            expert=who,
            position=position,
            assigned_by=head,
            submitted_at=timezone.now() if referral is done else None,
        )

    assert home.expert_waiting_count(expert) == 1
    assert home.expert_waiting_count(colleague) == 1
    assert home.expert_waiting_count(head) == 0
