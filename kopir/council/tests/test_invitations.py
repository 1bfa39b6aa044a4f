"""Meeting invitations: the .ics (parsed back), each recipient's language, updates and
cancellation of the same event, the reminder the day before, and the invitee's reply page whose
requests become the secretary's tasks."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.core.errors import ConflictError, DomainError
from kopir.core.registry import DailyAt, registry
from kopir.council import models as m
from kopir.council.selectors.home import accommodation_open_count
from kopir.council.services.accommodation import accommodation_resolve
from kopir.council.services.agenda import agenda_item_add, official_add
from kopir.council.services.invitation_calendar import meeting_uid
from kopir.council.services.invitations import (
    InvitationReport,
    invitation_token,
    meeting_invite,
    meeting_reminders_send,
)
from kopir.council.services.meetings import meeting_cancel, meeting_mark_held, meeting_update
from kopir.council.tests.conftest import signed_in
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db
ORAL = zoneinfo.ZoneInfo("Asia/Oral")
SITE = "https://kopir.example.kz"
ITEM_TITLE = "Жеке оңалту бағдарламасы"


@pytest.fixture(autouse=True)
def _site(settings: Any, tasks_run_inline: None) -> None:
    settings.KOPIR_SITE_URL = SITE


@pytest.fixture
def invited_meeting(
    meeting: m.Meeting, member_user: User, secretary: User, agency: Organisation
) -> m.Meeting:
    """Next week's meeting with one item and an official invited on it. The member with an
    account reads Russian; the official's organisation (the agency) takes notices in Kazakh."""
    member_user.preferred_language = "ru"
    member_user.save(update_fields=["preferred_language"])
    item = agenda_item_add(actor=secretary, meeting=meeting, title=ITEM_TITLE)
    official_add(
        actor=secretary,
        agenda_item=item,
        full_name="Сейітқали Марат",
        position="басшының орынбасары",
        organisation=agency,
    )
    meeting.refresh_from_db()
    return meeting


def invite(meeting: m.Meeting, secretary: User, capture: Any) -> Any:
    meeting.refresh_from_db()
    with capture(execute=True):
        return meeting_invite(actor=secretary, meeting=meeting, expected_version=meeting.version)


@pytest.fixture
def invitations_sent(
    invited_meeting: m.Meeting, secretary: User, django_capture_on_commit_callbacks: Any
) -> InvitationReport:
    """The secretary has sent the meeting's invitations once, their mail delivered."""
    return invite(invited_meeting, secretary, django_capture_on_commit_callbacks)


def sent_to(address: str) -> list[Any]:
    return [message for message in mail.outbox if message.to == [address]]


def calendar_of(message: Any) -> tuple[Calendar, Any, str]:
    """The parsed .ics of a message, its event, and the method of its Content-Type."""
    parts = [part for part in message.message().walk() if part.get_filename()]
    assert len(parts) == 1
    part = parts[0]
    assert part.get_content_type() == "text/calendar"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return calendar, calendar.walk("VEVENT")[0], part.get_param("method")


def test_each_invitee_gets_an_ics_in_their_language(
    invited_meeting: m.Meeting,
    member_user: User,
    members: list[m.Member],
    secretary: User,
    agency: Organisation,
    invitations_sent: InvitationReport,
) -> None:
    report = invitations_sent

    assert (report.new, report.updated) == (2, 0)
    assert report.without_address == len(members) - 1  # the seats without an account
    [to_member] = sent_to(member_user.email)
    [to_official] = sent_to(agency.email)
    for message, language, summary, place in (
        (to_member, "ru", "Заседание № 1", invited_meeting.place_ru),
        (to_official, "kk", "отырысы", invited_meeting.place),
    ):
        assert message.extra_headers["Content-Language"] == language
        calendar, event, method = calendar_of(message)
        assert method == "REQUEST"
        assert str(calendar["method"]) == "REQUEST"
        assert str(event["uid"]) == meeting_uid(invited_meeting)
        assert event.decoded("sequence") == 0
        start = event.decoded("dtstart")
        assert event["dtstart"].params["TZID"] == "Asia/Oral"
        assert start.utcoffset() == dt.timedelta(hours=5)
        assert start == invited_meeting.starts_at.replace(microsecond=0)
        assert event.decoded("dtend") - start == dt.timedelta(hours=2)
        assert str(event["location"]) == place
        assert summary in str(event["summary"])
        assert ITEM_TITLE in str(event["description"])
        attendees = event.get("attendee")
        attendees = attendees if isinstance(attendees, list) else [attendees]
        assert [str(attendee) for attendee in attendees] == [f"mailto:{message.to[0]}"]
        assert str(event["organizer"]).startswith("mailto:")
        assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Asia/Oral"
    assert "Приглашение на заседание № 1" in to_member.subject
    assert "Повестка" in to_member.body
    assert "Күн тәртібі" in to_official.body


def test_the_invitation_carries_the_agenda_and_absolute_links(
    invited_meeting: m.Meeting, member_user: User, invitations_sent: InvitationReport
) -> None:
    [message] = sent_to(member_user.email)
    assert f"1. {ITEM_TITLE}" in message.body
    materials = f"{SITE}/ru/council/test-council/meetings/{invited_meeting.pk}/#agenda"
    assert materials in message.body
    [reply] = re.findall(rf"{SITE}(/ru/council/invitations/reply/\S+/)", message.body)
    assert Client().get(reply).status_code == 200


def test_a_russian_reader_gets_the_russian_place_and_agenda(
    invited_meeting: m.Meeting,
    member_user: User,
    secretary: User,
    agency: Organisation,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The place and the agenda's titles are kept in both languages: a Russian reader's e-mail
    and calendar file carry the Russian ones (they carried the Kazakh ones), a Kazakh reader's
    the Kazakh ones; an item without a Russian title is still named, in Kazakh."""
    invited_meeting.place_ru = "г. Уральск, пр. Достык, 1"
    invited_meeting.save(update_fields=["place_ru"])
    assert invited_meeting.place == "Орал қ., Достық даңғылы, 1"
    item = invited_meeting.agenda.get()
    item.title_ru = "Индивидуальная программа реабилитации"
    item.save(update_fields=["title_ru"])
    agenda_item_add(actor=secretary, meeting=invited_meeting, title="Пандустар")
    agency.notice_language = "ru"
    agency.save(update_fields=["notice_language"])

    invite(invited_meeting, secretary, django_capture_on_commit_callbacks)

    [to_member] = sent_to(member_user.email)
    [to_official] = sent_to(agency.email)
    for message in (to_member, to_official):
        assert message.extra_headers["Content-Language"] == "ru"
        _calendar, event, _method = calendar_of(message)
        for text in (message.body, str(event["description"])):
            assert "1. Индивидуальная программа реабилитации" in text
            assert "2. Пандустар" in text
            assert ITEM_TITLE not in text
        assert "Место: г. Уральск, пр. Достык, 1" in message.body
        assert "Орал қ." not in message.body
        assert str(event["location"]) == "г. Уральск, пр. Достык, 1"
    assert (
        "Вас приглашают выступить по вопросу: 1. Индивидуальная программа реабилитации"
        in to_official.body
    )
    # Sending again sends nothing: nobody was told another place.
    invited_meeting.refresh_from_db()
    assert invite(invited_meeting, secretary, django_capture_on_commit_callbacks).sent == 0
    # A changed Russian place makes the invitations out of date.
    invited_meeting.place_ru = "г. Уральск, ул. Абая, 2"
    invited_meeting.save(update_fields=["place_ru"])
    report = invite(invited_meeting, secretary, django_capture_on_commit_callbacks)
    assert report.updated == 2


def test_the_sending_is_audited_and_shown_on_the_meeting_page(
    invited_meeting: m.Meeting,
    secretary: User,
    client: Client,
    invitations_sent: InvitationReport,
) -> None:
    invitations = m.MeetingInvitation.objects.filter(meeting=invited_meeting)
    assert invitations.count() == 2
    audited = AuditEvent.objects.filter(
        target_type="council.meetinginvitation", actor=secretary, action="create"
    )
    assert audited.count() == 2
    page = signed_in(client, secretary).get(
        reverse("council:meeting_detail", args=[invited_meeting.council.slug, invited_meeting.pk])
    )
    section = page.content.decode().split('id="invitations"')[1].split("<h2")[0]
    assert "Сейітқали Марат" in section
    assert "Мүше Әсел Ұланқызы" in section
    assert "Мүше Бауыржан Оспанов" not in section  # no address: not invited


def test_a_changed_time_sends_an_update_of_the_same_event(
    invited_meeting: m.Meeting,
    member_user: User,
    secretary: User,
    django_capture_on_commit_callbacks: Any,
    invitations_sent: InvitationReport,
) -> None:
    unchanged = invite(invited_meeting, secretary, django_capture_on_commit_callbacks)
    assert unchanged.sent == 0
    assert len(mail.outbox) == 2

    later = invited_meeting.starts_at + dt.timedelta(days=1)
    meeting_update(
        actor=secretary,
        meeting=invited_meeting,
        expected_version=invited_meeting.version,
        starts_at=later,
    )
    meeting_page = reverse(
        "council:meeting_detail", args=[invited_meeting.council.slug, invited_meeting.pk]
    )
    browser = signed_in(Client(), secretary)
    assert browser.get(meeting_page).context["invitations_outdated"] is True
    report = invite(invited_meeting, secretary, django_capture_on_commit_callbacks)

    assert browser.get(meeting_page).context["invitations_outdated"] is False
    assert (report.new, report.updated) == (0, 2)
    [first, update] = sent_to(member_user.email)
    _calendar, old_event, _method = calendar_of(first)
    _calendar, event, method = calendar_of(update)
    assert method == "REQUEST"
    assert str(event["uid"]) == str(old_event["uid"])
    assert event.decoded("sequence") == 1
    assert event.decoded("dtstart") == later.replace(microsecond=0)
    assert "Изменено" in update.subject


def test_cancelling_the_meeting_sends_a_cancellation(
    invited_meeting: m.Meeting,
    member_user: User,
    secretary: User,
    django_capture_on_commit_callbacks: Any,
    invitations_sent: InvitationReport,
) -> None:
    invited_meeting.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        meeting_cancel(actor=secretary, meeting=invited_meeting)

    [_first, cancelled] = sent_to(member_user.email)
    calendar, event, method = calendar_of(cancelled)
    assert method == "CANCEL"
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == meeting_uid(invited_meeting)
    assert event.decoded("sequence") == 1
    assert not m.MeetingInvitation.objects.filter(cancelled_at__isnull=True).exists()


def test_nothing_is_sent_for_a_meeting_changed_since_the_confirmation(
    invited_meeting: m.Meeting, secretary: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ConflictError):
        meeting_invite(
            actor=secretary, meeting=invited_meeting, expected_version=invited_meeting.version - 1
        )
    assert not mail.outbox
    assert not m.MeetingInvitation.objects.exists()


def test_a_held_meeting_sends_no_invitations(started_meeting: m.Meeting, secretary: User) -> None:
    meeting = meeting_mark_held(actor=secretary, meeting=started_meeting)
    with pytest.raises(DomainError):
        meeting_invite(actor=secretary, meeting=meeting, expected_version=meeting.version)


def test_a_meeting_already_begun_offers_no_invitations(
    started_meeting: m.Meeting, secretary: User, client: Client
) -> None:
    """Still planned, an hour after its start: the meeting page offered "Send the invitations"
    and the confirmation page a box to tick, then the sending was refused."""
    browser = signed_in(client, secretary)
    args = [started_meeting.council.slug, started_meeting.pk]
    with translation.override("en"):
        invitations_url = reverse("council:meeting_invitations", args=args)
        meeting_page = browser.get(reverse("council:meeting_detail", args=args)).content.decode()
        confirmation = browser.get(invitations_url).content.decode()

    assert invitations_url not in meeting_page
    assert 'name="confirm"' not in confirmation
    assert "Invitations are sent for a planned meeting that is still ahead." in confirmation


def test_the_confirmation_page_lists_who_gets_what_and_sends_only_when_ticked(
    invited_meeting: m.Meeting,
    secretary: User,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    url = reverse(
        "council:meeting_invitations", args=[invited_meeting.council.slug, invited_meeting.pk]
    )
    browser = signed_in(client, secretary)
    page = browser.get(url).content.decode()
    assert "Сейітқали Марат" in page
    assert "Мүше Бауыржан Оспанов" in page  # listed as having no address

    browser.post(url, {"version": invited_meeting.version})
    assert not m.MeetingInvitation.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url, {"version": invited_meeting.version, "confirm": "on"})
    assert response.status_code == 302
    assert m.MeetingInvitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_the_reminder_goes_once_the_day_before(
    council: m.Council,
    members: list[m.Member],
    member_user: User,
    secretary: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    today = timezone.now().astimezone(ORAL).date()
    tomorrow = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(10), tzinfo=ORAL)
    soon = m.Meeting.objects.create(
        council=council, number=5, format=m.MeetingFormat.REGULAR, starts_at=tomorrow, place="Орал"
    )
    later = m.Meeting.objects.create(
        council=council,
        number=6,
        format=m.MeetingFormat.REGULAR,
        starts_at=tomorrow + dt.timedelta(days=1),
        place="Орал",
    )
    invite(soon, secretary, django_capture_on_commit_callbacks)
    invite(later, secretary, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    morning = dt.datetime.combine(today, dt.time(9), tzinfo=ORAL)

    with django_capture_on_commit_callbacks(execute=True):
        first = meeting_reminders_send(now=morning)
    with django_capture_on_commit_callbacks(execute=True):
        second = meeting_reminders_send(now=morning + dt.timedelta(minutes=5))

    assert (first, second) == (1, 0)
    [reminder] = mail.outbox
    assert reminder.to == [member_user.email]
    assert "5" in reminder.subject
    assert m.MeetingInvitation.objects.get(meeting=soon).reminded_at is not None
    assert m.MeetingInvitation.objects.get(meeting=later).reminded_at is None


def test_the_reminder_is_a_daily_job_at_a_morning_hour_in_oral() -> None:
    [job] = [
        job
        for job in registry.jobs
        if job.task_path == "kopir.council.tasks.send_meeting_reminders"
    ]
    assert job.schedule == DailyAt(dt.time(9, 0))


def reply_url(invitation: m.MeetingInvitation, token: str | None = None) -> str:
    return reverse("council:invitation_reply", args=[token or invitation_token(invitation)])


@pytest.fixture
def official_invitation(invitations_sent: InvitationReport) -> m.MeetingInvitation:
    return m.MeetingInvitation.objects.get(official__isnull=False)


def test_the_reply_page_turns_needs_into_the_secretarys_tasks(
    official_invitation: m.MeetingInvitation, secretary: User, client: Client
) -> None:
    url = reply_url(official_invitation)
    assert client.get(url).status_code == 200
    assert accommodation_open_count(secretary) == 0

    response = client.post(url, {"needs": ["sign_language", "braille"], "note": "қазақ тілінде"})
    client.post(url, {"needs": ["sign_language"]})  # asked twice: still one task

    assert response.status_code == 302
    tasks = m.AccommodationRequest.objects.filter(invitation=official_invitation)
    assert sorted(tasks.values_list("need", flat=True)) == ["braille", "sign_language"]
    assert {task.requested_by for task in tasks} == {"Сейітқали Марат"}
    assert accommodation_open_count(secretary) == 2
    assert (
        AuditEvent.objects.filter(
            target_type="council.accommodationrequest", actor=None, action="create"
        ).count()
        == 2
    )

    accommodation_resolve(
        actor=secretary,
        accommodation=tasks.get(need="braille"),
        status=m.AccommodationStatus.ARRANGED,
        resolution="Брайль қаріпімен басылды",
    )
    assert accommodation_open_count(secretary) == 1
    assert "Брайль қаріпімен басылды" in client.get(url).content.decode()


def test_something_else_needs_words(
    official_invitation: m.MeetingInvitation, client: Client
) -> None:
    response = client.post(reply_url(official_invitation), {"needs": ["other"]})

    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not m.AccommodationRequest.objects.exists()


def test_a_tampered_link_is_refused(
    official_invitation: m.MeetingInvitation, client: Client
) -> None:
    token = invitation_token(official_invitation)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get(reply_url(official_invitation, tampered)).status_code == 404
    assert (
        client.post(reply_url(official_invitation, tampered), {"needs": ["braille"]}).status_code
        == 404
    )
    assert not m.AccommodationRequest.objects.exists()


def test_the_link_expires_after_the_meeting(
    official_invitation: m.MeetingInvitation, client: Client
) -> None:
    url = reply_url(official_invitation)
    m.Meeting.objects.filter(pk=official_invitation.meeting_id).update(
        starts_at=timezone.now() - dt.timedelta(hours=3)
    )

    assert client.get(url).status_code == 410
    assert client.post(url, {"needs": ["braille"]}).status_code == 410
    assert not m.AccommodationRequest.objects.exists()


def test_the_link_expires_when_the_meeting_is_cancelled(
    official_invitation: m.MeetingInvitation, secretary: User, client: Client
) -> None:
    meeting = official_invitation.meeting
    meeting.refresh_from_db()
    meeting_cancel(actor=secretary, meeting=meeting)

    assert client.get(reply_url(official_invitation)).status_code == 410
