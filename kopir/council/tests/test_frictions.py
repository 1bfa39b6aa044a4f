"""Frictions found by trying the council's pages (issue 11, item 6): each test is one of them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import User
from kopir.council import models as m
from kopir.council.tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def _statuses(meeting: m.Meeting) -> dict[int | None, str]:
    return {
        row.member_id: row.status
        for row in m.Attendance.objects.filter(meeting=meeting, member__isnull=False)
    }


def test_all_present_marks_everyone_left_unmarked_present_in_person(
    client: Client, meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    url = reverse("council:meeting_attendance", args=[meeting.council.slug, meeting.pk])
    page = signed_in(client, secretary).get(url)
    assert b'name="all_present"' in page.content

    response = client.post(
        url,
        {
            f"member_{members[1].pk}": m.AttendanceStatus.ABSENT,
            f"member_{members[2].pk}": m.AttendanceStatus.ONLINE,
            "all_present": "1",
        },
    )

    assert response.status_code == 302
    statuses = _statuses(meeting)
    assert statuses[members[1].pk] == m.AttendanceStatus.ABSENT
    assert statuses[members[2].pk] == m.AttendanceStatus.ONLINE
    for seat in (members[0], members[3], members[4]):
        assert statuses[seat.pk] == m.AttendanceStatus.IN_PERSON


def test_saving_without_all_present_leaves_the_unmarked_unrecorded(
    client: Client, meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    url = reverse("council:meeting_attendance", args=[meeting.council.slug, meeting.pk])
    signed_in(client, secretary).post(
        url, {f"member_{members[0].pk}": m.AttendanceStatus.IN_PERSON}
    )

    assert _statuses(meeting) == {members[0].pk: m.AttendanceStatus.IN_PERSON}
