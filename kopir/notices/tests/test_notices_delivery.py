"""Delivering notices: e-mail, SMS through the configured backend, retries and giving up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from kopir.core.errors import DomainError
from kopir.notices.models import Notice, NoticeStatus
from kopir.notices.services import (
    MAX_ATTEMPTS,
    Attachment,
    notice_deliver,
    notice_queue,
    notice_retry,
    person_recipient,
    retry_delay,
)
from kopir.notices.tasks import deliver_due_notices, deliver_notice
from kopir.notices.tests import sms_backends
from kopir.notices.tests.conftest import TEMPLATE
from kopir.people.models import AccessibilityNeed

pytestmark = pytest.mark.django_db
FAILING = "kopir.notices.tests.sms_backends.FailingSmsBackend"
RECORDING = "kopir.notices.tests.sms_backends.RecordingSmsBackend"


def queued(person) -> Notice:
    # Queued outside any on_commit capture: nothing is delivered until the test says so.
    return notice_queue(
        recipient=person_recipient(person), template=TEMPLATE, context={"number": "MSE-7"}
    )


def test_an_email_notice_is_sent_through_djangos_email_backend(person):
    notice = queued(person)

    deliver_notice.enqueue(notice.pk)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.delivered_via) == ("sent", 1, "email")
    assert notice.sent_at is not None
    message = mail.outbox[0]
    assert message.subject == notice.subject
    assert message.body == notice.body
    assert message.extra_headers["Content-Language"] == "ru"


def test_a_large_print_email_carries_a_large_type_html_version(person):
    person.accessibility_needs = [AccessibilityNeed.LARGE_PRINT]
    person.save()
    notice = queued(person)

    notice_deliver(notice_id=notice.pk)

    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    html, content_type = message.alternatives[0]
    assert isinstance(html, str)
    assert content_type == "text/html"
    assert "font-size:24px" in html
    assert "&amp;" in html  # the text is escaped in HTML, and only there


def test_an_attachment_reaches_the_email_backend_with_its_type_and_name(person):
    calendar = "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Жиналыс\r\nEND:VCALENDAR\r\n"
    notice = notice_queue(
        recipient=person_recipient(person),
        template=TEMPLATE,
        context={"number": "MSE-7"},
        attachments=[
            Attachment("meeting.ics", calendar.encode(), "text/calendar; method=REQUEST"),
            Attachment("scan.pdf", b"%PDF-1.7 \x00\xff", "application/pdf"),
        ],
    )

    deliver_notice.enqueue(notice.pk)

    message = mail.outbox[0].message()
    parts = {part.get_filename(): part for part in message.walk() if part.get_filename()}
    assert parts["meeting.ics"].get_content_type() == "text/calendar"
    assert parts["meeting.ics"].get_param("method") == "REQUEST"
    assert parts["meeting.ics"].get_payload(decode=True).decode() == calendar
    assert parts["scan.pdf"].get_payload(decode=True) == b"%PDF-1.7 \x00\xff"


def test_an_sms_keeps_no_attachment(sms_person):
    notice = notice_queue(
        recipient=person_recipient(sms_person),
        template=TEMPLATE,
        context={"number": "MSE-7"},
        attachments=[Attachment("meeting.ics", b"BEGIN:VCALENDAR", "text/calendar")],
    )

    assert not notice.attachments.exists()


def test_by_default_an_sms_is_kept_in_the_outbox_and_marked_so(sms_person):
    notice = queued(sms_person)

    deliver_notice.call(notice.pk)

    notice.refresh_from_db()
    assert (notice.status, notice.delivered_via) == ("sent", "sms:outbox")


def test_the_sms_backend_named_in_the_settings_sends_the_text(sms_person, settings):
    settings.KOPIR_SMS_BACKEND = RECORDING
    sms_backends.sent.clear()
    notice = queued(sms_person)

    notice_deliver(notice_id=notice.pk)

    notice.refresh_from_db()
    assert notice.delivered_via == "sms:test-gateway"
    assert sms_backends.sent == [("+77011234567", "Short MSE-7")]


def test_a_failed_attempt_is_counted_and_retried_after_a_pause(sms_person, settings):
    settings.KOPIR_SMS_BACKEND = FAILING
    notice = queued(sms_person)

    assert notice_deliver(notice_id=notice.pk) == NoticeStatus.QUEUED

    notice.refresh_from_db()
    assert notice.status == NoticeStatus.QUEUED
    assert notice.attempts == 1
    # The kind of error only: the gateway's message quoted the phone number.
    assert notice.last_error == "SmsDeliveryError"
    assert notice.next_attempt_at is not None
    assert notice.next_attempt_at > timezone.now() + retry_delay(1) - dt.timedelta(seconds=5)


def test_the_sweep_does_not_retry_before_the_pause_has_passed(sms_person, settings):
    settings.KOPIR_SMS_BACKEND = FAILING
    notice = queued(sms_person)
    notice_deliver(notice_id=notice.pk)

    assert deliver_due_notices.call() == 0

    notice.refresh_from_db()
    assert notice.attempts == 1


def test_the_sweep_retries_a_due_notice_and_it_is_sent_when_the_gateway_is_back(
    sms_person, settings
):
    settings.KOPIR_SMS_BACKEND = FAILING
    notice = queued(sms_person)
    notice_deliver(notice_id=notice.pk)
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
    settings.KOPIR_SMS_BACKEND = RECORDING

    assert deliver_due_notices.call() == 1

    notice.refresh_from_db()
    assert (notice.status, notice.attempts, notice.last_error) == ("sent", 2, "")


def test_a_notice_is_given_up_as_not_delivered_after_the_last_attempt(sms_person, settings):
    settings.KOPIR_SMS_BACKEND = FAILING
    notice = queued(sms_person)

    for _ in range(MAX_ATTEMPTS):
        Notice.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
        deliver_due_notices.call()

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.FAILED, MAX_ATTEMPTS)
    assert notice.next_attempt_at is None
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
    assert deliver_due_notices.call() == 0


def test_a_notice_is_sent_once_even_if_two_deliveries_are_attempted(person):
    notice = queued(person)

    assert notice_deliver(notice_id=notice.pk) == NoticeStatus.SENT
    assert notice_deliver(notice_id=notice.pk) == ""

    assert len(mail.outbox) == 1


def test_a_notice_another_worker_has_claimed_is_left_alone(person):
    notice = queued(person)
    # Another worker claimed it a moment ago: the attempt is counted, the next one is later.
    Notice.objects.filter(pk=notice.pk).update(
        attempts=1, next_attempt_at=timezone.now() + dt.timedelta(minutes=1)
    )

    assert notice_deliver(notice_id=notice.pk) == ""
    assert mail.outbox == []


def test_an_administrator_can_send_a_failed_notice_again(
    sms_person, settings, administrator, django_capture_on_commit_callbacks
):
    settings.KOPIR_SMS_BACKEND = FAILING
    notice = queued(sms_person)
    Notice.objects.filter(pk=notice.pk).update(status=NoticeStatus.FAILED, attempts=MAX_ATTEMPTS)
    notice.refresh_from_db()
    settings.KOPIR_SMS_BACKEND = RECORDING

    with django_capture_on_commit_callbacks(execute=True):
        notice_retry(actor=administrator, notice=notice)

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 1)


def test_a_notice_that_was_sent_cannot_be_sent_again(person, administrator):
    notice = queued(person)
    notice_deliver(notice_id=notice.pk)
    notice.refresh_from_db()

    with pytest.raises(DomainError):
        notice_retry(actor=administrator, notice=notice)
