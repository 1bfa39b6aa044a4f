"""Fixtures for the follow-up tests (minutes, recommendations, visits, letters, public page).

Import the ones a test module needs: `from kopir.council.tests.fixtures_followup import *`.
A council with a composition in force (chair, secretary's seat, two members), its secretary, a
held meeting with agenda, attendance, speeches, a unanimous vote and a decision; an executive body
with an officer, and another body's officer (the outsider organisation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.council import models as m
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    CouncilFactory,
    DecisionFactory,
    MeetingFactory,
    MemberFactory,
    RecommendationFactory,
    RuleSetFactory,
    VoteFactory,
)
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і"

__all__ = [
    "KAZAKH_LETTERS",
    "_followup_settings",
    "agency",
    "agency_parent",
    "chair",
    "chair_client",
    "composition",
    "council",
    "decision",
    "held_meeting",
    "member",
    "member_client",
    "officer",
    "officer_client",
    "other_agency",
    "outsider_client",
    "outsider_officer",
    "party_rules",
    "recommendation",
    "secretary",
    "secretary_client",
    "sent_recommendation",
    "signed_in",
    "statutory_rules",
]


@pytest.fixture(autouse=True)
def _followup_settings(settings: Any, tmp_path: Any) -> None:
    # These tests are about the council's work, not the second factor (accounts tests that).
    settings.KOPIR_REQUIRE_2FA = False
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def statutory_rules(db: None) -> m.RecommendationRuleSet:
    return RuleSetFactory.create()


@pytest.fixture
def party_rules(db: None) -> m.RecommendationRuleSet:
    return RuleSetFactory.create(
        code="party-council",
        name_kk="Партия кеңесінің ережесі",
        name_ru="Правило совета при партии",
        name_en="Party council rule",
        legal_source="",
        send_within_working_days=None,
        answer_within_working_days=None,
        answer_within_calendar_days=30,
        remind_days_before=5,
        is_statutory=False,
    )


@pytest.fixture
def council(statutory_rules: m.RecommendationRuleSet) -> m.Council:
    return CouncilFactory.create(
        slug="wko-social-test",
        recommendation_rule_set=statutory_rules,
        organisation__name_kk="Әлеуметтік мәселелер жөніндегі қоғамдық кеңес",
        organisation__name_ru="Общественный совет по социальным вопросам",
        organisation__name_en="Public Council on Social Issues",
    )


@pytest.fixture
def composition(council: m.Council) -> m.Composition:
    return CompositionFactory.create(council=council)


@pytest.fixture
def secretary(council: m.Council, composition: m.Composition) -> User:
    user = UserFactory.create(organisation=council.organisation, roles=[Role.COUNCIL_SECRETARY])
    MemberFactory.create(
        composition=composition,
        full_name="Хатшы Гүлнар Сәрсенқызы",
        position=m.MemberPosition.SECRETARY,
        account=user,
        order=2,
    )
    return user


@pytest.fixture
def chair(composition: m.Composition) -> User:
    user = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    MemberFactory.create(
        composition=composition,
        full_name="Төраға Қайрат Өмірұлы",
        position=m.MemberPosition.CHAIR,
        account=user,
        order=1,
    )
    return user


@pytest.fixture
def member(composition: m.Composition) -> User:
    user = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    MemberFactory.create(
        composition=composition, full_name="Мүше Әсел Ұланқызы", account=user, order=3
    )
    return user


@pytest.fixture
def agency_parent(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.AKIMAT, name_kk="Облыс әкімдігі", email="akimat@example.test"
    )


@pytest.fixture
def agency(agency_parent: Organisation) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.EMPLOYMENT_SOCIAL,
        name_kk="Жұмыспен қамту басқармасы",
        name_ru="Управление занятости",
        email="employment@example.test",
        parent=agency_parent,
    )


@pytest.fixture
def other_agency(db: None) -> Organisation:
    return OrganisationFactory.create(
        kind=OrganisationKind.HEALTH_OFFICE, name_kk="Денсаулық сақтау басқармасы"
    )


@pytest.fixture
def officer(agency: Organisation) -> User:
    return UserFactory.create(organisation=agency, roles=[Role.AGENCY_OFFICER])


@pytest.fixture
def outsider_officer(other_agency: Organisation) -> User:
    return UserFactory.create(organisation=other_agency, roles=[Role.AGENCY_OFFICER])


@pytest.fixture
def secretary_client(secretary: User) -> Client:
    return signed_in(secretary)


@pytest.fixture
def chair_client(chair: User) -> Client:
    return signed_in(chair)


@pytest.fixture
def member_client(member: User) -> Client:
    return signed_in(member)


@pytest.fixture
def officer_client(officer: User) -> Client:
    return signed_in(officer)


@pytest.fixture
def outsider_client(outsider_officer: User) -> Client:
    return signed_in(outsider_officer)


@pytest.fixture
def held_meeting(
    council: m.Council,
    composition: m.Composition,
    chair: User,
    secretary: User,
    member: User,
    agency: Organisation,
) -> m.Meeting:
    """Meeting № 7, held on 2 November 2026, with one item carrying everything the minutes show."""
    meeting = MeetingFactory.create(
        council=council,
        number=7,
        starts_at=dt.datetime(2026, 11, 2, 11, 0, tzinfo=dt.UTC),
        status=m.MeetingStatus.HELD,
        place="Орал қ., «Көзі көрмейтіндер қоғамы» филиалы",
        composition=composition,
    )
    for seat in composition.members.all():
        m.Attendance.objects.create(
            meeting=meeting, member=seat, status=m.AttendanceStatus.IN_PERSON
        )
    m.Attendance.objects.create(
        meeting=meeting,
        guest_name="Қонақ Айбек",
        guest_organisation=agency,
        status=m.AttendanceStatus.GUEST,
    )
    item = AgendaItemFactory.create(
        meeting=meeting,
        order=1,
        title="Жеке оңалту бағдарламасының өзекті мәселелері",
        rapporteur="Төраға Қайрат Өмірұлы",
    )
    m.InvitedOfficial.objects.create(
        agenda_item=item,
        full_name="Лауазымды Серік",
        position="басшының орынбасары",
        organisation=agency,
    )
    m.Speech.objects.create(
        agenda_item=item,
        order=1,
        speaker="Мүше Әсел Ұланқызы",
        summary="Сырттай ресімдеу жүйесі әлі жетілмеген.",
    )
    m.Speech.objects.create(
        agenda_item=item,
        order=2,
        speaker="Лауазымды Серік",
        speaker_position="басшының орынбасары",
        organisation=agency,
        is_official_answer=True,
        summary="Квота бойынша жұмысқа орналастыру жоспары әзірленді.",
    )
    vote = VoteFactory.create(
        agenda_item=item,
        question="Ұсынымдарды бекіту",
        kind=m.VoteKind.COUNTED,
        votes_for=3,
        result=m.VoteResult.APPROVED_UNANIMOUSLY,
        closed_at=timezone.now(),
    )
    DecisionFactory.create(
        agenda_item=item, vote=vote, text="Ұсынымдар жергілікті атқарушы органдарға жіберілсін."
    )
    return meeting


@pytest.fixture
def decision(held_meeting: m.Meeting) -> m.Decision:
    return m.Decision.objects.get(agenda_item__meeting=held_meeting)


@pytest.fixture
def recommendation(
    council: m.Council, decision: m.Decision, agency: Organisation, secretary: User
) -> m.Recommendation:
    from kopir.council.services.recommendations import recommendation_create

    return recommendation_create(
        actor=secretary,
        council=council,
        addressee=agency,
        decision=decision,
        text="Мүгедектігі бар адамдарды жұмысқа орналастыру квотасының орындалуын қамтамасыз ету.",
    )


@pytest.fixture
def sent_recommendation(recommendation: m.Recommendation, secretary: User) -> m.Recommendation:
    from kopir.council.services.recommendations import recommendation_send

    return recommendation_send(
        actor=secretary,
        recommendation=recommendation,
        expected_version=recommendation.version,
        sent_on=dt.date(2026, 11, 5),
    )


def make_recommendations(
    council: m.Council, addressee: Organisation, count: int, **extra: Any
) -> list[m.Recommendation]:
    return [
        RecommendationFactory.create(council=council, addressee=addressee, **extra)
        for _ in range(count)
    ]
