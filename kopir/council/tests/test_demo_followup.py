"""The follow-up demo: every state of the register, approved minutes, visits and letters — and a
second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from kopir.accounts import demo as accounts_demo
from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.council import models as m
from kopir.council.demo import followup as demo_followup
from kopir.council.models import RecommendationStatus as S
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    CouncilFactory,
    DecisionFactory,
    MeetingFactory,
    MemberFactory,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.directory import demo as directory_demo
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db


def test_without_the_seed_council_the_demo_says_so_and_writes_nothing() -> None:
    summary = demo_followup.load()
    assert "wko-social" in summary
    assert "missing" in summary
    assert not m.Recommendation.objects.exists()


@pytest.fixture
def seed(statutory_rules: m.RecommendationRuleSet) -> m.Meeting:
    """What demo_meetings provides, made here so this test does not depend on its details."""
    directory_demo.load()
    accounts_demo.load()
    council = CouncilFactory.create(
        slug="wko-social",
        organisation=Organisation.objects.get(code="wko-public-council"),
        recommendation_rule_set=statutory_rules,
    )
    composition = CompositionFactory.create(council=council)
    MemberFactory.create(
        composition=composition,
        full_name="Серік Мұхамбетов",
        position=m.MemberPosition.CHAIR,
        account=User.objects.get(username="chair"),
    )
    MemberFactory.create(
        composition=composition,
        full_name="Айжан Бекова",
        position=m.MemberPosition.SECRETARY,
        account=User.objects.get(username="secretary"),
    )
    MemberFactory.create(
        composition=composition,
        full_name="Бауыржан Оспанов",
        account=User.objects.get(username="member"),
    )
    meeting = MeetingFactory.create(
        council=council,
        number=1,
        status=m.MeetingStatus.HELD,
        composition=composition,
        starts_at=timezone.now() - dt.timedelta(days=60),
    )
    item = AgendaItemFactory.create(
        meeting=meeting,
        order=1,
        title="Жеке оңалту бағдарламасының мәселелері",
        title_ru="Вопросы индивидуальной программы реабилитации",
    )
    DecisionFactory.create(agenda_item=item)
    return meeting


def _snapshot() -> tuple[int, ...]:
    return (
        m.Recommendation.objects.count(),
        m.RecommendationEvent.objects.count(),
        m.RecommendationResponse.objects.count(),
        m.MinutesVersion.objects.count(),
        m.MonitoringVisit.objects.count(),
        m.VisitChecklistItem.objects.count(),
        m.Letter.objects.count(),
        m.LetterReply.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def test_the_demo_recreates_the_follow_up_of_the_seed_meeting_once(seed: m.Meeting) -> None:
    demo_followup.load()
    first = _snapshot()

    summary = demo_followup.load()

    assert _snapshot() == first
    assert "5 recommendations unchanged" in summary
    statuses = dict(
        m.Recommendation.objects.filter(decision__isnull=False).values_list(
            "addressee__code", "status"
        )
    )
    assert statuses == {
        "wko-employment-office": S.IN_PROGRESS,
        "wko-health-office": S.ACKNOWLEDGED,
        "wko-mse-department": S.EXECUTED,
        "oral-akimat": S.SENT,
        "wko-education-office": S.ACKNOWLEDGED,
    }
    verdicts = set(m.RecommendationResponse.objects.values_list("verdict", flat=True))
    assert verdicts == {"accepted", "not_accepted", "pending"}
    overdue = m.Recommendation.objects.get(addressee__code="oral-akimat")
    assert overdue.answer_due_on is not None
    assert overdue.answer_due_on < timezone.localdate()
    assert overdue.answered_on is None

    minutes = m.Minutes.objects.get(meeting=seed)
    assert minutes.is_locked
    assert minutes.approved_by_chair == User.objects.get(username="chair")
    listed = next(
        s["text"]
        for s in minutes.versions.get().body_kk["sections"]
        if s["key"] == "recommendations"
    )
    for number in m.Recommendation.objects.filter(decision__isnull=False).values_list(
        "number", flat=True
    ):
        assert number in listed

    visits = m.MonitoringVisit.objects.filter(council=seed.council)
    assert set(visits.values_list("site__code", flat=True)) == {
        "oral-school-9",
        "oral-school-32",
        "wko-school-hearing-impaired",
    }
    hearing = visits.get(site__code="wko-school-hearing-impaired")
    assert hearing.checklist.filter(is_accessibility=True).count() == 8
    assert hearing.recommendations.get().finding is not None
    letters = m.Letter.objects.filter(council=seed.council, addressee__code="mazhilis")
    assert letters.count() == 6
    assert m.LetterReply.objects.filter(letter__in=letters).count() == 1


def test_the_whole_council_demo_loads_twice_with_the_follow_up_on_the_seed_meeting() -> None:
    from kopir.council import demo as council_demo

    directory_demo.load()
    accounts_demo.load()
    council_demo.load()
    first = _snapshot()

    council_demo.load()

    assert _snapshot() == first
    council = m.Council.objects.get(slug="wko-social")
    seed = council.meetings.filter(status=m.MeetingStatus.HELD).order_by("-starts_at").first()
    assert seed is not None
    assert m.Minutes.objects.get(meeting=seed).is_locked
    assert (
        m.Recommendation.objects.filter(
            council=council, decision__agenda_item__meeting=seed
        ).count()
        == 5
    )
    assert m.Recommendation.objects.filter(council=council, escalated_on__isnull=False).exists()
    assert m.Letter.objects.filter(council=council, addressee__code="mazhilis").count() == 6
    assert m.MonitoringVisit.objects.filter(
        council=council, site__code="wko-school-hearing-impaired"
    ).exists()
