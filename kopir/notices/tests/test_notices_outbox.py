"""The outbox page: administrators see everything; an organisation's staff see the correspondence
of their organisation; notices to persons only in the demo, and only about their own cases."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditEvent
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.access import may_view_outbox
from kopir.notices.models import Notice, NoticeStatus
from kopir.notices.services import (
    notice_deliver,
    notice_queue,
    organisation_recipient,
    person_recipient,
    staff_recipient,
)
from kopir.notices.tests.conftest import TEMPLATE

pytestmark = pytest.mark.django_db
OUTBOX = "notices:outbox"


def make_notice(recipient, *, concerns=None, sensitive=False, number="MSE-1") -> Notice:
    return notice_queue(
        recipient=recipient,
        template=TEMPLATE,
        context={"number": number},
        concerns=concerns,
        sensitive=sensitive,
    )


def outbox_seen_by(client, user) -> str:
    """The outbox page as `user` sees it."""
    client.force_login(user)
    response = client.get(reverse(OUTBOX))
    assert response.status_code == 200
    return response.text


def test_an_administrator_sees_every_notice(client, administrator, person, clinic, other_clinic):
    make_notice(person_recipient(person), concerns=clinic, number="MSE-A")
    make_notice(organisation_recipient(other_clinic), number="MSE-B")
    text = outbox_seen_by(client, administrator)

    assert "MSE-A" in text
    assert "MSE-B" in text


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse(OUTBOX))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_outside_the_demo_staff_see_their_organisations_notices_but_none_to_persons(
    client, clinician, clinic, other_clinic, person
):
    make_notice(organisation_recipient(clinic), number="MSE-TO-CLINIC")
    make_notice(person_recipient(person), concerns=clinic, number="MSE-TO-PERSON")
    make_notice(organisation_recipient(other_clinic), number="MSE-ELSEWHERE")
    text = outbox_seen_by(client, clinician)

    assert "MSE-TO-CLINIC" in text
    assert "MSE-TO-PERSON" not in text
    assert "MSE-ELSEWHERE" not in text


def test_staff_see_notices_to_other_organisations_their_own_organisation_caused(
    client, clinic, other_clinic
):
    secretary = UserFactory.create(organisation=clinic, roles=[Role.COUNCIL_SECRETARY])
    make_notice(organisation_recipient(other_clinic), concerns=clinic, number="MSE-CAUSED")
    client.force_login(secretary)

    assert "MSE-CAUSED" in client.get(reverse(OUTBOX)).text


def test_staff_see_notices_to_themselves_and_not_to_colleagues(client, clinic, clinician):
    colleague = UserFactory.create(organisation=clinic, roles=[Role.CLINICIAN])
    make_notice(staff_recipient(clinician), number="MSE-MINE")
    make_notice(staff_recipient(colleague), number="MSE-COLLEAGUE")
    text = outbox_seen_by(client, clinician)

    assert "MSE-MINE" in text
    assert "MSE-COLLEAGUE" not in text


def test_an_outsider_gets_404_for_a_notice_to_another_organisation(client, outsider, clinic):
    notice = make_notice(organisation_recipient(clinic))
    client.force_login(outsider)

    assert client.get(reverse("notices:notice", args=[notice.pk])).status_code == 404


def test_an_account_without_an_organisation_may_not_open_the_outbox(client):
    loner = UserFactory.create(organisation=None, roles=[Role.COUNCIL_MEMBER])
    client.force_login(loner)

    assert client.get(reverse(OUTBOX)).status_code == 403


def test_the_navigation_entry_shows_only_for_those_who_may_read_something(administrator, clinician):
    loner = UserFactory.create(organisation=None, roles=[Role.COUNCIL_MEMBER])

    assert may_view_outbox(administrator)
    assert may_view_outbox(clinician)
    assert not may_view_outbox(loner)
    assert not may_view_outbox(AnonymousUser())


def test_an_undelivered_notice_shows_why_on_the_outbox(client, administrator):
    silent = OrganisationFactory.create(email="", phone="")
    make_notice(organisation_recipient(silent), number="MSE-SILENT")
    client.force_login(administrator)
    with translation.override("en"):
        url = reverse(OUTBOX)

    response = client.get(url)

    assert "Not delivered" in response.text
    assert "No e-mail address or phone number is on record." in response.text


def test_in_the_demo_a_clinician_sees_only_notices_of_their_own_organisation(
    client, settings, clinician, clinic, other_clinic, person
):
    settings.KOPIR_DEMO = True
    make_notice(person_recipient(person), concerns=clinic, number="MSE-OWN-CASE")
    make_notice(organisation_recipient(clinic), number="MSE-TO-CLINIC")
    make_notice(organisation_recipient(other_clinic), number="MSE-ELSEWHERE")
    text = outbox_seen_by(client, clinician)

    assert "MSE-OWN-CASE" in text
    assert "MSE-TO-CLINIC" in text
    assert "MSE-ELSEWHERE" not in text


def test_in_the_demo_an_outsider_gets_404_for_another_clinics_notice(
    client, settings, outsider, clinic, person
):
    settings.KOPIR_DEMO = True
    notice = make_notice(person_recipient(person), concerns=clinic)
    client.force_login(outsider)

    assert client.get(reverse("notices:notice", args=[notice.pk])).status_code == 404


def test_in_the_demo_an_mse_specialist_does_not_see_notices_to_persons_of_clinics(
    client, settings, clinic, person
):
    settings.KOPIR_DEMO = True
    division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)
    specialist = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])
    make_notice(person_recipient(person), concerns=clinic, number="MSE-PERSON")
    make_notice(organisation_recipient(division), number="MSE-DIVISION")
    text = outbox_seen_by(client, specialist)

    assert "MSE-DIVISION" in text
    assert "MSE-PERSON" not in text


def test_in_the_demo_an_expert_does_not_see_notices_to_persons_of_the_divisions_cases(
    client, settings, person
):
    settings.KOPIR_DEMO = True
    division = OrganisationFactory.create(kind=OrganisationKind.MSE_DIVISION)
    specialist = UserFactory.create(organisation=division, roles=[Role.MSE_SPECIALIST])
    head = UserFactory.create(organisation=division, roles=[Role.MSE_HEAD])
    make_notice(person_recipient(person), concerns=division, number="MSE-DIVISION-CASE")

    client.force_login(specialist)
    assert "MSE-DIVISION-CASE" not in client.get(reverse(OUTBOX)).text
    client.force_login(head)
    assert "MSE-DIVISION-CASE" in client.get(reverse(OUTBOX)).text


def test_in_the_demo_other_roles_still_do_not_see_notices_to_persons(
    client, settings, clinic, person
):
    settings.KOPIR_DEMO = True
    officer = UserFactory.create(organisation=clinic, roles=[Role.AGENCY_OFFICER])
    make_notice(person_recipient(person), concerns=clinic, number="MSE-TO-PERSON")
    text = outbox_seen_by(client, officer)

    assert "MSE-TO-PERSON" not in text


def test_the_outbox_filters_by_status(client, administrator, person, sms_person):
    make_notice(person_recipient(person), number="MSE-QUEUED")
    failed = make_notice(person_recipient(sms_person), number="MSE-FAILED")
    Notice.objects.filter(pk=failed.pk).update(status=NoticeStatus.FAILED)
    client.force_login(administrator)

    response = client.get(reverse(OUTBOX), {"status": "failed"})

    assert "MSE-FAILED" in response.text
    assert "MSE-QUEUED" not in response.text


def test_the_outbox_is_paginated_and_its_queries_do_not_grow_with_rows(
    client, administrator, person, django_assert_max_num_queries
):
    for index in range(55):
        make_notice(person_recipient(person), number=f"MSE-{index}")
    client.force_login(administrator)

    with django_assert_max_num_queries(12):
        response = client.get(reverse(OUTBOX))

    assert response.context["page_obj"].paginator.num_pages == 2
    assert len(response.context["page_obj"].object_list) == 50


def test_opening_a_notice_shows_its_text_and_is_audited(client, administrator, person):
    notice = make_notice(person_recipient(person), number="MSE-TEXT")
    client.force_login(administrator)

    response = client.get(reverse("notices:notice", args=[notice.pk]))

    assert response.status_code == 200
    assert "Plain ru: referral MSE-TEXT" in response.text
    assert "person@example.test" in response.text
    assert AuditEvent.objects.filter(
        action="view", target_type="notices.notice", target_id=str(notice.pk)
    ).exists()


def test_a_notice_with_a_one_time_code_is_not_shown_outside_the_demo(client, administrator, person):
    notice = make_notice(person_recipient(person), sensitive=True, number="123456")
    client.force_login(administrator)

    response = client.get(reverse("notices:notice", args=[notice.pk]))

    assert "123456" not in response.content.decode().split("<h1>", 1)[1].split("</h1>", 1)[1]


def test_in_the_demo_a_notice_with_a_one_time_code_is_shown(
    client, settings, clinician, clinic, person
):
    settings.KOPIR_DEMO = True
    notice = make_notice(person_recipient(person), concerns=clinic, sensitive=True, number="654321")
    client.force_login(clinician)

    response = client.get(reverse("notices:notice", args=[notice.pk]))

    assert "Plain ru: referral 654321" in response.text


def test_an_administrator_can_resend_a_failed_notice_from_its_page(client, administrator, person):
    notice = make_notice(person_recipient(person))
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED, attempts=5)
    client.force_login(administrator)

    response = client.post(reverse("notices:resend", args=[notice.pk]))

    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.QUEUED


def test_a_demo_clinician_may_read_but_not_resend(client, settings, clinician, clinic, person):
    settings.KOPIR_DEMO = True
    notice = make_notice(person_recipient(person), concerns=clinic)
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED)
    client.force_login(clinician)

    assert client.post(reverse("notices:resend", args=[notice.pk])).status_code == 403


def test_a_notice_to_an_organisation_without_a_contact_says_how_to_deliver_it(
    client, administrator
):
    """The admin home page's undelivered notices had no address, so no "Send again" and nothing
    saying what to do: the page says to add the contact, links to where it is edited, and the
    notice, sent again, goes to the address added."""
    agency = OrganisationFactory.create(kind=OrganisationKind.HEALTH_OFFICE, email="", phone="")
    notice = make_notice(organisation_recipient(agency))
    notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()
    assert (notice.status, notice.channel) == (NoticeStatus.FAILED, "")
    client.force_login(administrator)
    with translation.override("en"):
        page = client.get(reverse("notices:notice", args=[notice.pk])).text
        assert "Add its contact to its record in the directory, then send the notice again" in page
        assert reverse("directory:organisation_edit", args=[agency.pk]) in page
        # Sent again before the contact is added: refused, and told why.
        response = client.post(reverse("notices:resend", args=[notice.pk]), follow=True)
        assert "still has no e-mail address or phone number" in response.text
        agency.email = "office@agency.test"
        agency.save()
        client.post(reverse("notices:resend", args=[notice.pk]))
        notice.refresh_from_db()
        assert (notice.status, notice.channel, notice.address) == (
            NoticeStatus.QUEUED,
            "email",
            "office@agency.test",
        )


def test_the_outbox_names_topics_and_languages_rather_than_their_keys(
    client, administrator, person
):
    """The topic filter listed "assessment.notices.appeal_filed", "council.meeting_invitation"
    and "staff.council.vote_open", and the language column "ru"."""
    from kopir.notices.kinds import staff_kinds
    from kopir.notices.topics import topic_label

    kind = staff_kinds()[0]
    keys = [f"staff.{kind.key}", "assessment.notices.appeal_filed", "council.meeting_invitation"]
    for key in keys:
        Notice.objects.filter(pk=make_notice(person_recipient(person)).pk).update(topic=key)
    client.force_login(administrator)
    with translation.override("en"):
        page = client.get(reverse("notices:outbox")).text
        for key in keys:
            assert f">{key}</option>" not in page
            assert f">{topic_label(key)}</option>" in page
        assert f">{kind.label}</option>" in page
    assert ">Invitation to a council meeting, or its change</option>" in page
    assert "<td>Russian, " in page


def test_a_topic_no_app_named_is_shown_by_its_key(client, administrator, person, monkeypatch):
    from kopir.notices import topics

    # A registry of this test's own, so the topic named here is gone after it.
    monkeypatch.setattr(topics, "_TOPICS", list(topics._TOPICS))
    topics.register_topic(topics.NoticeTopic("test.named", TEMPLATE, "A named topic"))
    for key in ("test.named", "test.unnamed"):
        Notice.objects.filter(pk=make_notice(person_recipient(person)).pk).update(topic=key)
    page = outbox_seen_by(client, administrator)

    assert ">A named topic</option>" in page
    assert ">test.unnamed</option>" in page
