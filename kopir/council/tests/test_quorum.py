"""Quorum: majority and two thirds of the sitting composition, counted from attendance."""

from __future__ import annotations

import pytest

from kopir.accounts.models import User
from kopir.core.errors import DomainError
from kopir.council import models as m
from kopir.council.services.attendance import attendance_record
from kopir.council.services.quorum import quorum_required, quorum_status
from kopir.council.tests.conftest import record_present
from kopir.council.tests.factories import CompositionFactory, MemberFactory


@pytest.mark.parametrize(
    ("members", "required"),
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 3), (9, 5), (10, 6), (15, 8)],
)
def test_a_majority_is_more_than_half_of_the_members(members: int, required: int) -> None:
    assert quorum_required(m.QuorumRule.MAJORITY, members) == required


@pytest.mark.parametrize(
    ("members", "required"),
    [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (9, 6), (10, 7), (12, 8)],
)
def test_two_thirds_is_at_least_two_thirds_of_the_members(members: int, required: int) -> None:
    assert quorum_required(m.QuorumRule.TWO_THIRDS, members) == required


def test_no_members_means_no_quorum_is_possible() -> None:
    assert quorum_required(m.QuorumRule.MAJORITY, 0) == 1


@pytest.mark.django_db
def test_three_of_five_present_is_a_majority_and_two_is_not(
    started_meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    meeting = started_meeting  # attendance is recorded once it started
    record_present(meeting, members[:2], actor=secretary)
    assert not quorum_status(meeting).has_quorum

    record_present(meeting, members[:3], actor=secretary)
    status = quorum_status(meeting)
    assert (status.present, status.members, status.required) == (3, 5, 3)
    assert status.has_quorum


@pytest.mark.django_db
def test_members_online_count_towards_the_quorum_and_guests_do_not(
    started_meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    meeting = started_meeting  # attendance is recorded once it started
    record_present(meeting, members[:3], actor=secretary, online=True)
    m.Attendance.objects.create(
        meeting=meeting, guest_name="Қонақ", status=m.AttendanceStatus.GUEST
    )

    status = quorum_status(meeting)
    assert status.present == 3
    assert status.has_quorum


@pytest.mark.django_db
def test_two_thirds_needs_four_of_five(
    started_meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    meeting = started_meeting  # attendance is recorded once it started
    meeting.council.quorum_rule = m.QuorumRule.TWO_THIRDS
    meeting.council.save(update_fields=["quorum_rule"])
    record_present(meeting, members[:3], actor=secretary)
    assert not quorum_status(meeting).has_quorum

    record_present(meeting, members[:4], actor=secretary)
    assert quorum_status(meeting).has_quorum


@pytest.mark.django_db
def test_without_a_composition_in_force_there_is_no_quorum(
    council: m.Council, secretary: User
) -> None:
    from kopir.council.tests.factories import MeetingFactory

    meeting = MeetingFactory.create(council=council)
    status = quorum_status(meeting)

    assert status.members == 0
    assert not status.has_quorum
    with pytest.raises(DomainError):
        attendance_record(actor=secretary, meeting=meeting, statuses={})


@pytest.mark.django_db
def test_attendance_is_recorded_only_for_members_of_the_sitting_composition(
    meeting: m.Meeting, members: list[m.Member], secretary: User
) -> None:
    stranger = MemberFactory.create(
        composition=CompositionFactory.create(status=m.CompositionStatus.PROPOSED)
    )

    with pytest.raises(DomainError):
        attendance_record(
            actor=secretary, meeting=meeting, statuses={stranger.pk: m.AttendanceStatus.IN_PERSON}
        )


@pytest.mark.django_db
def test_the_first_attendance_fixes_the_sitting_composition(
    started_meeting: m.Meeting, members: list[m.Member], composition: m.Composition, secretary: User
) -> None:
    meeting = started_meeting  # attendance is recorded once it started
    assert meeting.composition_id is None

    record_present(meeting, members[:3], actor=secretary)

    meeting.refresh_from_db()
    assert meeting.composition == composition
