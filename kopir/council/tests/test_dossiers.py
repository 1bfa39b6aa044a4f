"""Dossiers: one timeline per problem on fixture data, links both ways, who may read and change
them, the audit of the petitions they show, the kk/ru files read back, the query budget, and
merging."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from docx import Document
from pypdf import PdfReader

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.registry import CitationSource, CitedTable, registry
from kopir.core.tests.queries import page_queries
from kopir.council import models as m
from kopir.council.forms_dossiers import DossierFindForm
from kopir.council.selectors import dossiers as selectors
from kopir.council.services.dossiers import (
    dossier_add_record,
    dossier_merge,
    dossier_open,
    dossier_remove_record,
    dossier_update,
)
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CouncilFactory,
    DecisionFactory,
    LetterFactory,
    MeetingFactory,
    MonitoringVisitFactory,
    PetitionFactory,
    RecommendationFactory,
    VoteFactory,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import english_refusals
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db

PETITIONER = "Жасырын Өтініш Берушы Сынақұлы"
PETITION_SUBJECT = "Сырттай куәландыруда көзі көрмейтіндерге кедергілер"
ITEM_TITLE = "Көзі көрмейтін адамдарды сырттай куәландыру"
ITEM_TITLE_RU = "Заочное освидетельствование незрячих"
DECISION = "Әкімдікке жұмыс тобын құру ұсынылсын."
DECISION_RU = "Рекомендовать акимату создать рабочую группу."
RECOMMENDATION = "Брайль қарпімен хабарламалар жіберу."
RECOMMENDATION_RU = "Направлять уведомления шрифтом Брайля."
VISIT_PURPOSE = "Емхананың қолжетімділігін тексеру"
VISIT_PURPOSE_RU = "Проверка доступности поликлиники"
LETTER_SUBJECT = "Брайль қарпі туралы хат"
LETTER_SUBJECT_RU = "Письмо о шрифте Брайля"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def problem(
    council: m.Council, secretary: User, agency: Organisation, officer: User
) -> dict[str, Any]:
    """One problem's records, with dates a reader can order by hand, and records of the same
    council that are not about it."""
    petition = PetitionFactory.create(
        council=council,
        number="Ө-2026-0007",
        petitioner_kind=m.PetitionerKind.CITIZEN,
        petitioner_name=PETITIONER,
        subject=PETITION_SUBJECT,
        contact_language="kk",
        received_on=dt.date(2026, 3, 2),
        answer_due_on=dt.date(2026, 4, 1),
        answered_on=dt.date(2026, 5, 20),
    )
    meeting = MeetingFactory.create(
        council=council,
        number=4,
        starts_at=_at(dt.date(2026, 4, 15), 10),
        status=m.MeetingStatus.HELD,
    )
    item = AgendaItemFactory.create(
        meeting=meeting, order=2, petition=petition, title=ITEM_TITLE, title_ru=ITEM_TITLE_RU
    )
    vote = VoteFactory.create(
        agenda_item=item,
        question="Шешімді қабылдау",
        question_ru="Принять решение",
        kind=m.VoteKind.COUNTED,
        votes_for=7,
        votes_against=1,
        votes_abstain=2,
        result=m.VoteResult.APPROVED,
        closed_at=_at(dt.date(2026, 4, 15), 11),
    )
    decision = DecisionFactory.create(
        agenda_item=item, vote=vote, text=DECISION, text_ru=DECISION_RU
    )
    from_item = RecommendationFactory.create(
        council=council,
        number="2026-004",
        decision=decision,
        addressee=agency,
        text=RECOMMENDATION,
        text_ru=RECOMMENDATION_RU,
        status=m.RecommendationStatus.SENT,
        sent_on=dt.date(2026, 4, 20),
    )
    answer = m.RecommendationResponse.objects.create(
        recommendation=from_item,
        author=officer,
        text="Хабарламалар Брайль қарпімен жіберіле бастады.",
        reported_status=m.RecommendationStatus.EXECUTED,
    )
    m.RecommendationResponse.objects.filter(pk=answer.pk).update(
        submitted_at=_at(dt.date(2026, 5, 5), 9)
    )
    visit = MonitoringVisitFactory.create(
        council=council,
        visited_on=dt.date(2026, 3, 25),
        purpose=VISIT_PURPOSE,
        purpose_ru=VISIT_PURPOSE_RU,
        site__name_kk="№ 3 қалалық емхана",
        site__name_ru="Городская поликлиника № 3",
    )
    from_visit = RecommendationFactory.create(
        council=council,
        number="2026-002",
        visit=visit,
        addressee=agency,
        text="Пандус салу.",
        text_ru="Построить пандус.",
    )
    letter = LetterFactory.create(
        council=council,
        number="2026/9",
        sent_on=dt.date(2026, 5, 10),
        addressee=agency,
        subject=LETTER_SUBJECT,
        subject_ru=LETTER_SUBJECT_RU,
    )
    letter.recommendations.add(from_item)
    reply = m.LetterReply.objects.create(
        letter=letter, received_on=dt.date(2026, 5, 18), from_whom="Әкімдік", summary="Жауап"
    )
    dossier = dossier_open(
        actor=secretary,
        council=council,
        title="Көзі көрмейтіндерге сырттай МӘС",
        title_ru="Заочная МСЭ для незрячих",
        description="Хабарламалар оқылмайды.",
        description_ru="Уведомления недоступны.",
        petition=petition,
    )
    dossier_add_record(actor=secretary, dossier=dossier, kind="visit", record_id=visit.pk)
    return {
        "dossier": dossier,
        "petition": petition,
        "meeting": meeting,
        "item": item,
        "vote": vote,
        "decision": decision,
        "from_item": from_item,
        "answer": answer,
        "visit": visit,
        "from_visit": from_visit,
        "letter": letter,
        "reply": reply,
        "other_petition": PetitionFactory.create(council=council, number="Ө-2026-0099"),
        "other_letter": LetterFactory.create(council=council, number="2026/99"),
    }


def _detail(dossier: m.Dossier) -> str:
    return reverse("council:dossier_detail", args=[dossier.council.slug, dossier.pk])


def _timeline(dossier: m.Dossier, lang: str = "kk", **options: Any) -> list[Any]:
    return selectors.dossier_timeline(dossier, selectors.dossier_contents(dossier), lang, **options)


# --- The timeline -------------------------------------------------------------------------------


def test_the_timeline_puts_every_record_of_the_problem_in_order_newest_last(
    problem: dict[str, Any], agency: Organisation
) -> None:
    timeline = _timeline(problem["dossier"], "en")

    assert [(entry.date, entry.kind) for entry in timeline] == [
        (dt.date(2026, 3, 2), "Petition"),
        (dt.date(2026, 3, 25), "Monitoring visit"),
        (dt.date(2026, 3, 25), "Recommendation"),  # made from the visit, not yet sent
        (dt.date(2026, 4, 15), "Agenda item"),
        (dt.date(2026, 4, 15), "Vote"),
        (dt.date(2026, 4, 15), "Decision"),
        (dt.date(2026, 4, 20), "Recommendation"),
        (dt.date(2026, 5, 5), "Answer"),
        (dt.date(2026, 5, 10), "Letter"),
        (dt.date(2026, 5, 18), "Reply to a letter"),
        (dt.date(2026, 5, 20), "Petition"),  # the petitioner answered
    ]
    summaries = [entry.summary for entry in timeline]
    assert summaries[0] == f"Petition Ө-2026-0007 received: {PETITION_SUBJECT}"
    # An English page shows each pair's Kazakh half, marked as Kazakh.
    assert summaries[4] == (
        'Vote on “<span lang="kk">Шешімді қабылдау</span>”: Approved (for 7, against 1, '
        "abstained 2)"
    )
    assert summaries[5] == f'<span lang="kk">{DECISION}</span>'
    assert summaries[6] == (
        f'Recommendation 2026-004 to {agency.name_en} (Sent): <span lang="kk">{RECOMMENDATION}</span>'
    )
    # Records of the council that are not about the problem stay out.
    assert not any("Ө-2026-0099" in text or "2026/99" in text for text in summaries)
    # Nobody is named: a dossier is about a problem, not a petitioner.
    assert not any(PETITIONER in text for text in summaries)


def test_the_timeline_reads_in_the_users_language(problem: dict[str, Any]) -> None:
    russian = {entry.kind: entry.summary for entry in _timeline(problem["dossier"], "ru")}

    assert russian["Решение"] == DECISION_RU
    assert russian["Вопрос повестки дня"] == f"Вопрос 2 заседания № 4: {ITEM_TITLE_RU}"
    assert russian["Письмо"] == f"Письмо 2026/9 в Управление занятости: {LETTER_SUBJECT_RU}"
    assert russian["Мониторинговое посещение"].endswith(f": {VISIT_PURPOSE_RU}")


def test_a_visit_purpose_without_its_russian_half_is_shown_in_kazakh_or_marked_missing(
    problem: dict[str, Any],
) -> None:
    m.MonitoringVisit.objects.filter(pk=problem["visit"].pk).update(purpose_ru="")
    dossier = problem["dossier"]

    def visit_entry(lang: str, **options: Any) -> str:
        entries = _timeline(dossier, lang, **options)
        return next(e.summary for e in entries if e.url.endswith(f"/visits/{problem['visit'].pk}/"))

    # A page falls back to the Kazakh half, as every other pair, marked as Kazakh for a screen
    # reader; a Russian file says it is missing.
    assert visit_entry("ru").endswith(f': <span lang="kk">{VISIT_PURPOSE}</span>')
    assert visit_entry("ru", strict=True).endswith(": [текст на этом языке не внесён]")
    assert visit_entry("kk", strict=True).endswith(f": {VISIT_PURPOSE}")


def test_the_page_marks_each_half_shown_in_another_language_than_its_own(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    """Screen readers read a Kazakh half on a Russian page with a Russian voice unless it is
    marked, as the `bilingual_text` filter marks it on every other council page."""
    m.MonitoringVisit.objects.filter(pk=problem["visit"].pk).update(purpose_ru="")
    m.Decision.objects.filter(pk=problem["decision"].pk).update(text="")
    m.Letter.objects.filter(pk=problem["letter"].pk).update(subject_ru="Брайль <и> «шрифт» & Co")
    dossier = problem["dossier"]

    with translation.override("ru"):
        russian = secretary_client.get(_detail(dossier)).content.decode()
    with translation.override("kk"):
        kazakh = secretary_client.get(_detail(dossier)).content.decode()

    assert f'Цель: <span lang="kk">{VISIT_PURPOSE}</span></a>' in russian
    assert f">{DECISION_RU}</a>" in russian  # its own half: not marked
    # The texts around a marked half are escaped still.
    assert ": Брайль &lt;и&gt; «шрифт» &amp; Co</a>" in russian
    # A Kazakh page shows the Russian half of a text written in Russian only, marked as Russian.
    assert f'<span lang="ru">{DECISION_RU}</span></a>' in kazakh
    assert f": {VISIT_PURPOSE}</a>" in kazakh


def test_each_entry_links_to_its_record_and_the_record_back_to_the_dossier(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    slug = dossier.council.slug
    meeting = problem["meeting"]
    record_pages = [
        reverse("council:petition_detail", args=[slug, problem["petition"].pk]),
        reverse("council:agenda_item_detail", args=[slug, meeting.pk, problem["item"].pk]),
        reverse("council:vote_detail", args=[slug, meeting.pk, problem["vote"].pk]),
        reverse("council:recommendation_detail", args=[slug, problem["from_item"].pk]),
        reverse("council:recommendation_detail", args=[slug, problem["from_visit"].pk]),
        reverse("council:visit_detail", args=[slug, problem["visit"].pk]),
        reverse("council:letter_detail", args=[slug, problem["letter"].pk]),
    ]
    page = secretary_client.get(_detail(dossier)).content.decode()
    back = f'<a href="{_detail(dossier)}">Көзі көрмейтіндерге сырттай МӘС</a>'
    for url in record_pages:
        assert f'href="{url}"' in page, url
        record_page = secretary_client.get(url)
        assert record_page.status_code == 200, url
        assert back in record_page.content.decode(), url
    for unrelated in (
        reverse("council:petition_detail", args=[slug, problem["other_petition"].pk]),
        reverse("council:letter_detail", args=[slug, problem["other_letter"].pk]),
    ):
        assert _detail(dossier) not in secretary_client.get(unrelated).content.decode()


def test_a_record_made_after_the_petition_was_added_joins_the_dossier_by_itself(
    problem: dict[str, Any], agency: Organisation
) -> None:
    later = RecommendationFactory.create(
        council=problem["dossier"].council, decision=problem["decision"], addressee=agency
    )
    assert problem["dossier"] in selectors.dossiers_of_recommendation(later)
    assert later in selectors.dossier_contents(problem["dossier"]).recommendations


# --- Access and audit -------------------------------------------------------------------------


def test_council_readers_read_a_dossier_others_are_refused(
    problem: dict[str, Any],
    member_client: Client,
    officer_client: Client,
    outsider_client: Client,
    client: Client,
) -> None:
    url = _detail(problem["dossier"])
    assert member_client.get(url).status_code == 200
    assert officer_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]


def test_only_the_secretary_changes_a_dossier(
    problem: dict[str, Any], member: User, member_client: Client
) -> None:
    dossier = problem["dossier"]
    add = reverse("council:dossier_add", args=[dossier.council.slug, dossier.pk])
    assert member_client.get(add).status_code == 403
    posted = member_client.post(add, {"kind": "letter", "record_id": problem["other_letter"].pk})
    assert posted.status_code == 403
    with pytest.raises(AccessDenied):
        dossier_add_record(
            actor=member, dossier=dossier, kind="letter", record_id=problem["other_letter"].pk
        )
    assert not dossier.records.filter(kind="letter").exists()


def test_another_councils_dossier_is_not_found_under_this_council(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    elsewhere = CouncilFactory.create()
    owner = UserFactory.create(organisation=elsewhere.organisation, roles=[Role.COUNCIL_SECRETARY])
    foreign = dossier_open(actor=owner, council=elsewhere, title="Басқа")
    url = reverse("council:dossier_detail", args=[problem["dossier"].council.slug, foreign.pk])
    assert secretary_client.get(url).status_code == 404


def test_reading_a_dossier_with_petitions_is_audited_and_names_no_petitioner(
    problem: dict[str, Any], member: User, member_client: Client
) -> None:
    before = AuditEvent.objects.count()
    page = member_client.get(_detail(problem["dossier"])).content.decode()

    assert PETITIONER not in page
    viewed = AuditEvent.objects.order_by("pk")[before:]
    assert [(event.action, event.target_id, event.actor_id) for event in viewed] == [
        (AuditAction.VIEW, str(problem["petition"].pk), member.pk)
    ]


def test_a_record_of_another_council_or_held_already_is_refused(
    problem: dict[str, Any], secretary: User
) -> None:
    dossier = problem["dossier"]
    foreign = PetitionFactory.create()
    with translation.override("en"), pytest.raises(DomainError, match="no such record"):
        dossier_add_record(actor=secretary, dossier=dossier, kind="petition", record_id=foreign.pk)
    with translation.override("en"), pytest.raises(DomainError, match="already holds"):
        dossier_add_record(
            actor=secretary, dossier=dossier, kind="petition", record_id=problem["petition"].pk
        )


# --- Adding, removing, editing through the pages --------------------------------------------------


def test_the_secretary_finds_and_adds_a_record_then_takes_it_out_after_confirming(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    slug = dossier.council.slug
    add = reverse("council:dossier_add", args=[slug, dossier.pk])
    found = secretary_client.get(add, {"kind": "letter", "q": "2026/99"}).content.decode()
    assert "2026/99" in found
    assert (
        secretary_client.get(add, {"kind": "petition"}).content.decode().count("Ө-2026-0007") == 0
    )  # held already: not offered again

    response = secretary_client.post(
        add, {"kind": "letter", "record_id": problem["other_letter"].pk}
    )
    assert response.status_code == 302
    record = dossier.records.get(kind="letter")
    assert record.letter == problem["other_letter"]

    remove = reverse("council:dossier_record_remove", args=[slug, dossier.pk, record.pk])
    confirm = secretary_client.get(remove)
    assert confirm.status_code == 200
    assert dossier.records.filter(pk=record.pk).exists()  # asking changes nothing
    assert secretary_client.post(remove).status_code == 302
    assert not dossier.records.filter(pk=record.pk).exists()
    assert m.Letter.objects.filter(pk=problem["other_letter"].pk).exists()


def test_the_records_offered_are_titled_in_the_readers_language(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    LetterFactory.create(
        council=dossier.council, number="2026/98", subject="Пандустар туралы", subject_ru=""
    )
    LetterFactory.create(
        council=dossier.council,
        number="2026/97",
        subject="Брайль туралы",
        subject_ru="О шрифте Брайля",
    )
    with translation.override("ru"):
        add = reverse("council:dossier_add", args=[dossier.council.slug, dossier.pk])
        page = secretary_client.get(add, {"kind": "letter"}).content.decode()

    assert "2026/97 — О шрифте Брайля" in page
    assert "Брайль туралы" not in page
    # Kept in Kazakh only: shown in Kazakh, saying so.
    assert '<span lang="kk">2026/98 — Пандустар туралы</span>' in page


def test_opening_a_dossier_on_a_page_names_the_missing_field(
    council: m.Council, secretary_client: Client
) -> None:
    url = reverse("council:dossier_create", args=[council.slug])
    response = secretary_client.post(url, {"title": "", "title_ru": "Проблема"})
    assert response.status_code == 400
    assert "Атауын қазақ тілінде енгізіңіз." in response.content.decode()
    assert not m.Dossier.objects.exists()


def test_an_edit_after_someone_elses_is_refused(problem: dict[str, Any], secretary: User) -> None:
    dossier = problem["dossier"]
    dossier_update(actor=secretary, dossier=dossier, expected_version=1, title="Жаңа атау")
    stale = m.Dossier.objects.get(pk=dossier.pk)
    stale.version = 1
    with translation.override("en"), pytest.raises(DomainError, match="Someone else changed"):
        dossier_update(actor=secretary, dossier=stale, expected_version=1, title="Ескі")
    assert m.Dossier.objects.get(pk=dossier.pk).title == "Жаңа атау"


def test_the_edit_page_saves_what_it_shows(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    url = reverse("council:dossier_edit", args=[dossier.council.slug, dossier.pk])
    shown = secretary_client.get(url).context["form"]

    response = secretary_client.post(url, {**shown.initial, "title": "Түзетілген атау"})

    assert response.status_code == 302
    assert m.Dossier.objects.get(pk=dossier.pk).title == "Түзетілген атау"


# --- The files --------------------------------------------------------------------------------------


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([*(p.text for p in document.paragraphs), *cells])


def test_the_kazakh_and_russian_files_carry_only_their_languages_texts(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    slug = dossier.council.slug
    kazakh = secretary_client.get(reverse("council:dossier_docx", args=[slug, dossier.pk, "kk"]))
    russian = secretary_client.get(reverse("council:dossier_docx", args=[slug, dossier.pk, "ru"]))
    assert kazakh["Content-Disposition"] == (
        f'attachment; filename="dossier-{slug}-{dossier.pk}-kk.docx"'
    )
    kk_text, ru_text = _docx_text(kazakh.content), _docx_text(russian.content)

    for text in ("Көзі көрмейтіндерге сырттай МӘС", ITEM_TITLE, DECISION, PETITION_SUBJECT):
        assert text in kk_text
    for text in (ITEM_TITLE_RU, DECISION_RU, RECOMMENDATION_RU, LETTER_SUBJECT_RU):
        assert text not in kk_text
    for text in (
        "Заочная МСЭ для незрячих",
        ITEM_TITLE_RU,
        DECISION_RU,
        LETTER_SUBJECT_RU,
        VISIT_PURPOSE_RU,
    ):
        assert text in ru_text
    assert VISIT_PURPOSE in kk_text
    assert VISIT_PURPOSE_RU not in kk_text
    # The Kazakh texts (the petition as written, each pair's Kazakh half) are not in Russian.
    for text in (ITEM_TITLE, DECISION, PETITION_SUBJECT, VISIT_PURPOSE, "Көзі көрмейтіндерге"):
        assert text not in ru_text
    # Nothing is missing there: each is kept in the language it was written in, and says so.
    assert "[написано на казахском языке]" in ru_text
    assert "[текст на этом языке не внесён]" not in ru_text
    assert "Городская поликлиника № 3" in ru_text
    assert "№ 3 қалалық емхана" not in ru_text
    # The files are plain text: no half of another language, so nothing marked.
    assert "<span" not in kk_text
    assert "<span" not in ru_text
    table = Document(io.BytesIO(russian.content)).tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["Дата", "Вид", "Что произошло"]
    assert len(table.rows) == 1 + 11
    assert table.rows[1].cells[0].text == "02.03.2026"


def test_the_pdf_is_tagged_in_its_language_and_reads_back(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    response = secretary_client.get(
        reverse("council:dossier_pdf", args=[dossier.council.slug, dossier.pk, "ru"])
    )
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    catalog: Any = reader.trailer["/Root"]
    assert catalog["/Lang"] == "ru"
    assert catalog["/MarkInfo"]["/Marked"]
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Заочная МСЭ для незрячих" in text
    assert "Обеспечить" not in text  # not a text of this dossier
    assert DECISION_RU.split()[0] in text
    assert ITEM_TITLE not in text


def test_a_file_in_another_language_is_not_found(
    problem: dict[str, Any], secretary_client: Client
) -> None:
    dossier = problem["dossier"]
    url = reverse("council:dossier_docx", args=[dossier.council.slug, dossier.pk, "en"])
    assert secretary_client.get(url).status_code == 404


def test_exporting_is_audited(problem: dict[str, Any], member: User, member_client: Client) -> None:
    dossier = problem["dossier"]
    member_client.get(reverse("council:dossier_pdf", args=[dossier.council.slug, dossier.pk, "kk"]))
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, target_id=str(dossier.pk), actor=member
    ).exists()


# --- Query budget -----------------------------------------------------------------------------------


def test_the_dossier_page_reads_a_fixed_number_of_queries_however_much_it_holds(
    problem: dict[str, Any], secretary: User, secretary_client: Client, agency: Organisation
) -> None:
    dossier = problem["dossier"]
    small = page_queries(secretary_client, _detail(dossier))
    council = dossier.council
    for number in range(3):
        petition = PetitionFactory.create(council=council, number=f"Ө-2026-02{number}")
        item = AgendaItemFactory.create(
            meeting=problem["meeting"], order=10 + number, petition=petition
        )
        decision = DecisionFactory.create(agenda_item=item)
        RecommendationFactory.create(council=council, decision=decision, addressee=agency)
        VoteFactory.create(agenda_item=item)
        dossier_add_record(actor=secretary, dossier=dossier, kind="petition", record_id=petition.pk)
        letter = LetterFactory.create(council=council, addressee=agency)
        dossier_add_record(actor=secretary, dossier=dossier, kind="letter", record_id=letter.pk)
    assert len(_timeline(dossier)) == 11 + 3 * 6
    assert page_queries(secretary_client, _detail(dossier)) == small


# --- Merging and related figures --------------------------------------------------------------------


def test_merging_moves_every_record_once_and_marks_the_sources(
    problem: dict[str, Any], secretary: User
) -> None:
    target = problem["dossier"]
    council = target.council
    first = dossier_open(
        actor=secretary, council=council, title="Қайталанған", petition=problem["petition"]
    )
    dossier_add_record(
        actor=secretary, dossier=first, kind="letter", record_id=problem["other_letter"].pk
    )
    second = dossier_open(
        actor=secretary, council=council, title="Тағы бір", petition=problem["other_petition"]
    )

    moved = dossier_merge(actor=secretary, target=target, sources=[first, second])

    # The petition both held stays once; the letter and the other petition move.
    assert moved == 2
    assert sorted(target.records.values_list("kind", flat=True)) == [
        "letter",
        "petition",
        "petition",
        "visit",
    ]
    assert not m.DossierRecord.objects.filter(dossier__in=[first, second]).exists()
    assert set(m.Dossier.objects.filter(merged_into=target)) == {first, second}
    assert selectors.dossiers_of_petition(problem["other_petition"]) == [target]
    with pytest.raises(DomainError):
        dossier_add_record(
            actor=secretary, dossier=first, kind="petition", record_id=problem["petition"].pk
        )


def test_merging_refuses_a_dossier_of_another_council(
    problem: dict[str, Any], secretary: User
) -> None:
    elsewhere = CouncilFactory.create()
    owner = UserFactory.create(organisation=elsewhere.organisation, roles=[Role.COUNCIL_SECRETARY])
    foreign = dossier_open(actor=owner, council=elsewhere, title="Басқа")
    with pytest.raises(DomainError):
        dossier_merge(actor=secretary, target=problem["dossier"], sources=[foreign])
    assert m.Dossier.objects.get(pk=foreign.pk).merged_into is None


@pytest.fixture
def figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Another app's figures, cited by the recommendations, through core's citation registry."""

    def cited(records: list[Any], lang: str) -> dict[Any, list[CitedTable]]:
        label = {"kk": "Көрсеткіш", "ru": "Показатель"}.get(lang, "Figure")
        return {
            record: [CitedTable(label, (), (), ((label, "<5"),), dt.date(2026, 4, 1))]
            for record in records
            if isinstance(record, m.Recommendation)
        }

    source = CitationSource(key="test.figures", panel=lambda request, record: "", tables=cited)
    monkeypatch.setattr(registry, "citations", [source])


@pytest.mark.usefixtures("figures")
def test_the_figures_a_record_cites_are_on_the_timeline(problem: dict[str, Any]) -> None:
    timeline = _timeline(problem["dossier"], "ru", strict=True)
    cited = [entry for entry in timeline if entry.kind == "Приведённые показатели"]
    recommendation = problem["from_item"]
    assert cited
    assert {entry.date for entry in cited} == {dt.date(2026, 4, 1)}
    assert cited[0].summary == "Показатель: Показатель <5"
    with translation.override("ru"):
        page = reverse(
            "council:recommendation_detail", args=[recommendation.council.slug, recommendation.pk]
        )
    assert page in {entry.url for entry in cited}


def test_opening_needs_the_secretary(council: m.Council, member: User) -> None:
    with pytest.raises(AccessDenied):
        dossier_open(actor=member, council=council, title="Мәселе")


def test_removing_twice_is_refused(problem: dict[str, Any], secretary: User) -> None:
    record = problem["dossier"].records.get(kind="visit")
    dossier_remove_record(actor=secretary, record=record)
    with pytest.raises(DomainError):
        dossier_remove_record(actor=secretary, record=record)


def test_the_list_shows_the_councils_dossiers_only(
    problem: dict[str, Any], member_client: Client
) -> None:
    elsewhere = CouncilFactory.create()
    owner = UserFactory.create(organisation=elsewhere.organisation, roles=[Role.COUNCIL_SECRETARY])
    dossier_open(actor=owner, council=elsewhere, title="Басқа кеңестің мәселесі")
    page = member_client.get(
        reverse("council:dossier_list", args=[problem["dossier"].council.slug])
    ).content.decode()
    assert "Көзі көрмейтіндерге сырттай МӘС" in page
    assert "Басқа кеңестің мәселесі" not in page


def test_an_empty_kind_of_record_to_find_is_named_in_its_own_words() -> None:
    """The kind of record to find said only "This field is required."."""
    find = DossierFindForm({"kind": ""})
    errors, first_kind = english_refusals([(find, "kind")], find["kind"])
    assert errors == ["Choose the kind of record."]
    assert first_kind == "Petition"


def test_an_annulled_vote_says_so_in_the_readers_language(problem: dict[str, Any]) -> None:
    """The sentence was written inside an f-string, where the catalogues' extraction never found
    it: a Kazakh or Russian timeline said "The vote was annulled." in English."""
    m.Vote.objects.filter(agenda_item__meeting__council=problem["dossier"].council).update(
        annulled_at=timezone.now()
    )

    for lang, said in [("kk", "Дауыс беру жойылды."), ("ru", "Голосование аннулировано.")]:
        with translation.override(lang):
            kind = translation.gettext("Vote")
            (vote,) = [e for e in _timeline(problem["dossier"], lang) if e.kind == kind]
        assert vote.summary.endswith(f". {said}")
