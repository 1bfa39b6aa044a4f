"""Fixtures for the follow-up tests (minutes, recommendations, visits, letters, public page).

Import the ones a test module needs: `from kopir.council.tests.fixtures_followup import *`.
A council with a composition in force (a chair, a secretary and a member, each with an account), a
held meeting with agenda, attendance, speeches, a unanimous vote and a decision; an executive body
with an officer, and another body's officer (the outsider organisation). The executive body and its
officer are the whole council suite's (conftest takes them by name); `signed_in` is core's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django import forms
from django.test import Client
from django.utils import timezone, translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.core.tests.fixtures import signed_in
from kopir.council import models as m
from kopir.council.models import RecommendationStatus as S
from kopir.council.services.minutes import minutes_edit, minutes_sign
from kopir.council.services.recommendations import recommendation_respond, response_review
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    CouncilFactory,
    DecisionFactory,
    MeetingFactory,
    MemberFactory,
    PetitionFactory,
    RecommendationFactory,
    VoteFactory,
)
from kopir.council.tests.rule_sets import statutory_rules as statutory_rules
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

KAZAKH_LETTERS = "ә ғ қ ң ө ұ ү һ і"

# A citizen who did not consent to be named: no public page may show any of this.
CITIZEN = {
    "name": "Жасырын Азамат Сынақұлы",
    "email": "citizen.secret@example.test",
    "phone": "+7 701 555 0199",
}

# Every fixture, helper and constant the module offers: a star import brings the fixtures into a
# test module, where pytest finds them; helpers and constants are also imported by name where used.
__all__ = [
    "CITIZEN",
    "KAZAKH_LETTERS",
    "agency",
    "agency_parent",
    "answer_recommendation",
    "answered_in_public",
    "approve_minutes",
    "assert_council_record_pages",
    "chair",
    "chair_client",
    "citizen_petition",
    "composition",
    "council",
    "decision",
    "edit_minutes",
    "english_refusals",
    "held_meeting",
    "make_recommendations",
    "member",
    "member_client",
    "officer",
    "officer_client",
    "other_agency",
    "outsider_client",
    "outsider_officer",
    "recommendation",
    "secretary",
    "secretary_client",
    "send_recommendation",
    "sent_recommendation",
    "statutory_rules",
]


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


def _seated_user(
    composition: m.Composition,
    full_name: str,
    order: int,
    position: str = m.MemberPosition.MEMBER,
    **user: Any,
) -> User:
    """An account with a seat in the composition."""
    account = UserFactory.create(**user)
    MemberFactory.create(
        composition=composition,
        full_name=full_name,
        position=position,
        account=account,
        order=order,
    )
    return account


@pytest.fixture
def secretary(council: m.Council, composition: m.Composition) -> User:
    return _seated_user(
        composition,
        "Хатшы Гүлнар Сәрсенқызы",
        2,
        m.MemberPosition.SECRETARY,
        organisation=council.organisation,
        roles=[Role.COUNCIL_SECRETARY],
    )


@pytest.fixture
def chair(composition: m.Composition) -> User:
    return _seated_user(
        composition, "Төраға Қайрат Өмірұлы", 1, m.MemberPosition.CHAIR, roles=[Role.COUNCIL_MEMBER]
    )


@pytest.fixture
def member(composition: m.Composition) -> User:
    return _seated_user(composition, "Мүше Әсел Ұланқызы", 3, roles=[Role.COUNCIL_MEMBER])


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


def _client_of(user_fixture: str) -> Callable[..., Client]:
    """A fixture: a client signed in as the user that `user_fixture` gives."""

    @pytest.fixture
    def signed_in_client(request: pytest.FixtureRequest) -> Client:
        return signed_in(Client(), request.getfixturevalue(user_fixture))

    return signed_in_client


secretary_client = _client_of("secretary")
chair_client = _client_of("chair")
member_client = _client_of("member")
officer_client = _client_of("officer")
outsider_client = _client_of("outsider_officer")


def english_refusals(
    fields: list[tuple[forms.Form, str]], choices: forms.BoundField
) -> tuple[list[str], str]:
    """The first refusal of each (form, field) of empty forms, and the first option `choices`
    offers, in English: what a form says of a field left empty."""
    with translation.override("en"):
        refusals = [str(form.errors[field][0]) for form, field in fields]
        return refusals, str(next(iter(choices)).choice_label)


def assert_council_record_pages(
    readable: Iterable[str],
    secretary_only: Iterable[str],
    *,
    secretary_client: Client,
    member_client: Client,
    outsider_client: Client,
) -> None:
    """Who opens a council register's pages: the secretary and members read them, another body's
    staff is refused and an anonymous visitor is sent to sign in; only the secretary opens the
    forms."""
    for url in readable:
        assert secretary_client.get(url).status_code == 200
        assert member_client.get(url).status_code == 200
        assert outsider_client.get(url).status_code == 403
        assert Client().get(url).status_code == 302
    for url in secretary_only:
        assert secretary_client.get(url).status_code == 200
        assert member_client.get(url).status_code == 403


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
        place_ru="г. Уральск, филиал «Общества слепых»",
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
        title_ru="Актуальные вопросы индивидуальной программы реабилитации",
        rapporteur="Төраға Қайрат Өмірұлы",
        rapporteur_ru="Председатель Кайрат Омирулы",
    )
    m.InvitedOfficial.objects.create(
        agenda_item=item,
        full_name="Лауазымды Серік",
        position="басшының орынбасары",
        position_ru="заместитель руководителя",
        organisation=agency,
    )
    m.Speech.objects.create(
        agenda_item=item,
        order=1,
        speaker="Мүше Әсел Ұланқызы",
        summary="Сырттай ресімдеу жүйесі әлі жетілмеген.",
        summary_ru="Система заочного оформления ещё не доработана.",
    )
    m.Speech.objects.create(
        agenda_item=item,
        order=2,
        speaker="Лауазымды Серік",
        speaker_position="басшының орынбасары",
        speaker_position_ru="заместитель руководителя",
        organisation=agency,
        is_official_answer=True,
        summary="Квота бойынша жұмысқа орналастыру жоспары әзірленді.",
        summary_ru="Разработан план трудоустройства по квоте.",
    )
    vote = VoteFactory.create(
        agenda_item=item,
        question="Ұсынымдарды бекіту",
        question_ru="Утверждение рекомендаций",
        kind=m.VoteKind.COUNTED,
        votes_for=3,
        result=m.VoteResult.APPROVED_UNANIMOUSLY,
        closed_at=timezone.now(),
    )
    DecisionFactory.create(
        agenda_item=item,
        vote=vote,
        text="Ұсынымдар жергілікті атқарушы органдарға жіберілсін.",
        text_ru="Направить рекомендации местным исполнительным органам.",
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
        text_ru="Обеспечить выполнение квоты трудоустройства лиц с инвалидностью.",
    )


def send_recommendation(
    recommendation: m.Recommendation, secretary: User, sent_on: dt.date = dt.date(2026, 11, 5)
) -> m.Recommendation:
    """The secretary sends the recommendation (on Thursday 5 November 2026 unless told)."""
    from kopir.council.services.recommendations import recommendation_send

    return recommendation_send(
        actor=secretary,
        recommendation=recommendation,
        expected_version=recommendation.version,
        sent_on=sent_on,
    )


def answer_recommendation(
    recommendation: m.Recommendation,
    officer: User,
    text: str,
    status: str = S.EXECUTED,
    **more: Any,
) -> m.RecommendationResponse:
    """The addressee's officer answers `recommendation` with `text`, reporting `status`
    (executed unless told)."""
    return recommendation_respond(
        actor=officer, recommendation=recommendation, text=text, reported_status=status, **more
    )


def answer_rejected_later(
    recommendation: m.Recommendation,
    officer: User,
    secretary: User,
    monkeypatch: pytest.MonkeyPatch,
    note: str,
    days: int = 40,
) -> dt.date:
    """The officer answers and the secretary rejects the answer `days` later: the date by which a
    new answer is owed, counted from the rejection (checked to be after it, and a new date)."""
    answer = answer_recommendation(recommendation, officer, "Орындалды.")
    first_due = recommendation.answer_due_on
    rejected_on = timezone.localdate() + dt.timedelta(days=days)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: rejected_on)
    response_review(
        actor=secretary, response=answer, verdict=m.ResponseVerdict.NOT_ACCEPTED, note=note
    )
    recommendation.refresh_from_db()
    due = recommendation.answer_due_on
    assert due is not None
    assert due > rejected_on
    assert due != first_due
    return due


@pytest.fixture
def sent_recommendation(recommendation: m.Recommendation, secretary: User) -> m.Recommendation:
    return send_recommendation(recommendation, secretary)


@pytest.fixture
def answered_in_public(
    council: m.Council, sent_recommendation: m.Recommendation, officer: User, secretary: User
) -> m.Recommendation:
    """The sent recommendation with a refused answer, then an accepted one, beside an unsent draft:
    what the public pages may show of it and what they may not."""
    refused = answer_recommendation(sent_recommendation, officer, "Жалтарған жауап.")
    response_review(actor=secretary, response=refused, verdict="not_accepted", note="Дәлел жоқ.")
    good = answer_recommendation(sent_recommendation, officer, "Квота толық орындалды.")
    response_review(actor=secretary, response=good, verdict="accepted")
    RecommendationFactory.create(council=council, text="Әлі жіберілмеген жоба мәтіні")
    return sent_recommendation


@pytest.fixture
def citizen_petition(council: m.Council) -> m.Petition:
    return PetitionFactory.create(
        council=council,
        petitioner_kind=m.PetitionerKind.CITIZEN,
        petitioner_name=CITIZEN["name"],
        contact_email=CITIZEN["email"],
        contact_phone=CITIZEN["phone"],
        publish_petitioner=False,
        subject="Пандус салу туралы өтініш",
        # Accepted for publication under the same title the secretary reviewed.
        publication=m.PetitionPublication.PUBLISHED,
        public_title="Пандус салу туралы өтініш",
        text=f"Менің атым {CITIZEN['name']}, телефоным {CITIZEN['phone']}.",
    )


def make_recommendations(
    council: m.Council, addressee: Organisation, count: int, **extra: Any
) -> list[m.Recommendation]:
    return [
        RecommendationFactory.create(council=council, addressee=addressee, **extra)
        for _ in range(count)
    ]


def edit_minutes(
    minutes: m.Minutes,
    secretary: User,
    quorum: str,
    *,
    lang: str = "kk",
    note: str = "түзету",
    expected_version: int | None = None,
) -> m.MinutesVersion:
    """The secretary rewrites the quorum section, by default on the version stored now."""
    return minutes_edit(
        actor=secretary,
        minutes=minutes,
        expected_version=minutes.version if expected_version is None else expected_version,
        lang=lang,
        section_texts={"quorum": quorum},
        note=note,
    )


def approve_minutes(minutes: m.Minutes, *, chair: User, secretary: User) -> m.Minutes:
    """Both signatures: the chair's, then the secretary's, which approves and locks the minutes."""
    for signer in (chair, secretary):
        minutes_sign(actor=signer, minutes=minutes, expected_version=minutes.version)
    return minutes
