"""The minutes: assembled from the meeting, edited as versions, signed by chair and secretary,
then locked for good."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import User
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.council import models as m
from kopir.council.services.minutes import (
    MinutesLocked,
    minutes_assemble,
    minutes_sign,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import approve_minutes, edit_minutes

pytestmark = pytest.mark.django_db


def _text(body: dict, key: str) -> str:
    return next(section["text"] for section in body["sections"] if section["key"] == key)


def _assembled(held_meeting: m.Meeting, secretary: User) -> m.Minutes:
    return minutes_assemble(actor=secretary, meeting=held_meeting)


def test_assembling_writes_both_languages_from_the_meetings_records(
    held_meeting: m.Meeting, secretary: User, recommendation: m.Recommendation
) -> None:
    minutes = _assembled(held_meeting, secretary)

    version = minutes.versions.get()
    kk, ru = version.body_kk, version.body_ru
    assert kk["title"] == "№ 7 отырыстың хаттамасы"
    assert ru["title"] == "Протокол заседания № 7"
    attendance = _text(kk, "attendance")
    assert "Төраға Қайрат Өмірұлы — кеңес төрағасы" in attendance
    assert "Қонақ Айбек" in attendance
    assert "Лауазымды Серік — басшының орынбасары" in attendance
    assert "Кворум бар" in _text(kk, "quorum")
    assert "Кворум имеется" in _text(ru, "quorum")
    item = _text(kk, "item-1")
    assert "Баяндамашы: Төраға Қайрат Өмірұлы." in item
    assert "Сырттай ресімдеу жүйесі әлі жетілмеген." in item
    assert "Лауазымдық тұлғалардың" not in item  # the heading is "Лауазымды тұлғалардың жауаптары"
    assert "Лауазымды тұлғалардың жауаптары" in item
    assert "Ұсынымдар жергілікті атқарушы органдарға жіберілсін." in item
    vote = next(s for s in kk["sections"] if s["key"] == "item-1")["votes"][0]
    assert (vote["for"], vote["against"], vote["abstain"]) == (3, 0, 0)
    assert vote["result"] == "бірауыздан бекітілді"
    assert next(s for s in ru["sections"] if s["key"] == "item-1")["votes"][0]["result"] == (
        "единогласно утверждено"
    )
    assert recommendation.number in _text(kk, "recommendations")
    assert "Жұмыспен қамту басқармасы" in _text(kk, "recommendations")
    assert "Управление занятости" in _text(ru, "recommendations")
    assert minutes.status == m.MinutesStatus.DRAFT


def test_only_the_secretary_assembles_the_minutes(held_meeting: m.Meeting, member: User) -> None:
    with pytest.raises(AccessDenied):
        minutes_assemble(actor=member, meeting=held_meeting)
    assert not m.Minutes.objects.exists()


def test_a_cancelled_or_future_meeting_has_no_minutes(
    held_meeting: m.Meeting, secretary: User
) -> None:
    held_meeting.status = m.MeetingStatus.CANCELLED
    held_meeting.save()
    with pytest.raises(DomainError):
        minutes_assemble(actor=secretary, meeting=held_meeting)
    held_meeting.status = m.MeetingStatus.PLANNED
    held_meeting.starts_at = timezone.now() + dt.timedelta(days=3)
    held_meeting.save()
    with pytest.raises(DomainError):
        minutes_assemble(actor=secretary, meeting=held_meeting)


def test_each_edit_is_a_new_version_and_leaves_the_other_language_alone(
    held_meeting: m.Meeting, secretary: User
) -> None:
    minutes = _assembled(held_meeting, secretary)
    before = minutes.versions.get()

    version = edit_minutes(
        minutes,
        secretary,
        "Кворум бар: барлық мүше қатысты.",
        note="кворум мәтіні нақтыланды",
    )

    assert version.number == 2
    assert version.note == "кворум мәтіні нақтыланды"
    assert _text(version.body_kk, "quorum") == "Кворум бар: барлық мүше қатысты."
    assert version.body_ru == before.body_ru
    assert _text(m.MinutesVersion.objects.get(pk=before.pk).body_kk, "quorum") != (
        "Кворум бар: барлық мүше қатысты."
    )


def test_an_edit_from_a_stale_page_is_refused_and_saves_nothing(
    held_meeting: m.Meeting, secretary: User
) -> None:
    minutes = _assembled(held_meeting, secretary)
    stale = minutes.version
    edit_minutes(minutes, secretary, "Первая правка", lang="ru", note="1", expected_version=stale)

    with pytest.raises(ConflictError):
        edit_minutes(
            minutes, secretary, "Вторая правка", lang="ru", note="2", expected_version=stale
        )
    assert minutes.versions.count() == 2


def test_the_chair_and_the_secretary_sign_and_the_second_signature_locks(
    held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    minutes = _assembled(held_meeting, secretary)
    minutes_sign(actor=chair, minutes=minutes, expected_version=minutes.version)
    assert minutes.status == m.MinutesStatus.DRAFT
    assert minutes.approved_by_chair == chair

    minutes_sign(actor=secretary, minutes=minutes, expected_version=minutes.version)

    minutes.refresh_from_db()
    assert minutes.status == m.MinutesStatus.APPROVED
    assert minutes.is_locked
    assert minutes.approved_by_secretary == secretary


def test_an_edit_removes_a_signature_already_given(
    held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    minutes = _assembled(held_meeting, secretary)
    minutes_sign(actor=chair, minutes=minutes, expected_version=minutes.version)
    edit_minutes(minutes, secretary, "Өзгертілді")
    minutes.refresh_from_db()
    assert minutes.approved_by_chair is None
    assert minutes.chair_signed_at is None


def test_a_member_who_is_not_the_chair_cannot_sign(
    held_meeting: m.Meeting, secretary: User, member: User
) -> None:
    minutes = _assembled(held_meeting, secretary)
    with pytest.raises(AccessDenied):
        minutes_sign(actor=member, minutes=minutes, expected_version=minutes.version)


def test_nobody_signs_twice(held_meeting: m.Meeting, secretary: User) -> None:
    minutes = _assembled(held_meeting, secretary)
    minutes_sign(actor=secretary, minutes=minutes, expected_version=minutes.version)
    with pytest.raises(DomainError):
        minutes_sign(actor=secretary, minutes=minutes, expected_version=minutes.version)
    assert not minutes.is_locked


@pytest.fixture
def locked(held_meeting: m.Meeting, secretary: User, chair: User) -> m.Minutes:
    return approve_minutes(_assembled(held_meeting, secretary), chair=chair, secretary=secretary)


def test_locked_minutes_refuse_every_change_including_reassembly(
    locked: m.Minutes, held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    body = locked.versions.get().body_kk
    with translation.override("en"), pytest.raises(MinutesLocked, match="approved and locked"):
        edit_minutes(locked, secretary, "Жасырын өзгеріс", note="x")
    with pytest.raises(MinutesLocked):
        minutes_assemble(actor=secretary, meeting=held_meeting)
    with pytest.raises(MinutesLocked):
        minutes_sign(actor=chair, minutes=locked, expected_version=locked.version)

    assert locked.versions.count() == 1
    assert locked.versions.get().body_kk == body
    locked.refresh_from_db()
    assert locked.status == m.MinutesStatus.APPROVED


# --- Pages ---------------------------------------------------------------------------------------


def _url(name: str, meeting: m.Meeting, **kwargs: object) -> str:
    return reverse(name, kwargs={"slug": meeting.council.slug, "number": meeting.number, **kwargs})


def _page(client: Client, url: str) -> str:
    return client.get(url).content.decode()


def test_the_secretary_assembles_edits_and_reads_the_minutes_in_both_languages(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    assert secretary_client.post(_url("council:minutes_assemble", held_meeting)).status_code == 302

    page = secretary_client.get(_url("council:minutes_detail", held_meeting) + "?lang=ru")
    assert page.status_code == 200
    assert "Протокол заседания № 7" in page.content.decode()
    assert 'lang="ru"' in page.content.decode()

    edit_url = _url("council:minutes_edit", held_meeting, lang="kk")
    form = secretary_client.get(edit_url)
    assert form.status_code == 200
    version = m.Minutes.objects.get().version
    saved = secretary_client.post(
        edit_url,
        {"section_quorum": "Кворум бар (түзетілді).", "note": "түзету", "version": version},
    )
    assert saved.status_code == 302
    history = secretary_client.get(_url("council:minutes_versions", held_meeting))
    assert "түзету" in history.content.decode()
    diff = secretary_client.get(
        _url("council:minutes_version", held_meeting, version=2) + "?lang=kk"
    )
    content = diff.content.decode()
    assert "<ins>" in content
    assert "<del>" in content
    assert "Кворум бар (түзетілді)." in content


def test_a_stale_edit_page_keeps_the_secretarys_text_and_says_why(
    held_meeting: m.Meeting, secretary: User, secretary_client: Client
) -> None:
    minutes = _assembled(held_meeting, secretary)
    stale = minutes.version
    edit_minutes(minutes, secretary, "Басқа адамның өзгерісі", note="1", expected_version=stale)

    response = secretary_client.post(
        _url("council:minutes_edit", held_meeting, lang="kk"),
        {"section_quorum": "Менің мәтінім", "note": "2", "version": stale},
    )

    assert response.status_code == 409
    assert "Менің мәтінім" in response.content.decode()
    assert minutes.versions.count() == 2


def test_a_member_reads_the_minutes_but_cannot_edit_or_assemble(
    held_meeting: m.Meeting, secretary: User, member_client: Client
) -> None:
    _assembled(held_meeting, secretary)
    assert member_client.get(_url("council:minutes_detail", held_meeting)).status_code == 200
    assert member_client.get(_url("council:minutes_versions", held_meeting)).status_code == 200
    assert (
        member_client.get(_url("council:minutes_edit", held_meeting, lang="kk")).status_code == 403
    )
    assert member_client.post(_url("council:minutes_assemble", held_meeting)).status_code == 403
    assert (
        member_client.post(_url("council:minutes_sign", held_meeting), {"version": 1}).status_code
        == 403
    )


def test_the_chair_signs_through_the_page(
    held_meeting: m.Meeting, secretary: User, chair_client: Client
) -> None:
    minutes = _assembled(held_meeting, secretary)
    unconfirmed = chair_client.post(
        _url("council:minutes_sign", held_meeting), {"version": minutes.version}
    )
    minutes.refresh_from_db()
    assert unconfirmed.status_code == 302
    assert minutes.chair_signed_at is None  # the box was not ticked: nothing is signed
    response = chair_client.post(
        _url("council:minutes_sign", held_meeting), {"version": minutes.version, "confirm": "on"}
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    assert minutes.chair_signed_at is not None


def test_outsiders_and_anonymous_visitors_cannot_reach_the_council_minutes(
    held_meeting: m.Meeting, secretary: User, outsider_client: Client, officer_client: Client
) -> None:
    _assembled(held_meeting, secretary)
    for name in ("council:minutes_detail", "council:minutes_versions", "council:minutes_docx"):
        assert outsider_client.get(_url(name, held_meeting)).status_code == 403
        assert officer_client.get(_url(name, held_meeting)).status_code == 403
        anonymous = Client().get(_url(name, held_meeting))
        assert anonymous.status_code == 302
        assert reverse("accounts:login") in anonymous["Location"]


def test_a_locked_minute_offers_no_edit_and_the_edit_page_sends_back(
    locked: m.Minutes, held_meeting: m.Meeting, secretary_client: Client
) -> None:
    page = secretary_client.get(_url("council:minutes_detail", held_meeting)).content.decode()
    assert _url("council:minutes_edit", held_meeting, lang="kk") not in page
    response = secretary_client.get(_url("council:minutes_edit", held_meeting, lang="kk"))
    assert response.status_code == 302
    posted = secretary_client.post(_url("council:minutes_assemble", held_meeting))
    assert posted.status_code == 302
    assert locked.versions.count() == 1


def test_a_meeting_that_approves_a_new_composition_is_recorded_with_the_seats_that_sat(
    held_meeting: m.Meeting, composition: m.Composition, secretary: User
) -> None:
    from kopir.council.tests.factories import CompositionFactory, MemberFactory

    m.Composition.objects.filter(pk=composition.pk).update(status=m.CompositionStatus.SUPERSEDED)
    newer = CompositionFactory.create(council=held_meeting.council)
    MemberFactory.create(composition=newer, full_name="Жаңа Мүше Болатұлы")
    # Even if the meeting points at the new list, attendance was taken on the old seats.
    m.Meeting.objects.filter(pk=held_meeting.pk).update(composition=newer)

    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)

    body = minutes.versions.get().body_kk
    attendance = _text(body, "attendance")
    present = attendance.split("Қатыспағандар:")[0]
    assert "Төраға Қайрат Өмірұлы" in present
    assert "Жаңа Мүше Болатұлы" not in attendance
    assert _text(body, "quorum") == "Кеңестің 3 мүшесінің 3 мүшесі қатысты. Кворум бар."


def test_the_download_buttons_name_the_language_inside_the_sentence(
    held_meeting: m.Meeting, secretary: User, secretary_client: Client
) -> None:
    """The buttons read "Скачать в формате DOCX (Казахский)": the language's own name, capitalised,
    inside a Russian sentence. The edit page's heading named it so too."""
    _assembled(held_meeting, secretary)
    kazakh = _page(secretary_client, _url("council:minutes_detail", held_meeting))
    with translation.override("ru"):  # the pages' addresses under /ru/
        russian = _page(secretary_client, _url("council:minutes_detail", held_meeting))
        edit = _page(secretary_client, _url("council:minutes_edit", held_meeting, lang="kk"))

    assert "Скачать в формате DOCX на казахском<" in russian
    assert "Скачать в формате PDF на русском<" in russian
    assert "(Казахский)" not in russian
    assert "DOCX файлын қазақша жүктеп алу<" in kazakh
    assert "PDF файлын орысша жүктеп алу<" in kazakh
    assert "Редактирование протокола заседания № 7 (на казахском)" in edit
