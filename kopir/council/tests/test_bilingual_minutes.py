"""Bilingual minutes in fact: every text the secretary enters is kept in Kazakh and Russian, each
document uses its own language's texts, signing waits for both, and the signatures never stand
alone on the PDF's last page. Also the rapporteur chosen, not typed, and the item page's open forms."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from pypdf import PdfReader

from kopir.accounts.models import User
from kopir.council import models as m
from kopir.council.services import documents
from kopir.council.services.minutes import TextsMissing, minutes_assemble, minutes_sign
from kopir.council.services.minutes_texts import meeting_texts, missing_texts
from kopir.council.services.votes import vote_annul
from kopir.council.tests.factories import MeetingFactory, MemberFactory, VoteFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import approve_minutes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """Messages read in English, and pages asked for at /en/ addresses (reverse follows it)."""
    with translation.override("en"):
        yield


# What the secretary typed for meeting № 7 (fixtures_followup.held_meeting and `recommendation`).
KAZAKH_TEXTS = (
    "Орал қ., «Көзі көрмейтіндер қоғамы» филиалы",
    "Жеке оңалту бағдарламасының өзекті мәселелері",
    "басшының орынбасары",
    "Сырттай ресімдеу жүйесі әлі жетілмеген.",
    "Квота бойынша жұмысқа орналастыру жоспары әзірленді.",
    "Ұсынымдарды бекіту",
    "Ұсынымдар жергілікті атқарушы органдарға жіберілсін.",
    "Мүгедектігі бар адамдарды жұмысқа орналастыру квотасының орындалуын қамтамасыз ету.",
)
RUSSIAN_TEXTS = (
    "г. Уральск, филиал «Общества слепых»",
    "Актуальные вопросы индивидуальной программы реабилитации",
    "заместитель руководителя",
    "Система заочного оформления ещё не доработана.",
    "Разработан план трудоустройства по квоте.",
    "Утверждение рекомендаций",
    "Направить рекомендации местным исполнительным органам.",
    "Обеспечить выполнение квоты трудоустройства лиц с инвалидностью.",
)


@pytest.fixture
def minutes(
    held_meeting: m.Meeting, recommendation: m.Recommendation, secretary: User
) -> m.Minutes:
    return minutes_assemble(actor=secretary, meeting=held_meeting)


def _context(minutes: m.Minutes, lang: str) -> dict[str, Any]:
    version = minutes.versions.order_by("-number").first()
    assert version is not None
    return documents.document_context(minutes, version, lang)


def _folded(text: str) -> str:
    """Text read back from a file with its line breaks and wrapping folded into single spaces."""
    return " ".join(text.split())


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    lines = [paragraph.text for paragraph in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return _folded("\n".join(lines))


def _pdf_text(content: bytes) -> str:
    return _folded("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.mark.parametrize("render", [documents.minutes_docx, documents.minutes_pdf])
def test_the_russian_documents_carry_the_russian_texts_and_no_kazakh_one(
    minutes: m.Minutes, render: Any
) -> None:
    reader = _docx_text if render is documents.minutes_docx else _pdf_text
    russian = reader(render(_context(minutes, "ru")))
    for text in RUSSIAN_TEXTS:
        assert _folded(text) in russian
    for text in KAZAKH_TEXTS:
        assert _folded(text) not in russian

    kazakh = reader(render(_context(minutes, "kk")))
    for text in KAZAKH_TEXTS:
        assert _folded(text) in kazakh
    for text in RUSSIAN_TEXTS:
        assert _folded(text) not in kazakh


def test_signing_is_refused_naming_each_missing_russian_text(
    held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    m.Speech.objects.filter(agenda_item__meeting=held_meeting, order=1).update(summary_ru="")
    m.Decision.objects.filter(agenda_item__meeting=held_meeting).update(text_ru="")
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)

    with pytest.raises(TextsMissing) as refusal:
        minutes_sign(actor=chair, minutes=minutes, expected_version=minutes.version)

    message = str(refusal.value)
    assert "Item 1, speech 1: what Мүше Әсел Ұланқызы said (in Russian)" in message
    assert "Item 1: decision 1 (in Russian)" in message
    assert "Item 1: title" not in message
    minutes.refresh_from_db()
    assert minutes.chair_signed_at is None
    # The Russian minutes show the gap instead of silently printing the Kazakh text.
    assert "[текст на русском языке не введён]" in str(_context(minutes, "ru")["sections"])


def test_a_typed_affiliation_and_rapporteur_are_asked_in_russian_and_printed_in_each_language(
    held_meeting: m.Meeting, secretary: User, secretary_client: Client
) -> None:
    """A member's affiliation and a rapporteur written as text (not chosen from the directory or
    the members) went into the Russian minutes in Kazakh: they have Russian halves now, the texts
    page asks for them, signing waits for them, and each minutes print their own."""
    member = m.Member.objects.filter(composition=held_meeting.composition).first()
    assert member is not None
    m.Member.objects.filter(pk=member.pk).update(
        affiliation=None, affiliation_text="Облыстық мәслихат депутаты"
    )
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    m.AgendaItem.objects.filter(pk=item.pk).update(
        rapporteur="Нұрланов Асхат, жұмыспен қамту басқармасының басшысы", rapporteur_ru=""
    )

    gaps = [(gap.pair.what, gap.lang) for gap in missing_texts(held_meeting)]
    assert gaps == [
        (f"Affiliation of member {member.full_name}", "ru"),
        ("Item 1: rapporteur", "ru"),
    ]
    typed = {
        f"member-{member.pk}-affiliation_text-ru": "Депутат областного маслихата",
        f"agendaitem-{item.pk}-rapporteur-ru": "Нурланов Асхат, руководитель управления занятости",
    }
    assert _post_texts(secretary_client, held_meeting, typed).status_code == 302
    assert missing_texts(held_meeting) == []

    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    russian = _docx_text(documents.minutes_docx(_context(minutes, "ru")))
    kazakh = _docx_text(documents.minutes_docx(_context(minutes, "kk")))
    assert "Депутат областного маслихата" in russian
    assert "Докладчик: Нурланов Асхат, руководитель управления занятости." in russian
    assert "Облыстық мәслихат депутаты" not in russian
    assert "Нұрланов" not in russian
    assert "Облыстық мәслихат депутаты" in kazakh
    assert "Баяндамашы: Нұрланов Асхат, жұмыспен қамту басқармасының басшысы." in kazakh
    assert "Депутат областного маслихата" not in kazakh


def test_an_annulled_votes_reason_is_asked_in_russian_and_each_minutes_says_its_own(
    held_meeting: m.Meeting, chair: User, secretary: User
) -> None:
    vote = m.Vote.objects.get(agenda_item__meeting=held_meeting)
    vote_annul(actor=chair, vote=vote, reason="Дауыстар қате саналды")

    gaps = [(gap.pair.what, gap.lang) for gap in missing_texts(held_meeting)]
    assert gaps == [("Item 1, vote 1: why the vote was annulled", "ru")]

    m.Vote.objects.filter(pk=vote.pk).update(annulment_reason_ru="Голоса подсчитаны с ошибкой")
    assert missing_texts(held_meeting) == []
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    russian, kazakh = (str(_context(minutes, lang)["sections"]) for lang in ("ru", "kk"))
    assert "Голоса подсчитаны с ошибкой" in russian
    assert "Дауыстар қате саналды" not in russian
    assert "Дауыстар қате саналды" in kazakh
    assert "Голоса подсчитаны с ошибкой" not in kazakh


def test_a_kazakh_gap_is_refused_too_and_the_links_lead_to_each_field(
    held_meeting: m.Meeting,
) -> None:
    m.Meeting.objects.filter(pk=held_meeting.pk).update(place="")
    gaps = missing_texts(held_meeting)
    assert [(gap.pair.what, gap.lang) for gap in gaps] == [("Place of the meeting", "kk")]
    assert gaps[0].url == f"{_texts_url(held_meeting)}#text-meeting-{held_meeting.pk}-place-kk"


def test_minutes_assembled_before_the_texts_were_filled_must_be_assembled_again(
    held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    m.Decision.objects.filter(agenda_item__meeting=held_meeting).update(text_ru="")
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    m.Decision.objects.filter(agenda_item__meeting=held_meeting).update(text_ru="Решили.")

    with pytest.raises(TextsMissing, match="Assemble them again"):
        minutes_sign(actor=chair, minutes=minutes, expected_version=minutes.version)

    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    approve_minutes(minutes, chair=chair, secretary=secretary)
    assert minutes.is_locked


def _texts_url(meeting: m.Meeting) -> str:
    return reverse("council:meeting_texts", kwargs={"slug": meeting.council.slug, "pk": meeting.pk})


def _minutes_url(meeting: m.Meeting) -> str:
    return reverse(
        "council:minutes_detail", kwargs={"slug": meeting.council.slug, "number": meeting.number}
    )


def _post_texts(client: Client, meeting: m.Meeting, typed: dict[str, str]) -> Any:
    """The meeting's texts page posted as the page fills it, with `typed` entered over it."""
    form = client.get(_texts_url(meeting)).context["form"]
    data = {name: field.initial or "" for name, field in form.fields.items()}
    return client.post(_texts_url(meeting), {**data, **typed})


def test_the_texts_page_fills_a_missing_russian_text_side_by_side(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    decision = m.Decision.objects.get(agenda_item__meeting=held_meeting)
    m.Decision.objects.filter(pk=decision.pk).update(text_ru="")
    page = secretary_client.get(_texts_url(held_meeting))
    html = page.content.decode()
    assert page.status_code == 200
    key = f"decision-{decision.pk}-text"
    assert f'id="text-{key}-kk"' in html
    assert f'id="text-{key}-ru"' in html
    assert f'lang="ru" id="text-{key}-ru"' in html or f'id="text-{key}-ru" lang="ru"' in html
    assert f'href="{_texts_url(held_meeting)}#text-{key}-ru"' in html

    saved = _post_texts(
        secretary_client,
        held_meeting,
        {f"{key}-ru": "Направить рекомендации исполнительным органам."},
    )

    assert saved.status_code == 302
    decision.refresh_from_db()
    assert decision.text_ru == "Направить рекомендации исполнительным органам."
    assert decision.text == "Ұсынымдар жергілікті атқарушы органдарға жіберілсін."
    assert missing_texts(held_meeting) == []


def test_the_texts_page_refuses_to_empty_a_required_kazakh_text(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    item = m.AgendaItem.objects.get(meeting=held_meeting)

    page = _post_texts(secretary_client, held_meeting, {f"agendaitem-{item.pk}-title-kk": ""})

    assert page.status_code == 200
    assert "Item 1: title, in kazakh: Enter the Kazakh text." in page.content.decode()
    item.refresh_from_db()
    assert item.title == "Жеке оңалту бағдарламасының өзекті мәселелері"


def test_the_minutes_page_shows_both_languages_side_by_side_and_the_gaps(
    minutes: m.Minutes, held_meeting: m.Meeting, secretary_client: Client
) -> None:
    m.Speech.objects.filter(agenda_item__meeting=held_meeting, order=1).update(summary_ru="")
    html = secretary_client.get(_minutes_url(held_meeting)).content.decode()
    assert 'class="bilingual bilingual--documents"' in html
    assert '<article class="minutes-document panel" lang="kk"' in html
    assert '<article class="minutes-document panel" lang="ru"' in html
    assert "Протокол заседания № 7" in html
    assert "№ 7 отырыстың хаттамасы" in html
    assert "Item 1, speech 1: what Мүше Әсел Ұланқызы said (in Russian)" in html


def test_each_vote_heads_its_own_rows_so_the_table_fits_one_languages_half(
    minutes: m.Minutes, held_meeting: m.Meeting, secretary_client: Client
) -> None:
    html = secretary_client.get(_minutes_url(held_meeting)).content.decode()
    tables = [part.split("</table>")[0] for part in html.split('<table class="vote-table">')[1:]]
    votes = m.Vote.objects.filter(agenda_item__meeting=held_meeting).count()

    assert votes
    assert len(tables) == 2  # one in each language's document
    for table in tables:
        # Five columns of figures under the question, which no longer takes a column of its own.
        head = table.split("</thead>")[0]
        assert head.count('scope="col"') == 5
        assert table.count('<th scope="rowgroup" colspan="5">') == votes
        assert 'scope="row"' not in table


# --- The PDF's last page ----------------------------------------------------------------------


def _long_context(paragraphs: int) -> dict[str, Any]:
    """A Russian minutes context whose one section runs `paragraphs` paragraphs long."""
    return {
        "lang": "ru",
        "title": "Протокол заседания № 7",
        "council": "Общественный совет",
        "document_title": "Протокол заседания № 7",
        "details": [{"label": "Дата", "value": "02.11.2026"}],
        "sections": [
            {
                "key": "item-1",
                "heading": "1. Вопрос",
                "votes": [],
                "blocks": [
                    {"kind": "paragraph", "text": f"Абзац {n}: " + "текст протокола " * 8}
                    for n in range(paragraphs)
                ],
            }
        ],
        "signatures": [
            {"label": "Председатель", "name": "Иванов", "status": "не подписано"},
            {"label": "Секретарь", "name": "Петров", "status": "не подписано"},
        ],
        "signatures_heading": "Подписи",
        "votes_heading": "Голосование",
        "vote_columns": [],
        "status_mark": "ПРОЕКТ",
        "is_locked": False,
        "version_number": 1,
    }


@pytest.mark.parametrize("paragraphs", [29, 30])
def test_the_last_page_of_the_pdf_never_holds_only_the_signatures(paragraphs: int) -> None:
    # With 29 and 30 such paragraphs the text just fills two pages: without keeping the closing
    # together, the signatures (29: all but their heading) went alone onto the third page.
    reader = PdfReader(io.BytesIO(documents.minutes_pdf(_long_context(paragraphs))))
    last_page = reader.pages[-1].extract_text()
    assert "Подписи" in last_page
    assert "Иванов" in last_page
    assert "Петров" in last_page
    assert "Абзац" in last_page


# --- The rapporteur ---------------------------------------------------------------------------


def _item_edit(meeting: m.Meeting, item: m.AgendaItem) -> str:
    return reverse(
        "council:agenda_item_edit",
        kwargs={"slug": meeting.council.slug, "pk": meeting.pk, "item_pk": item.pk},
    )


def _item_data(item: m.AgendaItem, **changes: str) -> dict[str, str]:
    return {
        "title": item.title,
        "title_ru": item.title_ru,
        "description": "",
        "description_ru": "",
        "rapporteur_choice": "",
        "rapporteur": "",
        "plan_item": "",
        **changes,
    }


def test_the_rapporteur_is_chosen_among_the_members_and_the_items_officials(
    held_meeting: m.Meeting, secretary_client: Client, chair: User
) -> None:
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    seat = m.Member.objects.get(account=chair)
    official = item.invited.get()
    page = secretary_client.get(_item_edit(held_meeting, item)).content.decode()
    assert f'<option value="member:{seat.pk}">Төраға Қайрат Өмірұлы</option>' in page
    assert f'value="official:{official.pk}"' in page

    response = secretary_client.post(
        _item_edit(held_meeting, item), _item_data(item, rapporteur_choice=f"member:{seat.pk}")
    )
    assert response.status_code == 302
    item.refresh_from_db()
    # The typed name goes, its Russian half with it (the texts page would ask for no rapporteur).
    assert (item.rapporteur_member, item.rapporteur, item.rapporteur_ru) == (seat, "", "")

    secretary_client.post(
        _item_edit(held_meeting, item),
        _item_data(item, rapporteur_choice=f"official:{official.pk}"),
    )
    item.refresh_from_db()
    assert (item.rapporteur_member, item.rapporteur_official) == (None, official)
    assert item.rapporteur_name == "Лауазымды Серік"


def test_a_rapporteur_who_is_not_a_member_is_refused_naming_the_field(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    stranger = MemberFactory.create(full_name="Бөтен Адам")  # a seat in another council

    page = secretary_client.post(
        _item_edit(held_meeting, item), _item_data(item, rapporteur_choice=f"member:{stranger.pk}")
    )

    assert page.status_code == 200
    assert page.context["form"].errors["rapporteur_choice"] == [
        "Choose a member of the council's composition or an official invited to the item."
    ]
    assert 'href="#id_rapporteur_choice"' in page.content.decode()
    item.refresh_from_db()
    assert item.rapporteur_member is None


def test_someone_else_as_rapporteur_needs_a_name(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    page = secretary_client.post(
        _item_edit(held_meeting, item), _item_data(item, rapporteur_choice="other")
    )
    assert page.context["form"].errors["rapporteur"] == [
        "Enter the rapporteur's name, or choose one above."
    ]
    secretary_client.post(
        _item_edit(held_meeting, item),
        _item_data(item, rapporteur_choice="other", rapporteur="Сарапшы Дәулет"),
    )
    item.refresh_from_db()
    assert (item.rapporteur_member, item.rapporteur) == (None, "Сарапшы Дәулет")


def test_a_typed_rapporteur_is_asked_in_both_languages_on_the_item_form(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    council = held_meeting.council
    planned = MeetingFactory.create(council=council, number=12)
    new_item = reverse("council:agenda_item_new", kwargs={"slug": council.slug, "pk": planned.pk})
    page = secretary_client.get(new_item).content.decode()
    russian_input = re.search(r'<input[^>]*name="rapporteur_ru"[^>]*>', page)
    assert russian_input is not None
    assert 'lang="ru"' in russian_input.group()

    # A Russian half alone is not a name: the Kazakh one is asked, as for "someone else".
    refused = secretary_client.post(
        new_item, {"title": "Квота", "rapporteur_ru": "Эксперт Даулет", "rapporteur_choice": ""}
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["rapporteur"] == [
        "Enter the rapporteur's name, or choose one above."
    ]
    assert not planned.agenda.exists()

    added = secretary_client.post(
        new_item,
        {
            "title": "Квота",
            "rapporteur_choice": "other",
            "rapporteur": "Сарапшы Дәулет",
            "rapporteur_ru": "Эксперт Даулет",
        },
    )
    assert added.status_code == 302
    item = planned.agenda.get()
    assert (item.rapporteur, item.rapporteur_ru) == ("Сарапшы Дәулет", "Эксперт Даулет")
    with translation.override("ru"):
        shown = secretary_client.get(
            reverse("council:meeting_detail", kwargs={"slug": council.slug, "pk": planned.pk})
        ).content.decode()
    assert "Эксперт Даулет" in shown
    assert "Сарапшы Дәулет" not in shown

    # The edit form shows both halves and saves a changed Russian one.
    form = secretary_client.get(_item_edit(planned, item)).context["form"]
    assert form["rapporteur_ru"].value() == "Эксперт Даулет"
    secretary_client.post(
        _item_edit(planned, item),
        _item_data(
            item,
            title="Квота",
            title_ru="",
            rapporteur_choice="other",
            rapporteur="Сарапшы Дәулет",
            rapporteur_ru="Эксперт Д. Сарапшиев",
        ),
    )
    item.refresh_from_db()
    assert (item.rapporteur, item.rapporteur_ru) == ("Сарапшы Дәулет", "Эксперт Д. Сарапшиев")


def test_the_migration_turns_typed_names_into_choices_and_keeps_the_rest(
    held_meeting: m.Meeting, chair: User
) -> None:
    migration = importlib.import_module(
        "kopir.council.migrations.0009_bilingual_minutes_texts_and_rapporteur_choice"
    )
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    other = m.AgendaItem.objects.create(
        meeting=held_meeting, order=2, title="Басқа", rapporteur="Лауазымды  серік"
    )
    third = m.AgendaItem.objects.create(
        meeting=held_meeting, order=3, title="Үшінші", rapporteur="Белгісіз Адам"
    )
    m.InvitedOfficial.objects.create(
        agenda_item=other,
        full_name="Лауазымды Серік",
        position="басшы",
        organisation=item.invited.get().organisation,
    )

    migration.rapporteur_text_to_choice(apps, None)

    item.refresh_from_db()
    other.refresh_from_db()
    third.refresh_from_db()
    assert (item.rapporteur_member, item.rapporteur) == (m.Member.objects.get(account=chair), "")
    assert other.rapporteur_official == other.invited.get()
    assert (third.rapporteur_member, third.rapporteur) == (None, "Белгісіз Адам")

    migration.rapporteur_choice_to_text(apps, None)
    item.refresh_from_db()
    assert item.rapporteur == "Төраға Қайрат Өмірұлы"


# --- The agenda item page's open forms --------------------------------------------------------


def _item_page(client: Client, item: m.AgendaItem) -> str:
    meeting = item.meeting
    url = reverse(
        "council:agenda_item_detail",
        kwargs={"slug": meeting.council.slug, "pk": meeting.pk, "item_pk": item.pk},
    )
    return client.get(url).content.decode()


def _open_summaries(html: str) -> list[str]:
    import re

    return re.findall(r"<details open><summary>([^<]+)</summary>", html)


def test_the_item_page_opens_the_forms_of_the_current_step(
    held_meeting: m.Meeting, secretary_client: Client
) -> None:
    item = m.AgendaItem.objects.get(meeting=held_meeting)
    # Meeting № 7 is held, its vote closed and its decision recorded: nothing left open.
    assert _open_summaries(_item_page(secretary_client, item)) == []

    fresh = m.AgendaItem.objects.create(meeting=held_meeting, order=2, title="Жаңа мәселе")
    assert _open_summaries(_item_page(secretary_client, fresh)) == ["Record a speech or an answer"]

    m.Speech.objects.create(agenda_item=fresh, order=1, speaker="Біреу", summary="Айтты.")
    assert _open_summaries(_item_page(secretary_client, fresh)) == [
        "Record a speech or an answer",
        "Open a vote",
    ]

    m.Decision.objects.filter(agenda_item=item).delete()
    assert _open_summaries(_item_page(secretary_client, item)) == ["Record a decision"]

    m.Meeting.objects.filter(pk=held_meeting.pk).update(
        status=m.MeetingStatus.PLANNED, starts_at=timezone.now() + dt.timedelta(days=3)
    )
    assert _open_summaries(_item_page(secretary_client, fresh)) == [
        "Invite an official",
        "Attach a material",
    ]


def test_the_recommendation_page_shows_its_text_in_both_languages(
    recommendation: m.Recommendation, secretary_client: Client
) -> None:
    url = reverse(
        "council:recommendation_detail",
        kwargs={"slug": recommendation.council.slug, "pk": recommendation.pk},
    )
    html = secretary_client.get(url).content.decode()
    assert f'<blockquote class="panel" lang="kk"><p>{recommendation.text}</p></blockquote>' in html
    assert (
        f'<blockquote class="panel" lang="ru"><p>{recommendation.text_ru}</p></blockquote>' in html
    )


def test_each_text_on_the_texts_page_has_its_own_label(held_meeting: m.Meeting) -> None:
    """The official invited on the item also speaks on it: the two positions were both labelled
    "Item 1: position of Лауазымды Серік"."""
    labels = [pair.what for pair in meeting_texts(held_meeting)]
    assert len(labels) == len(set(labels))
    assert "Item 1: position of Лауазымды Серік" in labels
    assert "Item 1, speech 2: position of Лауазымды Серік" in labels


def test_two_votes_on_one_item_have_each_its_own_label(held_meeting: m.Meeting) -> None:
    """An item put to the vote twice: both questions were labelled "Item 1: question put to the
    vote", on the texts page and in the list of texts missing before signing."""
    first = m.Vote.objects.get(agenda_item__meeting=held_meeting)
    VoteFactory.create(agenda_item=first.agenda_item, question="Екінші сұрақ", question_ru="")

    labels = [pair.what for pair in meeting_texts(held_meeting)]
    gaps = [(gap.pair.what, gap.lang) for gap in missing_texts(held_meeting)]

    assert [label for label in labels if "question put to the vote" in label] == [
        "Item 1, vote 1: question put to the vote",
        "Item 1, vote 2: question put to the vote",
    ]
    assert gaps == [("Item 1, vote 2: question put to the vote", "ru")]


def test_the_agenda_is_numbered_once_in_each_file(minutes: m.Minutes) -> None:
    context = _context(minutes, "kk")
    html = render_to_string("council/followup/minutes_document.html", context)
    assert '<ol><li value="1">Жеке оңалту бағдарламасының өзекті мәселелері</li></ol>' in html
    document = Document(io.BytesIO(documents.minutes_docx(context)))
    numbered = [
        p
        for p in document.paragraphs
        if p.text == "1. Жеке оңалту бағдарламасының өзекті мәселелері"
    ]
    assert numbered
    assert all(p.style is not None and p.style.name != "List Bullet" for p in numbered)


def test_the_minutes_page_names_the_languages_in_the_pages_language(
    minutes: m.Minutes, held_meeting: m.Meeting, secretary_client: Client
) -> None:
    with translation.override("kk"):
        page = secretary_client.get(_minutes_url(held_meeting)).content.decode()
    # The list of the minutes' actions: the downloads in each language, and the edit links.
    (actions,) = [
        block.split("</ul>")[0]
        for block in page.split('<ul class="actions">')[1:]
        if "DOCX" in block.split("</ul>")[0]
    ]
    assert "Русский" not in actions
    assert "Қазақша" not in actions
    assert "DOCX файлын орысша жүктеп алу" in actions
    assert "Мәтінді өңдеу: Орыс тілі" in page
