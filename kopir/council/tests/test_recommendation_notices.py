"""The council's messages to agencies are notices in the outbox: queued with the change they
report, addressed to the organisation's contact in its language, and retried when mail fails."""

from __future__ import annotations

import datetime as dt
import smtplib
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from kopir.accounts.models import User
from kopir.core.tests.fixtures import rolled_back
from kopir.council import models as m
from kopir.council.services.recommendation_alerts import recommendations_check_deadlines
from kopir.council.services.recommendations import (
    response_review,
)
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import (
    answer_recommendation,
    answer_rejected_later,
    send_recommendation,
)
from kopir.directory.models import Organisation
from kopir.notices.models import Notice, NoticeStatus
from kopir.notices.tasks import deliver_due_notices

pytestmark = pytest.mark.django_db


class RefusingSmtpBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("connection closed")


REFUSING = f"{__name__}.RefusingSmtpBackend"


def _notice(topic: str) -> Notice:
    return Notice.objects.get(topic=f"council.recommendation.{topic}")


def _to_agency(notice: Notice) -> tuple[Organisation | None, str]:
    """Whom the notice goes to and in which language; always at the agency's contact address."""
    assert notice.address == "employment@example.test"
    return notice.organisation, notice.language


def test_a_sent_recommendation_is_queued_to_the_agency_in_kazakh_by_default(
    recommendation: m.Recommendation, secretary: User, agency: Organisation
) -> None:
    send_recommendation(recommendation, secretary)

    notice = _notice("sent")
    assert _to_agency(notice) == (agency, "kk")
    assert notice.status == NoticeStatus.QUEUED
    assert f"№ {recommendation.number}" in notice.subject
    assert "Мүгедектігі бар адамдарды жұмысқа орналастыру" in notice.body
    assert "Рекомендация" not in notice.body  # one language only, the agency's
    assert notice.related_id == str(recommendation.pk)
    assert notice.concerns_organisation == recommendation.council.organisation


def test_an_agency_that_chose_russian_gets_the_recommendation_in_russian(
    recommendation: m.Recommendation, secretary: User, agency: Organisation
) -> None:
    Organisation.objects.filter(pk=agency.pk).update(notice_language="ru")
    recommendation.addressee.refresh_from_db()

    send_recommendation(recommendation, secretary)

    notice = _notice("sent")
    assert notice.language == "ru"
    assert "Рекомендация" in notice.body
    assert "Ұсыным" not in notice.body
    assert recommendation.text_ru in notice.body
    assert recommendation.text not in notice.body


def test_a_text_without_its_russian_half_reaches_a_russian_agency_marked_as_such(
    recommendation: m.Recommendation, secretary: User, agency: Organisation, client: Any
) -> None:
    """A recommendation made from a visit's finding has its Kazakh text only: the page warns
    before it is sent, and the Russian notice says the text is the Kazakh one."""
    Organisation.objects.filter(pk=agency.pk).update(notice_language="ru")
    m.Recommendation.objects.filter(pk=recommendation.pk).update(text_ru="")
    recommendation.refresh_from_db()
    page = signed_in(client, secretary).get(
        reverse(
            "council:recommendation_detail", args=[recommendation.council.slug, recommendation.pk]
        )
    )
    assert 'id="send-text-missing"' in page.content.decode()

    send_recommendation(recommendation, secretary)

    body = _notice("sent").body
    assert "Совет не внёс текст этой рекомендации на русском языке; её текст на казахском:" in body
    assert body.rstrip().endswith(recommendation.text)


def test_the_notice_is_written_in_the_transaction_of_the_change(
    recommendation: m.Recommendation, secretary: User
) -> None:
    def send() -> None:
        send_recommendation(recommendation, secretary)
        assert Notice.objects.filter(topic="council.recommendation.sent").exists()

    rolled_back(send)

    assert not Notice.objects.filter(topic="council.recommendation.sent").exists()


def test_a_rejected_answer_reaches_the_agency_with_the_councils_reason(
    sent_recommendation: m.Recommendation, secretary: User, officer: User, agency: Organisation
) -> None:
    answer = answer_recommendation(sent_recommendation, officer, "Орындалды.")

    response_review(
        actor=secretary,
        response=answer,
        verdict=m.ResponseVerdict.NOT_ACCEPTED,
        note="Квота туралы деректер жоқ.",
    )

    notice = _notice("verdict")
    assert _to_agency(notice) == (agency, "kk")
    assert "Квота туралы деректер жоқ." in notice.body


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("kk", "қайта есептеледі: жаңа жауапты {date} дейін жіберіңіз."),
        ("ru", "направьте новый ответ не позднее {date}"),
    ],
)
def test_a_rejected_answer_tells_the_agency_the_new_due_date_in_its_language(
    sent_recommendation: m.Recommendation,
    secretary: User,
    officer: User,
    agency: Organisation,
    language: str,
    sentence: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer is owed again within the rule set's period from the rejection
    (docs/domain/council.md §5): the notice names that date, written as the agency's language
    writes dates."""
    Organisation.objects.filter(pk=agency.pk).update(notice_language=language)
    sent_recommendation.addressee.refresh_from_db()
    due = answer_rejected_later(
        sent_recommendation, officer, secretary, monkeypatch, note="Квота туралы деректер жоқ."
    )
    with translation.override(language):
        written = date_format(due, "DATE_FORMAT").removesuffix(".")
    notice = _notice("verdict")
    assert notice.language == language
    assert sentence.format(date=written) in notice.body


def test_an_accepted_answer_names_no_new_due_date(
    sent_recommendation: m.Recommendation, secretary: User, officer: User
) -> None:
    answer = answer_recommendation(sent_recommendation, officer, "Орындалды.")

    response_review(actor=secretary, response=answer, verdict=m.ResponseVerdict.ACCEPTED)

    assert "жаңа жауапты" not in _notice("verdict").body


def test_an_approaching_due_date_reaches_the_agency_in_its_language(
    sent_recommendation: m.Recommendation, agency: Organisation
) -> None:
    Organisation.objects.filter(pk=agency.pk).update(notice_language="ru")

    recommendations_check_deadlines(today=dt.date(2026, 11, 16))

    notice = _notice("reminder")
    assert _to_agency(notice) == (agency, "ru")
    assert "Напоминание" in notice.subject
    assert "19.11.2026" in notice.subject


def test_a_notice_the_mail_server_refused_is_retried_and_delivered_later(
    recommendation: m.Recommendation,
    secretary: User,
    settings: Any,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.EMAIL_BACKEND = REFUSING
    with django_capture_on_commit_callbacks(execute=True):
        send_recommendation(recommendation, secretary)

    notice = _notice("sent")
    assert (notice.status, notice.attempts) == (NoticeStatus.QUEUED, 1)
    assert notice.last_error == "SMTPServerDisconnected"
    assert mail.outbox == []

    # The mail server is back and the pause has passed: the outbox's periodic sweep sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Notice.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
    deliver_due_notices.call()

    notice.refresh_from_db()
    assert (notice.status, notice.attempts) == (NoticeStatus.SENT, 2)
    [message] = mail.outbox
    assert message.to == ["employment@example.test"]
    assert recommendation.number in message.subject
