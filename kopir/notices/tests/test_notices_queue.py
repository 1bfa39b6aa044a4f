"""Queueing a notice: the recipient's channel, language and format decide what is written."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import translation

from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import rolled_back
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.models import Notice, NoticeChannel, NoticeFormat, NoticeStatus, RecipientKind
from kopir.notices.services import (
    BRAILLE_LINE_WIDTH,
    NO_ADDRESS,
    NoticeDraft,
    contact_recipient,
    notice_queue,
    notice_queue_many,
    organisation_recipient,
    person_recipient,
    staff_recipient,
)
from kopir.notices.tests.conftest import TEMPLATE
from kopir.people.models import AccessibilityNeed
from kopir.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def queue(recipient, **kwargs):
    return notice_queue(
        recipient=recipient, template=TEMPLATE, context={"number": "MSE-1"}, **kwargs
    )


def test_a_person_with_an_email_address_gets_plain_text_in_their_own_language(person):
    notice = queue(person_recipient(person))

    assert notice.channel == NoticeChannel.EMAIL
    assert notice.address == "person@example.test"
    assert notice.language == "ru"
    assert notice.format == NoticeFormat.PLAIN
    assert notice.body.startswith("Plain ru: referral MSE-1 & its status")
    assert notice.status == NoticeStatus.QUEUED
    assert notice.recipient_kind == RecipientKind.PERSON


def test_text_is_not_html_escaped(person):
    notice = queue(person_recipient(person))

    assert "&amp;" not in notice.body


def test_a_person_with_only_a_phone_gets_the_short_sms_text(sms_person):
    notice = queue(person_recipient(sms_person))

    assert (notice.channel, notice.address) == (NoticeChannel.SMS, "+77011234567")
    assert notice.body == "Short MSE-1"


def test_a_person_who_needs_easy_read_gets_the_easy_read_text(person):
    person.accessibility_needs = [AccessibilityNeed.EASY_READ]

    notice = queue(person_recipient(person))

    assert notice.format == NoticeFormat.EASY_READ
    assert notice.body == "Easy read ru: MSE-1."


def test_a_format_without_its_own_template_falls_back_to_plain_text(person):
    person.accessibility_needs = [AccessibilityNeed.LARGE_PRINT]

    notice = queue(person_recipient(person))

    assert notice.format == NoticeFormat.LARGE_PRINT
    assert notice.body.startswith("Plain ru:")


def test_braille_ready_text_is_wrapped_to_a_braille_displays_line(person):
    person.accessibility_needs = [AccessibilityNeed.BRAILLE]

    notice = queue(person_recipient(person))

    assert notice.format == NoticeFormat.BRAILLE_READY
    lines = notice.body.splitlines()
    assert len(lines) > 3
    assert max(len(line) for line in lines) <= BRAILLE_LINE_WIDTH
    assert "\n\nSecond paragraph." in notice.body


def test_a_person_without_contacts_is_reached_through_their_legal_representative(db):
    representative = PersonFactory.create(
        email="", phone="+77019998877", preferred_language="kk", accessibility_needs=[]
    )
    child = PersonFactory.create(
        email="", phone="", preferred_language="ru", legal_representative=representative
    )

    notice = queue(person_recipient(child))

    assert notice.person == child
    assert (notice.channel, notice.address, notice.language) == ("sms", "+77019998877", "kk")


def test_a_recipient_without_any_address_is_recorded_as_not_delivered(db):
    nobody = PersonFactory.create(email="", phone="")

    notice = queue(person_recipient(nobody))

    assert notice.status == NoticeStatus.FAILED
    assert notice.last_error == NO_ADDRESS
    assert notice.channel == ""


def test_an_organisation_is_written_to_at_its_contact_address_in_kazakh_by_default(clinic):
    notice = queue(organisation_recipient(clinic))

    assert (notice.channel, notice.address) == ("email", "clinic@example.test")
    assert notice.status == NoticeStatus.QUEUED
    assert notice.language == "kk"
    assert notice.body.startswith("Plain kk:")
    assert notice.organisation == clinic


def test_an_organisation_that_chose_russian_is_written_to_in_russian(clinic):
    clinic.notice_language = "ru"

    notice = queue(organisation_recipient(clinic))

    assert notice.language == "ru"
    assert notice.body.startswith("Plain ru:")
    assert "Plain kk:" not in notice.body


def test_an_organisation_without_a_contact_address_gets_an_undelivered_notice(db):
    silent = OrganisationFactory.create(email="", phone="")

    notice = queue(organisation_recipient(silent))

    assert notice.status == NoticeStatus.FAILED
    assert notice.last_error == NO_ADDRESS
    assert notice.organisation == silent


def test_someone_outside_the_registry_is_written_to_at_the_address_they_gave(db):
    notice = notice_queue(
        recipient=contact_recipient(email="", phone="+77019876543", language="ru"),
        template=TEMPLATE,
        context={"number": "MSE-7"},
    )

    assert notice.recipient_kind == RecipientKind.PERSON
    assert notice.person is None
    assert (notice.channel, notice.address, notice.language) == ("sms", "+77019876543", "ru")
    assert notice.body == "Short MSE-7"


def test_a_staff_member_is_written_to_in_their_preferred_language(clinician):
    clinician.preferred_language = "en"

    notice = queue(staff_recipient(clinician))

    assert notice.recipient_kind == RecipientKind.STAFF
    assert notice.body.startswith("Plain en:")


def test_queueing_records_the_related_record_and_an_audit_entry_without_the_text(person, clinic):
    notice = queue(person_recipient(person), related=clinic, concerns=clinic, topic="test.topic")

    assert (notice.related_type, notice.related_id) == ("directory.organisation", str(clinic.pk))
    assert notice.concerns_organisation == clinic
    event = AuditEvent.objects.get(target_type="notices.notice", target_id=str(notice.pk))
    assert event.detail == "test.topic"
    assert "person@example.test" not in str(event.fields)


def test_a_queued_notice_is_delivered_once_the_callers_transaction_commits(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = queue(person_recipient(person))
        assert mail.outbox == []

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["person@example.test"]


def test_a_notice_queued_in_a_transaction_that_rolls_back_leaves_nothing(
    person, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rolled_back(lambda: queue(person_recipient(person)))

    assert callbacks == []
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_queueing_many_renders_each_for_its_recipient_audits_each_and_sends_after_commit(
    person, sms_person, clinic, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    unreachable = PersonFactory.create(email="", phone="")
    drafts = [
        NoticeDraft(
            recipient=person_recipient(someone),
            template=TEMPLATE,
            context={"number": f"MSE-{n}"},
            topic="test.bulk",
            related=clinic,
            concerns=clinic,
        )
        for n, someone in enumerate([person, sms_person, unreachable])
    ]
    # Three notices cost what one does: the inserts, the chained audit append, the enqueue.
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        django_assert_max_num_queries(8),
    ):
        notices = notice_queue_many(drafts=drafts)
        assert mail.outbox == []

    assert len(callbacks) == 1  # one delivery sweep, not a task per notice
    assert [n.pk for n in notices] == list(
        Notice.objects.order_by("id").values_list("pk", flat=True)
    )
    stored = {n.pk: n for n in Notice.objects.all()}
    assert stored[notices[0].pk].status == NoticeStatus.SENT
    assert stored[notices[0].pk].body.startswith("Plain ru: referral MSE-0")
    assert (stored[notices[1].pk].channel, stored[notices[1].pk].body) == (
        NoticeChannel.SMS,
        "Short MSE-1",
    )
    assert (stored[notices[2].pk].status, stored[notices[2].pk].last_error) == (
        NoticeStatus.FAILED,
        NO_ADDRESS,
    )
    assert {n.concerns_organisation_id for n in stored.values()} == {clinic.pk}
    audited = AuditEvent.objects.filter(target_type="notices.notice").order_by("id")
    assert [(e.target_id, e.detail, e.channel) for e in audited] == [
        (str(n.pk), "test.bulk", "task") for n in notices
    ]
    assert len(mail.outbox) == 1


def test_notices_queued_many_in_a_transaction_that_rolls_back_leave_nothing(
    person, django_capture_on_commit_callbacks
):
    draft = NoticeDraft(recipient=person_recipient(person), template=TEMPLATE, context={})

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rolled_back(lambda: notice_queue_many(drafts=[draft, draft]))

    assert callbacks == []
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(target_type="notices.notice").exists()


def test_drafts_sharing_a_context_render_it_once_and_each_gets_its_own_fill_ins(
    person, clinic, monkeypatch
):
    from kopir.notices import services

    renders: list[str] = []
    render_parts = services._render_parts

    def counted(**kwargs):
        renders.append(kwargs["recipient"].address)
        return render_parts(**kwargs)

    monkeypatch.setattr(services, "_render_parts", counted)
    braille = PersonFactory.create(
        email="braille@example.test", accessibility_needs=[AccessibilityNeed.BRAILLE]
    )
    shared: dict[str, object] = {}
    drafts = [
        NoticeDraft(
            recipient=person_recipient(someone),
            template=TEMPLATE,
            context=shared,
            # A callable is called in each language of the notice.
            fill={"number": lambda n=n: f"MSE-{n}-{translation.get_language()}"},
        )
        # More than core.bulk.COPY_FROM: on PostgreSQL they go in by COPY.
        for n, someone in enumerate([person] * 24 + [braille])
    ]

    notices = notice_queue_many(drafts=drafts)

    # The plain-text notices to the same kind of recipient share one rendering; the
    # braille-ready one has a layout of its own.
    assert len(renders) == 2
    assert [n.body.split(" & ")[0] for n in notices[:24]] == [
        f"Plain ru: referral MSE-{n}-ru" for n in range(24)
    ]
    assert all(len(line) <= BRAILLE_LINE_WIDTH for line in notices[24].body.splitlines())
    assert "MSE-24-" in notices[24].body
    assert "\ue000" not in "".join(n.body + n.subject for n in notices)
    stored = list(Notice.objects.order_by("id"))
    assert [(n.pk, n.subject, n.body) for n in stored] == [
        (n.pk, n.subject, n.body) for n in notices
    ]
    assert AuditEvent.objects.filter(target_type="notices.notice").count() == len(notices)


def test_a_notice_full_clean_would_refuse_is_refused_with_its_message_and_nothing_is_written(
    person,
):
    # The notices are checked by field_checks rather than a full_clean each: one that fails
    # (a topic longer than its column) is refused with full_clean's own error.
    drafts = [
        NoticeDraft(recipient=person_recipient(person), template=TEMPLATE, context={}),
        NoticeDraft(
            recipient=person_recipient(person), template=TEMPLATE, context={}, topic="t" * 101
        ),
    ]

    with pytest.raises(ValidationError) as refused:
        rolled_back(lambda: notice_queue_many(drafts=drafts))

    assert "topic" in refused.value.message_dict
    assert not Notice.objects.exists()
    assert not AuditEvent.objects.filter(target_type="notices.notice").exists()
