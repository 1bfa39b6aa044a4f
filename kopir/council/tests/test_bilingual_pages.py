"""Texts kept in Kazakh and Russian shown in the reader's language on the council's pages, the
other half where that one is empty (`council_texts.bilingual_text`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import User
from kopir.council import models as m
from kopir.council.forms_meetings import VoteForm
from kopir.council.tests.factories import LetterFactory, MeetingFactory, WorkPlanFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import send_recommendation
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

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


# --- Plan topics and visit purposes -----------------------------------------------------------------

TOPIC = "Мектептердің инклюзивті білім беруге дайындығын мониторингтеу"
TOPIC_RU = "Мониторинг готовности школ к инклюзивному образованию"
PURPOSE = "Мектеп ғимаратының қолжетімділігін тексеру"
PURPOSE_RU = "Проверка доступности здания школы"


def _item_added(secretary_client: Client, plan: m.WorkPlan, planned_form: str) -> m.WorkPlanItem:
    """An item of `plan` entered on its form with its topic in both languages."""
    added = secretary_client.post(
        reverse("council:plan_item_new", args=[plan.council.slug, plan.pk]),
        {
            "quarter": "3",
            "month": "9",
            "topic": TOPIC,
            "topic_ru": TOPIC_RU,
            "planned_form": planned_form,
        },
    )
    assert added.status_code == 302
    return m.WorkPlanItem.objects.get(plan=plan)


def _plan_item_and_visit(
    council: m.Council, secretary_client: Client
) -> tuple[m.WorkPlanItem, m.MonitoringVisit]:
    """A plan item and a visit following it, each entered with both halves on its form."""
    plan = WorkPlanFactory.create(council=council, year=2026)
    item = _item_added(secretary_client, plan, planned_form="visit")
    school = OrganisationFactory.create(kind=OrganisationKind.SCHOOL, name_kk="№ 9 мектеп")
    recorded = secretary_client.post(
        reverse("council:visit_create", args=[council.slug]),
        {
            "site": school.pk,
            "visited_on": "2026-09-10",
            "purpose": PURPOSE,
            "purpose_ru": PURPOSE_RU,
            "plan_item": item.pk,
        },
    )
    assert recorded.status_code == 302
    # The public page lists an approved plan's items.
    m.WorkPlan.objects.filter(pk=plan.pk).update(status=m.PlanStatus.APPROVED)
    return item, m.MonitoringVisit.objects.get(plan_item=item)


def _each_shows_its_own_half(kazakh: str, russian: str, *texts: tuple[str, str, int]) -> None:
    """For each (Kazakh half, Russian half, times): the Russian pages show the Russian half at
    least `times` times and never the Kazakh one, and the Kazakh pages the other way round."""
    for kazakh_half, russian_half, times in texts:
        assert russian.count(russian_half) >= times, russian_half
        assert kazakh_half not in russian
        assert kazakh.count(kazakh_half) >= times, kazakh_half
        assert russian_half not in kazakh


def _pages(council: m.Council, client: Client, public: Client, lang: str, **ids: int) -> str:
    return "\n".join(
        (
            _get(client, lang, "plan_detail", council.slug, ids["plan"]),
            _get(client, lang, "visit_detail", council.slug, ids["visit"]),
            _get(client, lang, "visit_list", council.slug),
            _get(public, lang, "public_council", council.slug),
            _get(public, lang, "public_visit_list", council.slug),
        )
    )


def test_plan_topics_and_visit_purposes_are_entered_and_shown_in_both_languages(
    council: m.Council, secretary_client: Client
) -> None:
    item, visit = _plan_item_and_visit(council, secretary_client)
    assert (item.topic, item.topic_ru) == (TOPIC, TOPIC_RU)
    assert (visit.purpose, visit.purpose_ru) == (PURPOSE, PURPOSE_RU)
    ids = {"plan": item.plan_id, "visit": visit.pk}

    russian = _pages(council, secretary_client, Client(), "ru", **ids)
    kazakh = _pages(council, secretary_client, Client(), "kk", **ids)

    _each_shows_its_own_half(kazakh, russian, (TOPIC, TOPIC_RU, 3), (PURPOSE, PURPOSE_RU, 4))
    # The choice lists name the item in the reader's language too.
    with translation.override("ru"):
        form = secretary_client.get(reverse("council:visit_edit", args=[council.slug, visit.pk]))
    assert TOPIC_RU in form.content.decode()


def test_a_topic_or_purpose_without_its_russian_half_is_shown_in_kazakh_marked_as_kazakh(
    council: m.Council, secretary_client: Client
) -> None:
    item, visit = _plan_item_and_visit(council, secretary_client)
    m.WorkPlanItem.objects.filter(pk=item.pk).update(topic_ru="")
    m.MonitoringVisit.objects.filter(pk=visit.pk).update(purpose_ru="")

    russian = _pages(council, secretary_client, Client(), "ru", plan=item.plan_id, visit=visit.pk)

    assert f'<span lang="kk">{TOPIC}</span>' in russian
    assert f'<span lang="kk">{PURPOSE}</span>' in russian
    assert TOPIC_RU not in russian


# --- A work plan's title and a moved item's note ----------------------------------------------------

PLAN_TITLE = "Әлеуметтік мәселелер жөніндегі кеңестің 2026 жылғы жұмыс жоспары"
PLAN_TITLE_RU = "План работы совета по социальным вопросам на 2026 год"
MOVED_NOTE = "2027 жылдың 1-тоқсанына ауыстырылды: есептен кейін өтеді"
MOVED_NOTE_RU = "Перенесено на 1-й квартал 2027 года: состоится после отчёта"


def _moved_plan_item(council: m.Council, secretary_client: Client) -> m.WorkPlanItem:
    """A plan drafted with its title in both languages, approved, and an item of it moved with
    its note in both languages, each entered on its form."""
    drafted = secretary_client.post(
        reverse("council:plan_new", args=[council.slug]),
        {"year": "2026", "title": PLAN_TITLE, "title_ru": PLAN_TITLE_RU},
    )
    assert drafted.status_code == 302
    plan = m.WorkPlan.objects.get(council=council, year=2026)
    item = _item_added(secretary_client, plan, planned_form="hearing")
    m.WorkPlan.objects.filter(pk=plan.pk).update(status=m.PlanStatus.APPROVED)
    moved = secretary_client.post(
        reverse("council:plan_item_status", args=[council.slug, plan.pk, item.pk]),
        {"status": "moved", "note": MOVED_NOTE, "note_ru": MOVED_NOTE_RU},
    )
    assert moved.status_code == 302
    item.refresh_from_db()
    return item


def _plan_pages(council: m.Council, client: Client, lang: str, plan: int) -> str:
    return "\n".join(
        (
            _get(client, lang, "plan_list", council.slug),
            _get(client, lang, "plan_detail", council.slug, plan),
            _get(client, lang, "council_detail", council.slug),
            _get(Client(), lang, "public_council", council.slug),
        )
    )


def test_a_plan_title_and_a_moved_note_are_entered_and_shown_in_both_languages(
    council: m.Council, secretary_client: Client
) -> None:
    item = _moved_plan_item(council, secretary_client)
    assert (item.plan.title, item.plan.title_ru) == (PLAN_TITLE, PLAN_TITLE_RU)
    assert (item.moved_note, item.moved_note_ru) == (MOVED_NOTE, MOVED_NOTE_RU)

    russian = _plan_pages(council, secretary_client, "ru", item.plan_id)
    kazakh = _plan_pages(council, secretary_client, "kk", item.plan_id)

    _each_shows_its_own_half(
        kazakh, russian, (PLAN_TITLE, PLAN_TITLE_RU, 5), (MOVED_NOTE, MOVED_NOTE_RU, 2)
    )
    # The way back from an item's page names the plan in the reader's language too.
    back = _get(secretary_client, "ru", "plan_item_status", council.slug, item.plan_id, item.pk)
    assert f"Вернуться к плану «{PLAN_TITLE_RU}»" in back
    assert PLAN_TITLE not in back


def test_a_vote_that_decides_a_plan_names_it_in_the_readers_language(
    council: m.Council,
) -> None:
    plan = WorkPlanFactory.create(council=council, title=PLAN_TITLE, title_ru=PLAN_TITLE_RU)
    choices = {}
    for lang in ("kk", "ru"):
        with translation.override(lang):
            form = VoteForm(compositions=[], plans=[plan])
            choices[lang] = dict(form.fields["decides"].choices)[f"plan:{plan.pk}"]  # type: ignore[attr-defined]
    assert choices == {"kk": PLAN_TITLE, "ru": PLAN_TITLE_RU}


def test_a_plan_title_or_moved_note_without_its_russian_half_is_shown_in_kazakh_marked_as_kazakh(
    council: m.Council, secretary_client: Client
) -> None:
    item = _moved_plan_item(council, secretary_client)
    m.WorkPlan.objects.filter(pk=item.plan_id).update(title_ru="")
    m.WorkPlanItem.objects.filter(pk=item.pk).update(moved_note_ru="")

    russian = _plan_pages(council, secretary_client, "ru", item.plan_id)

    assert russian.count(f'<span lang="kk">{PLAN_TITLE}</span>') >= 4
    assert russian.count(f'<span lang="kk">{MOVED_NOTE}</span>') >= 2
    assert PLAN_TITLE_RU not in russian
    assert MOVED_NOTE_RU not in russian


# --- The language of a half shown in the other language ---------------------------------------------


def test_a_half_shown_in_another_language_than_the_pages_says_which(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    slug = held_meeting.council.slug
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    m.AgendaItem.objects.filter(pk=item.pk).update(title_ru="")
    m.Meeting.objects.filter(pk=held_meeting.pk).update(place="")
    kazakh_title = "Жеке оңалту бағдарламасының өзекті мәселелері"

    russian = _get(secretary_client, "ru", "meeting_detail", slug, held_meeting.pk)
    kazakh = _get(secretary_client, "kk", "meeting_detail", slug, held_meeting.pk)
    english = _get(secretary_client, "en", "meeting_detail", slug, held_meeting.pk)
    item_page = _get(secretary_client, "ru", "agenda_item_detail", slug, held_meeting.pk, item.pk)

    # The Kazakh half on a Russian page, the Russian half on a Kazakh one, either on English.
    assert f'<span lang="kk">{kazakh_title}</span>' in russian
    assert '<span lang="ru">г. Уральск, филиал «Общества слепых»</span>' in kazakh
    assert f'<span lang="kk">{kazakh_title}</span>' in english
    assert '<span lang="ru">г. Уральск' in english
    # A half in the page's own language needs no mark.
    assert "Утверждение рекомендаций" in russian
    assert '<span lang="ru">Утверждение' not in russian
    assert f'<span lang="kk">{kazakh_title}' not in kazakh
    # The page's <title> holds text only.
    title = item_page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert kazakh_title in title
    assert "<span" not in title


def test_a_marked_half_is_cut_and_ended_without_breaking_its_element(
    council: m.Council, recommendation: m.Recommendation, secretary_client: Client
) -> None:
    m.Recommendation.objects.filter(pk=recommendation.pk).update(text="Ұ" * 200, text_ru="")
    for number, place in ((8, "Орал қ."), (9, "Ақсай қ")):
        MeetingFactory.create(
            council=council,
            number=number,
            place=place,
            place_ru="",
            status=m.MeetingStatus.HELD,
            starts_at=dt.datetime(2026, 3, number, 10, 0, tzinfo=dt.UTC),
        )

    listing = _get(secretary_client, "ru", "recommendation_list", council.slug)
    meetings = _get(Client(), "ru", "public_meeting_list", council.slug)

    assert f'<span lang="kk">{"Ұ" * 139}…</span>' in listing
    assert '<span lang="kk">Орал қ.</span>' in meetings
    assert '<span lang="kk">Орал қ.</span>.' not in meetings
    assert '<span lang="kk">Ақсай қ</span>.' in meetings


def test_a_plain_text_gets_the_half_without_markup() -> None:
    meeting = m.Meeting(place="Орал қ. <б>", place_ru="")
    plain = Template(
        '{% load council_texts %}{% autoescape off %}{{ m|bilingual_text:"place" }}'
        "{% endautoescape %}"
    )
    html = Template('{% load council_texts %}{{ m|bilingual_text:"place" }}')
    with translation.override("ru"):
        assert plain.render(Context({"m": meeting})) == "Орал қ. <б>"
        assert html.render(Context({"m": meeting})) == '<span lang="kk">Орал қ. &lt;б&gt;</span>'
    with translation.override("kk"):
        assert html.render(Context({"m": meeting})) == "Орал қ. &lt;б&gt;"
