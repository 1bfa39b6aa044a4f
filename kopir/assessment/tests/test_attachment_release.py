"""Documents released to the experts: in absentia, an expert reads an attached document only once
the division head has checked it for identity and released it; the head, the division's staff
who may see identity and the clinic read them as before; nobody else does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.access import may_download_attachment
from kopir.assessment.models import Attachment, DocumentType, ReferralStatus, Route
from kopir.assessment.services.attachments import attachment_add, attachment_release
from kopir.assessment.services.division import referral_accept
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.services.review import referral_assign_experts
from kopir.assessment.tests.clinic_fixtures import complete_vision_referral, days_ago, pdf
from kopir.assessment.tests.division_fixtures import (
    accepted,
    assigned,
    decided,
    identity_strings,
)
from kopir.assessment.tests.helpers import url
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.tests.fixtures import signed_in

pytestmark = pytest.mark.usefixtures("icd10", "demo_rules")

RELEASE_AUDIT = {"target_type": "assessment.attachment", "action": AuditAction.UPDATE}


def download_url(attachment):
    return url("attachment_download", attachment.referral_id, attachment.pk)


def release_url(attachment):
    return url("division_attachment_release", attachment.referral_id, attachment.pk)


def with_documents(clinician, person, head, experts, count, *, route=Route.IN_ABSENTIA):
    """An assigned referral carrying `count` documents (the ophthalmologist's report first)."""
    referral = complete_vision_referral(clinician, person, route=route)
    for index in range(1, count):
        attachment_add(
            actor=clinician,
            referral=referral,
            document_type=DocumentType.LABORATORY_RESULT,
            issued_on=days_ago(5 + index),
            uploaded_file=pdf(f"lab-{index}.pdf", body=f"result {index}".encode()),
        )
    referral.refresh_from_db()
    referral = referral_send(actor=clinician, referral=referral, expected_version=referral.version)
    referral = referral_accept(
        actor=experts[0], referral=referral, expected_version=referral.version
    )
    chosen = experts[:3] if route == Route.IN_ABSENTIA else experts[:1]
    return referral_assign_experts(
        actor=head, referral=referral, expected_version=referral.version, experts=chosen
    )


def other_division_head(request):
    """The staff of a second division, made once the referral exists: referrals are routed to
    the first division by code, and the second one's code comes first."""
    return request.getfixturevalue("other_division_staff")


@pytest.fixture
def unassigned_specialist(division):
    return UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])


# --- The service ---------------------------------------------------------------------------------


def test_the_head_releases_a_document_and_the_release_is_audited(clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts)
    attachment = referral.attachments.get()

    released = attachment_release(actor=head, attachment=attachment)

    stored = Attachment.objects.get(pk=attachment.pk)
    assert stored.released_to_experts_at is not None
    assert stored.released_by == head
    assert released.is_released_to_experts
    event = AuditEvent.objects.get(target_id=str(attachment.pk), **RELEASE_AUDIT)
    assert event.actor == head
    assert event.fields == ["released_by", "released_to_experts_at"]


def test_releasing_twice_changes_nothing_and_records_nothing_more(clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts)
    attachment = attachment_release(actor=head, attachment=referral.attachments.get())
    first = attachment.released_to_experts_at

    again = attachment_release(actor=head, attachment=Attachment.objects.get(pk=attachment.pk))

    assert again.released_to_experts_at == first
    assert AuditEvent.objects.filter(target_id=str(attachment.pk), **RELEASE_AUDIT).count() == 1


def test_a_document_is_released_before_the_experts_are_assigned_too(
    clinician, person, head, experts
):
    referral = accepted(clinician, person, experts[0])

    attachment_release(actor=head, attachment=referral.attachments.get())

    assert referral.attachments.get().is_released_to_experts


@pytest.mark.parametrize("who", ["expert", "clinician", "other_head"])
def test_only_the_head_of_the_referrals_division_releases(
    who, clinician, person, head, experts, request
):
    referral = assigned(clinician, person, head, experts)
    actor = {
        "expert": lambda: experts[0],
        "clinician": lambda: clinician,
        "other_head": lambda: other_division_head(request),
    }[who]()

    with pytest.raises(AccessDenied):
        attachment_release(actor=actor, attachment=referral.attachments.get())

    assert not referral.attachments.get().is_released_to_experts
    assert not AuditEvent.objects.filter(**RELEASE_AUDIT).exists()


def test_an_in_person_examinations_documents_need_no_release(clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts, route=Route.IN_PERSON)

    with pytest.raises(DomainError, match="in-person"):
        attachment_release(actor=head, attachment=referral.attachments.get())

    assert not referral.attachments.get().is_released_to_experts


def test_a_decided_referrals_documents_can_no_longer_be_released(clinician, person, head, experts):
    referral = decided(clinician, person, head, experts)

    with pytest.raises(DomainError, match="only before the decision"):
        attachment_release(actor=head, attachment=referral.attachments.get())

    assert not referral.attachments.get().is_released_to_experts
    assert not AuditEvent.objects.filter(**RELEASE_AUDIT).exists()


def test_a_release_whose_audit_record_fails_is_not_kept(
    clinician, person, head, experts, monkeypatch
):
    referral = assigned(clinician, person, head, experts)

    def broken_audit(**kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr("kopir.assessment.services.attachments.audit_record", broken_audit)
    with pytest.raises(RuntimeError):
        attachment_release(actor=head, attachment=referral.attachments.get())

    assert not referral.attachments.get().is_released_to_experts


# --- Who may download ----------------------------------------------------------------------------


def test_who_downloads_an_in_absentia_document_before_and_after_its_release(
    client, clinician, person, head, experts, unassigned_specialist, request
):
    referral = assigned(clinician, person, head, experts)
    other_division_staff = other_division_head(request)
    attachment = referral.attachments.get()
    address = download_url(attachment)

    readers = {
        "assigned expert": experts[1],
        "unassigned specialist": unassigned_specialist,
        "head": head,
        "clinic": clinician,
        "other division": other_division_staff,
    }

    def statuses():
        return {
            who: signed_in(client, user).get(address).status_code for who, user in readers.items()
        }

    before = statuses()
    attachment_release(actor=head, attachment=attachment)
    after = statuses()

    assert before == {
        "assigned expert": 404,
        "unassigned specialist": 404,
        "head": 200,
        "clinic": 200,
        "other division": 404,
    }
    assert after == {**before, "assigned expert": 200}


def test_the_experts_download_is_audited_and_served_under_a_neutral_name(
    client, clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    attachment = attachment_release(actor=head, attachment=referral.attachments.get())

    response = signed_in(client, experts[2]).get(download_url(attachment))

    assert response.status_code == 200
    assert "ophthalmologist.pdf" not in response["Content-Disposition"]
    assert referral.number in response["Content-Disposition"]
    assert AuditEvent.objects.filter(
        actor=experts[2],
        action=AuditAction.VIEW,
        target_type="assessment.attachment",
        target_id=str(attachment.pk),
    ).exists()


def test_a_refused_download_is_not_recorded_as_a_read(client, clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts)
    attachment = referral.attachments.get()

    assert signed_in(client, experts[0]).get(download_url(attachment)).status_code == 404
    assert not AuditEvent.objects.filter(
        actor=experts[0], action=AuditAction.VIEW, target_type="assessment.attachment"
    ).exists()


def test_in_person_the_examining_expert_and_the_head_read_the_documents_without_a_release(
    client, clinician, person, head, experts, unassigned_specialist
):
    referral = assigned(clinician, person, head, experts, route=Route.IN_PERSON)
    address = download_url(referral.attachments.get())

    assert signed_in(client, experts[0]).get(address).status_code == 200
    assert signed_in(client, head).get(address).status_code == 200
    # A specialist who does not examine the person has no reason to read who it is.
    assert signed_in(client, unassigned_specialist).get(address).status_code == 404


def test_the_rule_refuses_a_document_of_another_referral_and_an_anonymous_visitor(
    clinician, person, head, experts
):
    from django.contrib.auth.models import AnonymousUser

    referral = assigned(clinician, person, head, experts)
    other = complete_vision_referral(clinician, person)
    foreign = other.attachments.get()

    assert not may_download_attachment(head, referral, foreign)
    assert not may_download_attachment(AnonymousUser(), referral, referral.attachments.get())
    assert may_download_attachment(head, referral, referral.attachments.get())


# --- The release button --------------------------------------------------------------------------


def test_the_head_releases_from_the_case_page_and_returns_to_the_documents(
    client, clinician, person, head, experts
):
    referral = assigned(clinician, person, head, experts)
    attachment = referral.attachments.get()

    response = signed_in(client, head).post(release_url(attachment), {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == url("division_case", referral.pk) + "#documents-title"
    assert Attachment.objects.get(pk=attachment.pk).is_released_to_experts
    page = client.get(url("division_case", referral.pk)).content.decode()
    assert "The document is released to the experts." in page


def test_releasing_asks_the_head_to_confirm_they_checked_the_document_first(
    client, clinician, person, head, experts
):
    """A release cannot be undone and may show the experts who the person is: one click does
    not release; the page offers the document to open and a box to tick."""
    referral = assigned(clinician, person, head, experts)
    attachment = referral.attachments.get()
    signed_in(client, head)

    page = client.get(release_url(attachment)).content.decode()
    assert "a release cannot be undone" in page
    assert download_url(attachment) in page
    assert 'name="confirm"' in page
    assert url("division_case", referral.pk) + "#documents-title" in page  # the way back

    refused = client.post(release_url(attachment)).content.decode()
    assert "Tick the box to confirm that you checked the document, then release it." in refused
    assert not Attachment.objects.get(pk=attachment.pk).is_released_to_experts


def test_an_in_person_document_has_no_release_page(client, clinician, person, head, experts):
    referral = assigned(clinician, person, head, experts, route=Route.IN_PERSON)
    attachment = referral.attachments.get()
    signed_in(client, head)

    assert client.get(release_url(attachment)).status_code == 404
    assert client.post(release_url(attachment), {"confirm": "on"}).status_code == 404
    assert not Attachment.objects.get(pk=attachment.pk).is_released_to_experts


def test_the_release_address_answers_only_to_the_head(
    client, clinician, person, head, experts, request
):
    referral = assigned(clinician, person, head, experts)
    other_division_staff = other_division_head(request)
    attachment = referral.attachments.get()
    other = complete_vision_referral(clinician, person).attachments.get()
    wrong_referral = url("division_attachment_release", referral.pk, other.pk)

    assert signed_in(client, head).get(release_url(attachment)).status_code == 200
    assert client.post(wrong_referral, {"confirm": "on"}).status_code == 404
    assert (
        signed_in(client, experts[0]).post(release_url(attachment), {"confirm": "on"}).status_code
        == 403
    )
    assert (
        signed_in(client, other_division_staff)
        .post(release_url(attachment), {"confirm": "on"})
        .status_code
        == 404
    )
    assert (
        signed_in(client, clinician).post(release_url(attachment), {"confirm": "on"}).status_code
        == 403
    )
    client.logout()
    assert client.post(release_url(attachment)).status_code == 302  # to sign in
    assert not Attachment.objects.filter(released_to_experts_at__isnull=False).exists()


def test_a_refused_release_says_why_and_changes_nothing(client, clinician, person, head, experts):
    referral = decided(clinician, person, head, experts)
    attachment = referral.attachments.get()

    response = signed_in(client, head).post(release_url(attachment), {"confirm": "on"})

    assert "only before the decision" in response.content.decode()
    assert not Attachment.objects.get(pk=attachment.pk).is_released_to_experts


# --- The pages -----------------------------------------------------------------------------------


def test_the_heads_case_page_offers_a_release_button_per_document_and_says_how_many_wait(
    client, clinician, person, head, experts
):
    referral = with_documents(clinician, person, head, experts, 3)
    first, *others = referral.attachments.order_by("pk")
    attachment_release(actor=head, attachment=first)

    page = signed_in(client, head).get(url("division_case", referral.pk)).content.decode()

    assert "2 documents are not yet released to the experts" in page
    assert 'href="#documents-title"' in page
    assert release_url(first) not in page
    for attachment in others:
        assert f'href="{release_url(attachment)}"' in page
        assert f'aria-describedby="document-{attachment.pk}"' in page
    assert page.count(">Release to the experts</a>") == 2
    assert "Released to the experts on" in page
    assert page.count("Not released to the experts yet") == 2
    for attachment in (first, *others):
        assert download_url(attachment) in page  # the head opens each one to check it
    assert "csrfmiddlewaretoken" in page


def test_the_case_page_offers_no_release_in_person_nor_after_the_decision(
    client, clinician, person, head, experts, identifiable
):
    in_person = assigned(clinician, person, head, experts, route=Route.IN_PERSON)
    finished = decided(clinician, identifiable, head, experts)
    signed_in(client, head)

    for referral in (in_person, finished):
        page = client.get(url("division_case", referral.pk)).content.decode()
        assert "Release to the experts" not in page
        assert "not yet released to the experts" not in page
        assert download_url(referral.attachments.get()) in page


def test_the_assign_page_warns_of_unreleased_documents_without_blocking(
    client, clinician, person, head, experts
):
    referral = accepted(clinician, person, experts[0])
    signed_in(client, head)

    warned = client.get(url("division_assign", referral.pk)).content.decode()
    attachment_release(actor=head, attachment=referral.attachments.get())
    calm = client.get(url("division_assign", referral.pk)).content.decode()

    assert "1 document is not yet released to the experts" in warned
    assert url("division_case", referral.pk) + "#documents-title" in warned
    assert "not yet released to the experts" not in calm
    response = client.post(
        url("division_assign", referral.pk),
        {"version": referral.version, "experts": [e.pk for e in experts]},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ASSIGNED


def test_the_expert_reads_released_documents_and_is_told_of_withheld_ones_without_identity(
    client, clinician, identifiable, head, experts
):
    referral = with_documents(clinician, identifiable, head, experts, 2)
    released, withheld = referral.attachments.order_by("pk")
    attachment_release(actor=head, attachment=released)
    assignment = referral.assignments.get(expert=experts[1])

    page = signed_in(client, experts[1]).get(url("expert_review", assignment.pk)).content.decode()

    assert download_url(released) in page
    assert download_url(withheld) not in page
    assert "Withheld until the division head has checked it for identity" in page
    assert "Release to the experts" not in page
    # Neutral names only: an uploaded file's name may carry the person's.
    assert "ophthalmologist.pdf" not in page
    assert "lab-1.pdf" not in page
    leaked = [value for value in identity_strings(identifiable) if value in page]
    assert not leaked, f"the expert's review shows {leaked}"


def test_an_unassigned_specialist_sees_the_documents_listed_but_not_linked(
    client, clinician, identifiable, head, experts, unassigned_specialist
):
    referral = assigned(clinician, identifiable, head, experts)
    attachment = attachment_release(actor=head, attachment=referral.attachments.get())

    page = (
        signed_in(client, unassigned_specialist)
        .get(url("division_case", referral.pk))
        .content.decode()
    )

    assert "Ophthalmologist" in page
    assert download_url(attachment) not in page
    assert not [value for value in identity_strings(identifiable) if value in page]


def test_the_expert_review_page_costs_the_same_with_one_document_or_four(
    client, clinician, person, identifiable, head, experts
):
    def queries_for(referral):
        for attachment in referral.attachments.all():
            attachment_release(actor=head, attachment=attachment)
        assignment = referral.assignments.get(expert=experts[0])
        address = url("expert_review", assignment.pk)
        client.get(address)  # the session and the caches warm up first
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200
        assert response.content.decode().count("/documents/") == referral.attachments.count()
        return len(queries)

    one = with_documents(clinician, person, head, experts, 1)
    four = with_documents(clinician, identifiable, head, experts, 4)
    signed_in(client, experts[0])

    # 16 since each audit record also reads the audit chain's head.
    assert (
        queries_for(one) == queries_for(four) <= 17
    )  # the header's unread notifications count included


def test_the_clinic_sees_which_documents_the_experts_may_read(
    client, clinician, person, head, experts
):
    referral = with_documents(clinician, person, head, experts, 2)
    first, _unreleased = referral.attachments.order_by("pk")
    attachment_release(actor=head, attachment=first)
    page = signed_in(client, clinician).get(url("clinic_detail", referral.pk)).content.decode()

    assert "black out the name, IIN, birth date and address" in page
    assert page.count("Released to the experts on") == 1
    assert page.count("Not released to the experts yet") == 1
    # An in-person referral's documents need no release: nothing is said about it.
    other = complete_vision_referral(clinician, person, route=Route.IN_PERSON)
    in_person = client.get(url("clinic_detail", other.pk)).content.decode()
    assert "released to the experts" not in in_person.lower()
