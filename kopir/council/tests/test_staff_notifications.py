"""The council's events reach the staff who act on them as notifications (kopir.notices.staff):
each event to the right people only, the daily due-date job once, and petitioners who left only
a phone number get their answers by SMS."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.core.registry import DailyAt, registry
from kopir.core.working_days import add_working_days
from kopir.council import models as m
from kopir.council.services import staff_alerts
from kopir.council.services.minutes import minutes_assemble
from kopir.council.services.petitions import petition_answer, petition_register
from kopir.council.services.recommendations import response_review
from kopir.council.services.votes import vote_open
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import (
    answer_recommendation,
    answer_rejected_later,
    send_recommendation,
)
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.kinds import staff_kind
from kopir.notices.models import Notice, NoticeChannel, StaffNotification
from kopir.notices.staff import staff_preferences_save

pytestmark = pytest.mark.django_db

PETITION: dict[str, Any] = {
    "petitioner_kind": m.PetitionerKind.CITIZEN,
    "petitioner_name": "Сынақов Ерлан",
    "contact_email": "",
    "contact_phone": "+7 701 000 00 00",
    "subject": "Пандус",
    "text": "Кіреберісте пандус жоқ.",
}


def told(kind: str) -> set[User]:
    return {n.user for n in StaffNotification.objects.filter(kind=kind).select_related("user")}


def test_the_council_registers_its_kinds_for_the_preferences_page() -> None:
    for kind in staff_alerts.STAFF_KINDS:
        assert staff_kind(kind.key) == kind


def test_a_new_petition_is_told_to_the_councils_secretaries_only(
    council: m.Council, secretary: User, chair: User, outsider_officer: User
) -> None:
    second_secretary = UserFactory.create(
        organisation=council.organisation, roles=[Role.COUNCIL_SECRETARY]
    )

    petition = petition_register(actor=None, council=council, submitted_online=True, **PETITION)

    assert told(staff_alerts.PETITION_NEW) == {secretary, second_secretary}
    notification = StaffNotification.objects.filter(user=secretary).get()
    assert petition.number in notification.text()
    assert notification.link().endswith(f"/petitions/{petition.pk}/")


def test_an_open_roll_call_vote_is_told_to_the_members_present(
    held_meeting: m.Meeting, secretary: User, chair: User, member: User
) -> None:
    m.Attendance.objects.filter(meeting=held_meeting, member__account=member).update(
        status=m.AttendanceStatus.ABSENT
    )
    item = held_meeting.agenda.get()

    vote = vote_open(
        actor=secretary, agenda_item=item, question="Жоспарды бекіту", kind=m.VoteKind.ROLL_CALL
    )

    # The secretary opened it (and holds no member's role); the absent member is not asked.
    assert told(staff_alerts.VOTE_OPEN) == {chair}
    notification = StaffNotification.objects.get(kind=staff_alerts.VOTE_OPEN)
    assert "Жоспарды бекіту" in notification.text()
    assert notification.link().endswith(f"/votes/{vote.pk}/")


def test_each_member_reads_the_open_votes_question_in_their_own_language(
    client: Any, held_meeting: m.Meeting, secretary: User, chair: User, member: User
) -> None:
    """The question is typed in Kazakh and in Russian: a member whose account is in Russian
    reads the Russian one in the bell's list and in the e-mail, the others the Kazakh one."""
    User.objects.filter(pk=chair.pk).update(preferred_language="ru", email="chair@example.test")
    User.objects.filter(pk=member.pk).update(preferred_language="kk", email="member@example.test")

    vote_open(
        actor=secretary,
        agenda_item=held_meeting.agenda.get(),
        question="Жоспарды бекіту",
        question_ru="Утверждение плана",
        kind=m.VoteKind.ROLL_CALL,
    )

    emails = {
        notice.user: notice.body
        for notice in Notice.objects.filter(topic=f"staff.{staff_alerts.VOTE_OPEN}")
    }
    assert "Утверждение плана" in emails[chair]
    assert "Жоспарды бекіту" not in emails[chair]
    assert "Жоспарды бекіту" in emails[member]
    assert "Утверждение плана" not in emails[member]
    with translation.override("ru"):
        listed = signed_in(client, chair).get(reverse("notices:mine")).content.decode()
    assert "Утверждение плана" in listed
    notification = StaffNotification.objects.get(user=member, kind=staff_alerts.VOTE_OPEN)
    with translation.override("kk"):
        assert "Жоспарды бекіту" in notification.text()
    with translation.override("en"):
        assert notification.text() == (
            f"A vote is open at meeting No. {held_meeting.number}: Жоспарды бекіту"
        )


def test_a_vote_question_typed_in_kazakh_only_reaches_a_russian_reader_in_kazakh(
    held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    vote_open(
        actor=secretary,
        agenda_item=held_meeting.agenda.get(),
        question="Жоспарды бекіту",
        kind=m.VoteKind.ROLL_CALL,
    )

    notification = StaffNotification.objects.get(user=chair, kind=staff_alerts.VOTE_OPEN)
    with translation.override("ru"):
        assert "Жоспарды бекіту" in notification.text()


def test_a_counted_vote_asks_no_member_for_a_ballot(
    held_meeting: m.Meeting, secretary: User
) -> None:
    vote_open(
        actor=secretary,
        agenda_item=held_meeting.agenda.get(),
        question="Қол көтеру",
        kind=m.VoteKind.COUNTED,
    )

    assert not StaffNotification.objects.exists()


def test_minutes_waiting_for_signatures_are_told_to_each_signer_but_the_one_who_assembled(
    held_meeting: m.Meeting, council: m.Council, secretary: User, chair: User, member: User
) -> None:
    second_secretary = UserFactory.create(
        organisation=council.organisation, roles=[Role.COUNCIL_SECRETARY]
    )

    minutes_assemble(actor=secretary, meeting=held_meeting)

    assert told(staff_alerts.MINUTES_TO_SIGN) == {chair, second_secretary}


def test_a_sent_recommendation_is_told_to_the_addressed_agencys_officers(
    recommendation: m.Recommendation, secretary: User, officer: User, outsider_officer: User
) -> None:
    send_recommendation(recommendation, secretary)

    assert told(staff_alerts.RECOMMENDATION_NEW) == {officer}
    notification = StaffNotification.objects.get(user=officer)
    assert notification.link().endswith(f"/agency/inbox/{recommendation.pk}/")
    # Beside the notice to the organisation's contact address, which stays as it was.
    assert Notice.objects.filter(topic="council.recommendation.sent").count() == 1


def test_a_rejected_answer_is_told_to_the_officers_and_an_accepted_one_is_not(
    sent_recommendation: m.Recommendation, secretary: User, officer: User
) -> None:
    StaffNotification.objects.all().delete()
    answer = answer_recommendation(sent_recommendation, officer, "Орындалды.")
    response_review(actor=secretary, response=answer, verdict="not_accepted", note="Дәлел жоқ.")
    assert told(staff_alerts.ANSWER_REJECTED) == {officer}

    again = answer_recommendation(
        sent_recommendation, officer, "Квота орындалды, есеп қоса беріледі."
    )
    response_review(actor=secretary, response=again, verdict="accepted")
    assert StaffNotification.objects.filter(kind=staff_alerts.ANSWER_REJECTED).count() == 1


# The bell's line of a rejected answer, with the date a new answer is owed by and without it.
ANSWER_AGAIN_BY = {
    "kk": "Кеңес № {number} ұсынымға берілген жауапты қабылдамады: {date} дейін қайта жауап беріңіз.",
    "ru": "Совет не принял ответ на рекомендацию № {number}: ответьте повторно не позднее {date}.",
    "en": (
        "The council did not accept the answer to recommendation № {number}: "
        "answer again by {date}."
    ),
}
ANSWER_AGAIN = {
    "kk": "Кеңес № {number} ұсынымға берілген жауапты қабылдамады: қайта жауап беріңіз.",
    "ru": "Совет не принял ответ на рекомендацию № {number}: ответьте повторно.",
    "en": "The council did not accept the answer to recommendation № {number}: answer again.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_rejected_answer_tells_the_officers_the_new_due_date_in_their_language(
    client: Any,
    sent_recommendation: m.Recommendation,
    secretary: User,
    officer: User,
    language: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The answer is owed again within the rule set's period from the rejection
    (docs/domain/council.md §5): the bell's line and the e-mail name that date, written as the
    reader's language writes dates."""
    User.objects.filter(pk=officer.pk).update(
        preferred_language=language, email="officer@example.test"
    )
    due = answer_rejected_later(
        sent_recommendation, officer, secretary, monkeypatch, note="Дәлел жоқ."
    )
    notification = StaffNotification.objects.get(kind=staff_alerts.ANSWER_REJECTED)
    with translation.override(language):
        written = date_format(due, "DATE_FORMAT").removesuffix(".")
        expected = ANSWER_AGAIN_BY[language].format(number=sent_recommendation.number, date=written)
        assert notification.text() == expected
        listed = signed_in(client, officer).get(reverse("notices:mine")).content.decode()
    assert expected in listed
    [email] = Notice.objects.filter(topic=f"staff.{staff_alerts.ANSWER_REJECTED}")
    assert email.language == language
    assert expected in email.body


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_rejected_answer_told_before_the_due_date_was_still_reads_as_it_did(
    client: Any, sent_recommendation: m.Recommendation, officer: User, language: str
) -> None:
    """A notification keeps the values it was written with: one written before the new due date
    was told has none, and reads as it did then rather than as the kind's bare name."""
    StaffNotification.objects.create(
        user=officer,
        kind=staff_alerts.ANSWER_REJECTED,
        params={"number": sent_recommendation.number},
        url_name="council:inbox_detail",
        url_args=[str(sent_recommendation.pk)],
    )

    notification = StaffNotification.objects.get(kind=staff_alerts.ANSWER_REJECTED)
    with translation.override(language):
        expected = ANSWER_AGAIN[language].format(number=sent_recommendation.number)
        assert notification.text() == expected
        listed = signed_in(client, officer).get(reverse("notices:mine")).content.decode()
    assert expected in listed


def test_an_answer_is_told_to_the_councils_secretaries_only(
    sent_recommendation: m.Recommendation,
    council: m.Council,
    secretary: User,
    officer: User,
    outsider_officer: User,
) -> None:
    other_secretary = UserFactory.create(
        organisation=OrganisationFactory.create(kind=OrganisationKind.PUBLIC_COUNCIL),
        roles=[Role.COUNCIL_SECRETARY],
    )

    answer_recommendation(sent_recommendation, officer, "Орындалды.")

    assert told(staff_alerts.ANSWER_RECEIVED) == {secretary}
    assert other_secretary not in told(staff_alerts.ANSWER_RECEIVED)
    notification = StaffNotification.objects.get(kind=staff_alerts.ANSWER_RECEIVED)
    with translation.override("en"):
        assert notification.text() == (
            f"The addressee answered recommendation № {sent_recommendation.number}: "
            "give the council's verdict."
        )
    assert notification.link().endswith(
        f"/council/{council.slug}/recommendations/{sent_recommendation.pk}/"
    )


def _answer_then_fail(recommendation: m.Recommendation, officer: User) -> None:
    with transaction.atomic():
        answer_recommendation(recommendation, officer, "Орындалды.")
        raise RuntimeError("the caller's transaction fails")


def test_an_answer_that_rolls_back_tells_nobody(
    sent_recommendation: m.Recommendation, secretary: User, officer: User
) -> None:
    with pytest.raises(RuntimeError):
        _answer_then_fail(sent_recommendation, officer)

    assert not told(staff_alerts.ANSWER_RECEIVED)


def test_an_opted_out_officer_gets_no_email_of_a_new_recommendation_but_sees_it_listed(
    recommendation: m.Recommendation, secretary: User, officer: User
) -> None:
    staff_preferences_save(actor=officer, email_kinds=[], sms_kinds=[], sms_phone="")

    send_recommendation(recommendation, secretary)

    assert told(staff_alerts.RECOMMENDATION_NEW) == {officer}
    assert not Notice.objects.filter(user=officer).exists()


def test_an_answer_due_in_three_working_days_is_told_once_to_officers_and_secretaries(
    sent_recommendation: m.Recommendation,
    secretary: User,
    officer: User,
    agency: Organisation,
) -> None:
    today = dt.date(2026, 11, 9)  # a Monday
    due = add_working_days(today, staff_alerts.DUE_WARNING_WORKING_DAYS)
    m.Recommendation.objects.filter(pk=sent_recommendation.pk).update(answer_due_on=due)
    later = send_recommendation(
        m.Recommendation.objects.create(
            council=sent_recommendation.council,
            addressee=agency,
            decision=sent_recommendation.decision,
            rule_set=sent_recommendation.rule_set,
            number="later",
            text="Кейінірек.",
        ),
        secretary,
    )
    m.Recommendation.objects.filter(pk=later.pk).update(
        answer_due_on=add_working_days(today, staff_alerts.DUE_WARNING_WORKING_DAYS + 1)
    )

    assert staff_alerts.recommendations_notify_due(today=today) == 2
    # The job runs again (a second worker, a rerun): nobody is told twice.
    assert staff_alerts.recommendations_notify_due(today=today) == 0
    due_told = StaffNotification.objects.filter(kind=staff_alerts.RECOMMENDATION_DUE)
    assert {(n.user, n.related_id) for n in due_told} == {
        (secretary, str(sent_recommendation.pk)),
        (officer, str(sent_recommendation.pk)),
    }
    told_officer = due_told.get(user=officer)
    assert due.strftime("%d.%m.%Y") in told_officer.text()
    # Each reader gets the date as their language writes it.
    for language in ("ru", "en"):
        with translation.override(language):
            written = date_format(due, "DATE_FORMAT").removesuffix(".")
            assert f"{written}." in told_officer.text()

    # The next working day the later one comes into reach; the first is not told again.
    assert staff_alerts.recommendations_notify_due(today=today + dt.timedelta(days=1)) == 2
    assert due_told.filter(related_id=str(sent_recommendation.pk)).count() == 2


def test_the_due_date_job_runs_each_morning_in_oral() -> None:
    jobs = {job.task_path: job.schedule for job in registry.periodic_tasks()}

    assert jobs["kopir.council.tasks.notify_recommendations_due"] == DailyAt(dt.time(7, 0))


def test_a_petitioner_who_left_only_a_phone_gets_the_answer_by_sms(
    council: m.Council,
    secretary: User,
    tasks_run_inline: None,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.KOPIR_SMS_BACKEND = "kopir.notices.sms.OutboxSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        petition = petition_register(actor=secretary, council=council, **PETITION)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = petition_answer(actor=secretary, petition=petition, answer="Пандус салынады.")

    assert outcome.notified_by_sms
    assert not outcome.notified_by_email
    sent = Notice.objects.filter(related_type="council.petition", related_id=str(petition.pk))
    assert [(n.topic, n.channel, n.address) for n in sent.order_by("pk")] == [
        ("council.petition_registered", NoticeChannel.SMS, "+7 701 000 00 00"),
        ("council.petition_answered", NoticeChannel.SMS, "+7 701 000 00 00"),
    ]
    assert "Пандус салынады." in sent.get(topic="council.petition_answered").body
    assert not mail.outbox


def test_the_secretary_is_told_the_answer_goes_by_sms(
    council: m.Council, secretary: User, secretary_client: Any
) -> None:
    petition = petition_register(actor=secretary, council=council, **PETITION)
    with translation.override("en"):
        address = reverse("council:petition_answer", args=[council.slug, petition.pk])
        response = secretary_client.post(
            address,
            {"answer": "Пандус салынады.", "version": petition.version, "confirm": "on"},
            follow=True,
        )

    assert "is being sent to the petitioner by SMS" in response.content.decode()


def test_the_demo_tells_only_the_answers_the_daily_job_would_tell_today(
    sent_recommendation: m.Recommendation, secretary: User, officer: User
) -> None:
    from kopir.council.demo import notifications as demo_notifications
    from kopir.council.tests.factories import RecommendationFactory

    today = timezone.localdate()
    soon = add_working_days(today, staff_alerts.DUE_WARNING_WORKING_DAYS)
    m.Recommendation.objects.filter(pk=sent_recommendation.pk).update(answer_due_on=soon)
    council, agency = sent_recommendation.council, sent_recommendation.addressee
    overdue, later = (
        RecommendationFactory.create(
            council=council, addressee=agency, status=m.RecommendationStatus.SENT, answer_due_on=day
        )
        for day in (today - dt.timedelta(days=168), today + dt.timedelta(days=18))
    )

    assert demo_notifications.load() == "2 due-date notifications"

    told = StaffNotification.objects.filter(kind=staff_alerts.RECOMMENDATION_DUE)
    assert set(told.values_list("related_id", flat=True)) == {str(sent_recommendation.pk)}
    assert not told.filter(related_id__in=[str(overdue.pk), str(later.pk)]).exists()
