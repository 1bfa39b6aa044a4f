"""Frictions found by trying the council's pages (issue 11, item 6): each test is one of them."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import User
from kopir.council import models as m
from kopir.council.services.votes import vote_open
from kopir.council.tests.conftest import record_present, signed_in

pytestmark = pytest.mark.django_db


def _statuses(meeting: m.Meeting) -> dict[int | None, str]:
    return {
        row.member_id: row.status
        for row in m.Attendance.objects.filter(meeting=meeting, member__isnull=False)
    }


def test_all_present_marks_everyone_left_unmarked_present_in_person(
    client: Client, started_meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    meeting = started_meeting  # attendance is recorded once it started
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
    client: Client, started_meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    meeting = started_meeting  # attendance is recorded once it started
    url = reverse("council:meeting_attendance", args=[meeting.council.slug, meeting.pk])
    signed_in(client, secretary).post(
        url, {f"member_{members[0].pk}": m.AttendanceStatus.IN_PERSON}
    )

    assert _statuses(meeting) == {members[0].pk: m.AttendanceStatus.IN_PERSON}


def test_the_agenda_item_page_opens_the_form_of_the_next_step(
    client: Client, agenda_item: m.AgendaItem, members: list[m.Member], secretary: User
) -> None:
    meeting = agenda_item.meeting
    url = reverse(
        "council:agenda_item_detail", args=[meeting.council.slug, meeting.pk, agenda_item.pk]
    )
    speech = reverse("council:speech_new", args=[meeting.council.slug, meeting.pk, agenda_item.pk])
    decision = reverse(
        "council:decision_new", args=[meeting.council.slug, meeting.pk, agenda_item.pk]
    )

    def open_forms() -> set[str]:
        html = signed_in(client, secretary).get(url).content.decode()
        return {
            action
            for action in (speech, decision)
            if re.search(
                rf'<details open><summary>[^<]*</summary>\s*<form[^>]*action="{action}"', html
            )
        }

    # Nothing recorded yet: the first speech is the next step.
    assert open_forms() == {speech}

    record_present(meeting, members[:3], actor=secretary)
    vote = vote_open(
        actor=secretary, agenda_item=agenda_item, question="Бекіту", kind=m.VoteKind.COUNTED
    )
    m.Vote.objects.filter(pk=vote.pk).update(result=m.VoteResult.APPROVED)
    # A closed vote without its decision: the decision is the next step.
    assert open_forms() == {decision}
