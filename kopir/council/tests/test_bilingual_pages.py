"""Texts kept in Kazakh and Russian shown in the reader's language on the council's pages, the
other half where that one is empty (`council_texts.bilingual_text`)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import User
from kopir.council import models as m
from kopir.council.tests.factories import LetterFactory, MeetingFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import send_recommendation

pytestmark = pytest.mark.django_db


def _get(client: Client, language: str, name: str, *args: object) -> str:
    with translation.override(language):
        response = client.get(reverse(f"council:{name}", args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_the_russian_meeting_and_item_pages_show_the_russian_texts(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    slug = held_meeting.council.slug
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    meeting_page = _get(secretary_client, "ru", "meeting_detail", slug, held_meeting.pk)
    item_page = _get(secretary_client, "ru", "agenda_item_detail", slug, held_meeting.pk, item.pk)

    for page in (meeting_page, item_page):
        assert "Актуальные вопросы индивидуальной программы реабилитации" in page
        assert "Утверждение рекомендаций" in page
        assert "заместитель руководителя" in page
        assert "Жеке оңалту бағдарламасының" not in page
        assert "Ұсынымдарды бекіту" not in page
        assert "басшының орынбасары" not in page
    assert "г. Уральск, филиал «Общества слепых»" in meeting_page
    assert "Председатель Кайрат Омирулы" in meeting_page
    assert "Направить рекомендации местным исполнительным органам." in item_page
    assert "Разработан план трудоустройства по квоте." in item_page
    assert "Ұсынымдар жергілікті атқарушы органдарға жіберілсін." not in item_page

    kazakh = _get(secretary_client, "kk", "meeting_detail", slug, held_meeting.pk)
    assert "Жеке оңалту бағдарламасының өзекті мәселелері" in kazakh
    assert "Актуальные вопросы" not in kazakh


def test_a_text_without_its_russian_half_is_shown_in_kazakh(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    m.AgendaItem.objects.filter(meeting=held_meeting).update(title_ru="")
    page = _get(
        secretary_client, "ru", "meeting_detail", held_meeting.council.slug, held_meeting.pk
    )
    assert "Жеке оңалту бағдарламасының өзекті мәселелері" in page


def test_the_russian_public_page_shows_the_russian_texts(
    council: m.Council,
    held_meeting: m.Meeting,
    recommendation: m.Recommendation,
    secretary: User,
) -> None:
    send_recommendation(recommendation, secretary)
    LetterFactory.create(
        council=council,
        number="2026/3",
        subject="Отбасы кодексіне түзетулер",
        subject_ru="Поправки в Кодекс о семье",
    )
    MeetingFactory.create(council=council, number=8, place="Орал қ.", place_ru="г. Уральск")
    member = m.Member.objects.filter(composition__council=council).first()
    assert member is not None
    m.Member.objects.filter(pk=member.pk).update(
        affiliation=None,
        affiliation_text="Облыстық мәслихат депутаты",
        affiliation_text_ru="Депутат областного маслихата",
    )

    page = _get(Client(), "ru", "public_council", council.slug)

    assert "Обеспечить выполнение квоты трудоустройства лиц с инвалидностью." in page
    assert recommendation.text not in page
    assert "Поправки в Кодекс о семье" in page
    assert "Отбасы кодексіне түзетулер" not in page
    assert "г. Уральск" in page
    assert "Орал қ." not in page
    assert "Депутат областного маслихата" in page
    assert "Облыстық мәслихат депутаты" not in page


def test_the_public_meetings_list_ends_a_place_with_one_full_stop(
    council: m.Council, held_meeting: m.Meeting
) -> None:
    m.Meeting.objects.filter(pk=held_meeting.pk).update(place="Орал қ.", place_ru="г. Уральск")

    kazakh = _get(Client(), "kk", "public_meeting_list", council.slug)
    russian = _get(Client(), "ru", "public_meeting_list", council.slug)

    assert "Орал қ.." not in kazakh
    assert "Орал қ." in kazakh
    assert "г. Уральск." in russian
