"""Accommodation requests become the secretary's tasks, due working days before the meeting."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import User
from kopir.core.errors import DomainError
from kopir.council import models as m
from kopir.council.services.accommodation import (
    accommodation_due_on,
    accommodation_request,
    accommodation_resolve,
    subtract_working_days,
)
from kopir.council.services.meetings import meeting_mark_held
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db
ORAL = zoneinfo.ZoneInfo("Asia/Oral")


@pytest.mark.parametrize(
    ("day", "count", "expected"),
    [
        (dt.date(2026, 11, 30), 3, dt.date(2026, 11, 25)),  # Monday → the Wednesday before
        (dt.date(2026, 12, 18), 3, dt.date(2026, 12, 14)),  # skips Independence Day, the 16th
        (dt.date(2026, 12, 17), 1, dt.date(2026, 12, 15)),
        (dt.date(2026, 12, 19), 0, dt.date(2026, 12, 18)),  # Saturday → the last working day
        (dt.date(2026, 12, 18), 0, dt.date(2026, 12, 18)),
    ],
)
def test_working_days_are_counted_back_over_weekends_and_holidays(
    day: dt.date, count: int, expected: dt.date
) -> None:
    assert subtract_working_days(day, count) == expected


def test_a_request_is_due_three_working_days_before_the_meeting(council: m.Council) -> None:
    meeting = MeetingFactory.create(
        council=council, starts_at=dt.datetime(2026, 12, 18, 15, 0, tzinfo=ORAL)
    )
    assert accommodation_due_on(meeting, today=dt.date(2026, 12, 1)) == dt.date(2026, 12, 14)
    # Asked too late for the lead time: due at once, not in the past.
    assert accommodation_due_on(meeting, today=dt.date(2026, 12, 17)) == dt.date(2026, 12, 17)


def test_a_member_asks_for_themselves_through_the_meeting_page(
    client: Client, meeting: m.Meeting, member_user: User, members: list[m.Member]
) -> None:
    response = signed_in(client, member_user).post(
        reverse("council:accommodation_new", args=[meeting.council.slug, meeting.pk]),
        {"need": m.AccommodationNeed.BRAILLE, "note": "Қазақ тілінде"},
    )

    assert response.status_code == 302
    task = m.AccommodationRequest.objects.get()
    assert task.requested_by == members[1].full_name
    assert task.requested_by_account == member_user
    assert task.status == m.AccommodationStatus.OPEN


def test_the_secretary_asks_on_a_participants_behalf_and_resolves_it(
    client: Client, meeting: m.Meeting, secretary: User
) -> None:
    signed_in(client, secretary)
    client.post(
        reverse("council:accommodation_new", args=[meeting.council.slug, meeting.pk]),
        {"need": m.AccommodationNeed.SIGN_LANGUAGE, "requested_by": "Шақырылған лауазымды тұлға"},
    )
    task = m.AccommodationRequest.objects.get()
    listing = client.get(reverse("council:accommodation_list", args=[meeting.council.slug]))
    assert task in listing.context["page_obj"].object_list

    response = client.post(
        reverse("council:accommodation_resolve", args=[meeting.council.slug, task.pk]),
        {
            "status": m.AccommodationStatus.ARRANGED,
            "resolution": "Ымдау тілінің аудармашысы шақырылды",
        },
    )

    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == m.AccommodationStatus.ARRANGED
    assert task.resolved_at is not None
    assert (
        task
        not in client.get(reverse("council:accommodation_list", args=[meeting.council.slug]))
        .context["page_obj"]
        .object_list
    )


def test_resolving_needs_an_outcome_and_what_was_done(meeting: m.Meeting, secretary: User) -> None:
    task = accommodation_request(
        actor=secretary, meeting=meeting, requested_by="Мүше", need=m.AccommodationNeed.CAPTIONS
    )
    with pytest.raises(ValidationError) as error:
        accommodation_resolve(actor=secretary, accommodation=task, status="open", resolution=" ")
    assert set(error.value.message_dict) == {"status", "resolution"}


def test_a_held_meeting_takes_no_new_requests(started_meeting: m.Meeting, secretary: User) -> None:
    meeting_mark_held(actor=secretary, meeting=started_meeting)
    with pytest.raises(DomainError):
        accommodation_request(
            actor=secretary, meeting=started_meeting, requested_by="Мүше", need="step_free"
        )


def test_members_and_outsiders_do_not_see_the_task_list(
    client: Client, council: m.Council, member_user: User, outsider: User
) -> None:
    url = reverse("council:accommodation_list", args=[council.slug])
    assert signed_in(client, member_user).get(url).status_code == 403
    assert signed_in(Client(), outsider).get(url).status_code == 403


def test_the_meeting_page_lists_requests_with_their_status_in_words(
    client: Client, meeting: m.Meeting, secretary: User
) -> None:
    accommodation_request(
        actor=secretary, meeting=meeting, requested_by="Мүше", need=m.AccommodationNeed.HEARING_LOOP
    )
    page = signed_in(client, secretary).get(
        reverse("council:meeting_detail", args=[meeting.council.slug, meeting.pk])
    )
    content = page.content.decode()
    with translation.override("kk"):
        assert str(m.AccommodationNeed.HEARING_LOOP.label) in content
        assert str(m.AccommodationStatus.OPEN.label) in content
