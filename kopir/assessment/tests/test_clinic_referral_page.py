"""The clinic's referral page: everything in it, sending (with the missing list), a return and
sending again, and the documents — for the clinic, the division, outsiders and anonymous visitors."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.formats import date_format

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import Attachment, ReferralStatus
from kopir.assessment.services.division import referral_accept
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.tests.clinic_fixtures import (
    complete_vision_referral,
    days_ago,
    make_referral,
    pdf,
)
from kopir.assessment.tests.helpers import en_url, url
from kopir.assessment.workflow import referral_transition
from kopir.audit.models import AuditEvent

pytestmark = pytest.mark.usefixtures("icd10", "demo_rules")
S = ReferralStatus


def assert_sent_from_its_page(client, referral):
    """The page's send button, pressed on the referral as stored now, sends it."""
    referral.refresh_from_db()
    response = client.post(url("clinic_send", referral.pk), {"version": referral.version})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == S.SENT


# --- The referral page and sending ---------------------------------------------------------------


def test_the_referral_page_shows_everything_and_records_the_read(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    client.force_login(clinician)

    response = client.get(en_url("clinic_detail", referral.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert person.iin in html
    assert "Blindness, binocular" in html
    assert "Ophthalmologist" in html
    assert "Nothing is missing under the rules in force" in html
    assert AuditEvent.objects.filter(
        action="view", target_type="assessment.referral", target_id=str(referral.pk)
    ).exists()


def test_sending_an_incomplete_referral_shows_the_missing_list_with_links(
    client, clinician, person
):
    referral = make_referral(clinician, person, "H90.3")
    client.force_login(clinician)

    response = client.post(en_url("clinic_send", referral.pk), {"version": referral.version})

    assert response.status_code == 200
    html = response.content.decode()
    assert "The referral was not sent" in html
    assert f'href="{en_url("clinic_edit", referral.pk)}#id_hearing_right"' in html
    assert "document_type=audiogram" in html
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_sending_a_complete_referral_moves_it_on(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    client.force_login(clinician)

    assert_sent_from_its_page(client, referral)


def test_a_returned_referral_shows_what_was_asked_and_can_be_sent_again(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    sent = referral_send(actor=clinician, referral=referral, expected_version=referral.version)
    referral_transition(
        referral=sent,
        to_status=S.RETURNED,
        actor=None,
        expected_version=sent.version,
        note="Please attach a newer report.",
        missing=[
            {
                "rule_id": None,
                "kind": "specialist",
                "code": "",
                "label": "Fundus photo",
                "reason": "",
            }
        ],
    )
    client.force_login(clinician)

    page = client.get(en_url("clinic_detail", referral.pk)).content.decode()
    assert "The MSE division asks you to add" in page
    assert "Fundus photo" in page
    assert "Please attach a newer report." in page
    assert "Send again to MSE" in page
    # The rules find nothing missing, but the page does not say the referral is ready as it is.
    assert "Add what the MSE division asks for above, then send the referral again." in page
    assert "The referral can be sent." not in page

    assert_sent_from_its_page(client, referral)


def test_a_sent_referral_offers_no_editing(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    referral_send(actor=clinician, referral=referral, expected_version=referral.version)
    client.force_login(clinician)

    page = client.get(url("clinic_detail", referral.pk))
    assert url("clinic_edit", referral.pk) not in page.content.decode()
    assert client.get(url("clinic_edit", referral.pk)).status_code == 302


# --- Documents -------------------------------------------------------------------------------------


def test_a_document_is_uploaded_and_downloaded_under_a_neutral_name(client, clinician, person):
    referral = make_referral(clinician, person)
    client.force_login(clinician)

    response = client.post(
        url("clinic_attachment_add", referral.pk),
        {
            "document_type": "audiogram",
            "issued_on": days_ago(1).isoformat(),
            "file": pdf("Сәрсенбаева.pdf"),
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()

    download = client.get(url("attachment_download", referral.pk, attachment.pk))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "Сәрсенбаева" not in download["Content-Disposition"]
    assert referral.number in download["Content-Disposition"]


def test_a_wrong_file_is_refused_on_the_file_field(client, clinician, person):
    referral = make_referral(clinician, person)
    client.force_login(clinician)

    response = client.post(
        url("clinic_attachment_add", referral.pk),
        {"document_type": "audiogram", "issued_on": days_ago(1).isoformat(), "file": pdf("x.exe")},
    )

    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not Attachment.objects.exists()


def test_the_division_downloads_a_sent_referrals_document_and_others_cannot(
    client, clinician, person, division, outsider
):
    referral = complete_vision_referral(clinician, person)
    attachment = referral.attachments.get()
    head = UserFactory.create(organisation=division, roles=[Role.MSE_HEAD])
    download = url("attachment_download", referral.pk, attachment.pk)

    client.force_login(head)
    assert client.get(download).status_code == 404  # a draft is not the division's yet
    referral_send(actor=clinician, referral=referral, expected_version=referral.version)
    assert client.get(download).status_code == 200
    client.force_login(outsider)
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 302


def test_a_document_is_removed_from_a_draft(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    attachment = referral.attachments.get()
    client.force_login(clinician)

    assert (
        client.get(url("clinic_attachment_remove", referral.pk, attachment.pk)).status_code == 200
    )
    response = client.post(url("clinic_attachment_remove", referral.pk, attachment.pk))

    assert response.status_code == 302
    assert not Attachment.objects.exists()


def test_another_clinic_and_an_anonymous_visitor_can_neither_send_nor_remove(
    client, clinician, person, outsider
):
    referral = complete_vision_referral(clinician, person)
    attachment = referral.attachments.get()
    remove = url("clinic_attachment_remove", referral.pk, attachment.pk)
    send = url("clinic_send", referral.pk)

    client.force_login(outsider)
    assert client.get(remove).status_code == 404
    assert client.post(remove).status_code == 404
    assert client.post(send, {"version": referral.version}).status_code == 404
    client.logout()
    assert client.post(remove).status_code == 302
    assert client.post(send, {"version": referral.version}).status_code == 302

    assert referral.attachments.exists()
    referral.refresh_from_db()
    assert referral.status == S.DRAFT


def test_the_timeline_names_the_acting_organisations_in_the_readers_language(
    client, clinician, person, head
):
    """An event keeps the clinic's and the division's name as written when it acted (here in
    Kazakh); a Russian reader's timelines name both in Russian."""
    clinic, division = clinician.organisation, head.organisation
    clinic.short_name_kk, clinic.short_name_ru = "№ 7 емхана", "Поликлиника № 7"
    clinic.save()
    division.short_name_kk, division.short_name_ru = "Орал МӘС бөлімі", "Отдел МСЭ г. Уральск"
    division.save()
    with translation.override("kk"):
        referral = complete_vision_referral(clinician, person)
        sent = referral_send(actor=clinician, referral=referral, expected_version=referral.version)
        referral_accept(actor=head, referral=sent, expected_version=sent.version)

    client.force_login(clinician)
    clinic_page = client.get("/ru" + url("clinic_detail", referral.pk)[3:]).content.decode()
    client.force_login(head)
    division_page = client.get("/ru" + url("division_timeline", referral.pk)[3:]).content.decode()

    for page in (clinic_page, division_page):
        assert "Поликлиника № 7" in page
        assert "Отдел МСЭ г. Уральск" in page
        assert "№ 7 емхана" not in page
        assert "Орал МӘС бөлімі" not in page


def test_the_russian_page_writes_table_and_due_dates_as_its_deadline_does(
    client, clinician, person
):
    """The deadline, the timeline's next step due and the dates in the findings' and documents'
    tables are written one way (07.12.2026), not "7 декабря 2026 г." beside it."""
    referral = complete_vision_referral(clinician, person)
    referral = referral_send(actor=clinician, referral=referral, expected_version=referral.version)
    client.force_login(clinician)

    due_on = referral.step_due_on
    assert due_on is not None
    with translation.override("ru"):
        page = client.get(url("clinic_detail", referral.pk)).content.decode()
        dates = {day: date_format(day, "SHORT_DATE_FORMAT") for day in (days_ago(10), due_on)}
        long_dates = [date_format(day, "DATE_FORMAT") for day in dates]

    assert page.count(dates[days_ago(10)]) >= 5  # four findings and the document
    assert page.count(dates[due_on]) >= 2  # the deadline and the timeline
    assert not [day for day in long_dates if day in page]


# --- The decision, back at the clinic ------------------------------------------------------------


def test_the_clinic_sees_the_decision_on_its_referral_page_before_and_after_the_person_is_told(
    client, clinician, person, head, experts
):
    from kopir.assessment.services.decision import referral_notify
    from kopir.assessment.tests.division_fixtures import decided

    referral = decided(clinician, person, head, experts)
    client.force_login(clinician)

    html = client.get(en_url("clinic_detail", referral.pk)).content.decode()
    assert "The decision" in html
    assert "<dt>Outcome</dt>" in html
    assert "<dt>Decision</dt>" not in html
    decision = referral.decisions.get()
    for shown in (
        decision.get_outcome_display(),
        decision.get_category_code_display(),
        decision.get_cause_display(),
        decision.get_term_display(),
        referral.mse_division.name,
    ):
        assert str(shown) in html
    # The clinic is not shown the experts' dissent or the division's internal reasons.
    assert decision.reasons not in html

    referral_notify(actor=head, referral=referral, expected_version=referral.version)
    html = client.get(en_url("clinic_detail", referral.pk)).content.decode()
    assert str(decision.get_category_code_display()) in html


def test_a_referral_not_yet_decided_shows_no_decision(client, clinician, person):
    referral = complete_vision_referral(clinician, person)
    client.force_login(clinician)
    html = client.get(en_url("clinic_detail", referral.pk)).content.decode()
    assert "Date of the decision" not in html


def test_measurements_use_the_decimal_separator_of_the_page_language(client, clinician, person):
    """The form asks for "0,05" in Kazakh and Russian: the page and the edit form say "0,01"
    (the stored 0.010) too, and English keeps the point."""
    from django.utils import translation

    referral = complete_vision_referral(clinician, person)
    client.force_login(clinician)

    for language, shown, other in (
        ("kk", "0,01", "0.01"),
        ("ru", "0,01", "0.01"),
        ("en", "0.01", "0,01"),
    ):
        with translation.override(language):
            page = client.get(url("clinic_detail", referral.pk)).content.decode()
            form = client.get(url("clinic_edit", referral.pk))
        assert f"<td>{shown}</td>" in page, language
        assert f"<td>{other}</td>" not in page, language
        assert form.context["form"]["acuity_left"].value() == shown, language
