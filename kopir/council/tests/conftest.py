"""Shared fixtures for the council's tests.

A party council ("test-council") with a composition in force of five members (a chair and four
members), its secretary, a member with an account, the secretary of another council (the outsider
organisation), the two deadline rule sets, and meetings: one planned for next week and one that
started an hour ago; the executive body the council writes to and its officer are the shared cast's
(`fixtures_followup.py`: `agency`, `officer`). Helpers: `signed_in`, `record_present`.

Tests about e-mails ask for `tasks_run_inline` (tasks then run when the transaction commits; use
`django_capture_on_commit_callbacks(execute=True)` around the call).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pytest
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.core.tests.fixtures import signed_in as signed_in  # the council's tests import it here
from kopir.council import models as m
from kopir.council.services.attendance import attendance_record
from kopir.council.services.votes import ballots_record, vote_open
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    CouncilFactory,
    MeetingFactory,
    MemberFactory,
    RuleSetFactory,
)
from kopir.council.tests.fixtures_followup import agency as agency
from kopir.council.tests.fixtures_followup import agency_parent as agency_parent
from kopir.council.tests.fixtures_followup import officer as officer
from kopir.council.tests.rule_sets import statutory_rules as statutory_rules
from kopir.directory.models import Territory
from kopir.directory.tests.factories import TerritoryFactory

MEMBER_NAMES = (
    "Төраға Қайрат Өмірұлы",
    "Мүше Әсел Ұланқызы",
    "Мүше Бауыржан Оспанов",
    "Мүше Гүлнар Сәрсенқызы",
    "Мүше Нұрлан Есенов",
)


@pytest.fixture(autouse=True)
def _council_test_settings(settings: Any, tmp_path: Any) -> None:
    # These tests are about the council's work, not the second factor (accounts tests that).
    settings.KOPIR_REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def tasks_run_inline(settings: Any) -> None:
    """Run background tasks at once (on commit) instead of queueing them in the database."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def record_present(
    meeting: m.Meeting, members: Iterable[m.Member], *, actor: Any = None, online: bool = False
) -> None:
    """Mark the given members present (the others of the composition absent)."""
    present = {member.pk for member in members}
    composition = meeting.composition or m.Composition.objects.get(
        council=meeting.council, status=m.CompositionStatus.APPROVED
    )
    status = m.AttendanceStatus.ONLINE if online else m.AttendanceStatus.IN_PERSON
    attendance_record(
        actor=actor,
        meeting=meeting,
        statuses={
            seat.pk: status if seat.pk in present else m.AttendanceStatus.ABSENT
            for seat in composition.members.all()
        },
    )


def roll_call_vote(
    item: m.AgendaItem,
    secretary: User,
    members: list[m.Member],
    choice: str,
    *,
    question: str,
    **decides: Any,
) -> m.Vote:
    """The given members present at the item's meeting, a roll-call vote opened on the item
    (deciding the composition or plan in `decides`) and each present member's ballot `choice`;
    the vote is still open."""
    record_present(item.meeting, members, actor=secretary)
    vote = vote_open(
        actor=secretary,
        agenda_item=item,
        question=question,
        kind=m.VoteKind.ROLL_CALL,
        **decides,
    )
    ballots_record(actor=secretary, vote=vote, choices={seat.pk: choice for seat in members})
    return vote


@pytest.fixture
def party_rules(db: None) -> m.RecommendationRuleSet:
    return RuleSetFactory.create(
        code="party-council",
        name_kk="Партия жанындағы кеңес",
        name_ru="Совет при партии",
        name_en="Party council",
        legal_source="",
        send_within_working_days=None,
        answer_within_working_days=None,
        answer_within_calendar_days=30,
        is_statutory=False,
    )


@pytest.fixture
def territory(db: None) -> Territory:
    return TerritoryFactory.create(
        kato="270000000", name_kk="Батыс Қазақстан облысы", name_ru="ЗКО", name_en="WKR"
    )


def _party_council(
    slug: str, territory: Territory, rules: m.RecommendationRuleSet, **fields: Any
) -> m.Council:
    """A council whose organisation sits in the same territory and has no BIN."""
    return CouncilFactory.create(
        slug=slug,
        territory=territory,
        recommendation_rule_set=rules,
        organisation__territory=territory,
        organisation__bin=None,
        **fields,
    )


@pytest.fixture
def council(territory: Territory, party_rules: m.RecommendationRuleSet) -> m.Council:
    return _party_council(
        "test-council",
        territory,
        party_rules,
        organisation__name_kk="Әлеуметтік мәселелер жөніндегі қоғамдық кеңес",
        organisation__name_ru="Общественный совет по социальным вопросам",
        organisation__name_en="Public Council on Social Issues",
    )


@pytest.fixture
def composition(council: m.Council) -> m.Composition:
    return CompositionFactory.create(
        council=council,
        number=1,
        status=m.CompositionStatus.APPROVED,
        effective_from=dt.date(2026, 1, 15),
    )


@pytest.fixture
def members(composition: m.Composition) -> list[m.Member]:
    """Five seats: the chair first, then four members."""
    return [
        MemberFactory.create(
            composition=composition,
            full_name=name,
            position=m.MemberPosition.CHAIR if index == 0 else m.MemberPosition.MEMBER,
            order=index,
        )
        for index, name in enumerate(MEMBER_NAMES)
    ]


@pytest.fixture
def secretary(council: m.Council) -> User:
    return UserFactory.create(organisation=council.organisation, roles=[Role.COUNCIL_SECRETARY])


@pytest.fixture
def member_user(members: list[m.Member]) -> User:
    """A member's account, linked to the second seat."""
    user = UserFactory.create(roles=[Role.COUNCIL_MEMBER], first_name="Әсел", last_name="Ұланқызы")
    seat = members[1]
    seat.account = user
    seat.save(update_fields=["account"])
    return user


@pytest.fixture
def other_council(territory: Territory, party_rules: m.RecommendationRuleSet) -> m.Council:
    return _party_council("other-council", territory, party_rules)


@pytest.fixture
def outsider(other_council: m.Council) -> User:
    """The secretary of another council: an insider elsewhere, an outsider here."""
    return UserFactory.create(
        organisation=other_council.organisation, roles=[Role.COUNCIL_SECRETARY]
    )


@pytest.fixture
def meeting(council: m.Council, members: list[m.Member]) -> m.Meeting:
    """A regular meeting planned for next week."""
    return MeetingFactory.create(
        council=council,
        number=1,
        starts_at=timezone.now() + dt.timedelta(days=7),
        place="Орал қ., Достық даңғылы, 1",
    )


@pytest.fixture
def started_meeting(council: m.Council, members: list[m.Member]) -> m.Meeting:
    """A meeting that started an hour ago and is not yet marked held."""
    return MeetingFactory.create(
        council=council, number=2, starts_at=timezone.now() - dt.timedelta(hours=1)
    )


@pytest.fixture
def agenda_item(started_meeting: m.Meeting) -> m.AgendaItem:
    return AgendaItemFactory.create(meeting=started_meeting, order=1)
