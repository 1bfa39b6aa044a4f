"""The council's annual report: counted by hand on a fixture, read back from the DOCX (python-docx)
and the PDF (pypdf) in both languages, each carrying only its own language's texts; who may
have it."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from kopir.core.tests.fixtures import signed_in
from kopir.council.models import (
    Council,
    MeetingFormat,
    MeetingStatus,
    PlanStatus,
    RecommendationStatus,
    WorkPlanItem,
    WorkPlanItemStatus,
)
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    CouncilFactory,
    LetterFactory,
    MeetingFactory,
    MemberFactory,
    PetitionFactory,
    RecommendationFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.oversight.annual_report import report_context, report_docx
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.tests.snapshots import save_snapshot

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 6)
KAZAKH_TEXT = "Квотаның орындалуын тексеру"
RUSSIAN_TEXT = "Проверить выполнение квоты"
KAZAKH_PLACE = "Орал қ., Достық даңғылы, 1"
RUSSIAN_PLACE = "г. Уральск, проспект Достык, 1"
KAZAKH_ITEM = "Жұмысқа орналастыру квотасы туралы"
RUSSIAN_ITEM = "О квоте рабочих мест"
KAZAKH_SUBJECT = "Квота бойынша сұрау"
RUSSIAN_SUBJECT = "Запрос по квоте"


def _fill(council: Council, secretary: Any) -> None:
    """2026: 3 plan items (2 done), 2 meetings held (one online) and one cancelled, 2
    recommendations (one answered on time, one overdue unanswered), 8 petitions (6 on time, 2 late), 1 snapshot
    cited by a recommendation, an agenda item and a letter; and one of each in 2025, which the 2026 report leaves out."""
    plan = WorkPlanFactory.create(council=council, status=PlanStatus.APPROVED, year=2026)
    for status in (WorkPlanItemStatus.DONE, WorkPlanItemStatus.DONE, WorkPlanItemStatus.PENDING):
        WorkPlanItemFactory.create(plan=plan, status=status)
    old_plan = WorkPlanFactory.create(council=council, status=PlanStatus.APPROVED, year=2025)
    WorkPlanItemFactory.create(plan=old_plan, status=WorkPlanItemStatus.DONE)
    moment = dt.datetime(2026, 3, 10, 15, tzinfo=timezone.get_default_timezone())
    seventh = MeetingFactory.create(
        council=council, number=7, starts_at=moment, status=MeetingStatus.HELD
    )
    MeetingFactory.create(
        council=council, number=8, starts_at=moment, status=MeetingStatus.CANCELLED
    )
    MeetingFactory.create(
        council=council,
        number=9,
        starts_at=moment + dt.timedelta(hours=1),
        status=MeetingStatus.HELD,
        format=MeetingFormat.ONLINE,
        place="",
        place_ru="",
    )
    addressee = OrganisationFactory.create(
        kind=OrganisationKind.AKIMAT, name_kk="Облыс әкімдігі", name_ru="Акимат области"
    )
    answered = RecommendationFactory.create(
        council=council,
        number="R-1",
        addressee=addressee,
        text=KAZAKH_TEXT,
        text_ru=RUSSIAN_TEXT,
        status=RecommendationStatus.EXECUTED,
        sent_on=dt.date(2026, 2, 2),
        answer_due_on=dt.date(2026, 3, 2),
        answered_on=dt.date(2026, 2, 20),
    )
    RecommendationFactory.create(
        council=council,
        number="R-2",
        addressee=addressee,
        text="Тек қазақша мәтін",
        text_ru="",
        status=RecommendationStatus.SENT,
        sent_on=dt.date(2026, 4, 1),
        answer_due_on=dt.date(2026, 5, 1),
    )
    for _ in range(6):
        PetitionFactory.create(
            council=council, received_on=dt.date(2026, 2, 1), answered_on=dt.date(2026, 2, 10)
        )
    for _ in range(2):
        PetitionFactory.create(
            council=council,
            received_on=dt.date(2026, 2, 1),
            answer_due_on=dt.date(2026, 3, 1),
            answered_on=dt.date(2026, 3, 20),
        )
    snapshot = save_snapshot(secretary)
    SnapshotAttachment.objects.create(
        snapshot=snapshot, recommendation=answered, attached_by=secretary
    )
    item = AgendaItemFactory.create(
        meeting=seventh, order=2, title=KAZAKH_ITEM, title_ru=RUSSIAN_ITEM
    )
    SnapshotAttachment.objects.create(snapshot=snapshot, agenda_item=item, attached_by=secretary)
    letter = LetterFactory.create(
        council=council, number="L-9", subject=KAZAKH_SUBJECT, subject_ru=RUSSIAN_SUBJECT
    )
    SnapshotAttachment.objects.create(snapshot=snapshot, letter=letter, attached_by=secretary)


@pytest.fixture
def council(council_office: Any, secretary: Any) -> Council:
    council_office.name_kk = "Қоғамдық кеңес"
    council_office.name_ru = "Общественный совет"
    council_office.save()
    council = CouncilFactory.create(organisation=council_office, slug="west")
    _fill(council, secretary)
    return council


def _section(context: dict[str, Any], index: int) -> dict[str, Any]:
    return dict(context["sections"][index])


def test_the_year_is_counted_by_hand(council: Council) -> None:
    context = report_context(council, 2026, "ru", today=TODAY)
    plan, meetings, recommendations, petitions = context["sections"]
    assert plan["paragraphs"] == ["Запланировано пунктов: 3; выполнено: 2 (67%)."]
    assert meetings["table"]["rows"] == [
        ["7", "10.03.2026", "Очередное заседание", RUSSIAN_PLACE],
        ["9", "10.03.2026", "Онлайн-заседание", ""],  # an online meeting has no place
    ]
    rows = recommendations["table"]["rows"]
    assert [row[0] for row in rows] == ["R-1", "R-2"]
    assert rows[0][2:] == ["Акимат области", RUSSIAN_TEXT, "Исполнена", "Да"]
    # The second has no Russian text: marked, the Kazakh one never printed in its place.
    assert rows[1][3] == "[текст на этом языке не внесён]"
    assert rows[1][5] == "Нет"  # due on 1 May, unanswered by December
    assert recommendations["paragraphs"][2].startswith("Ответ получен в срок: 1 из 2,")
    # 6 on time publish as 5, 2 late as "<5"; no share from a suppressed count.
    assert petitions["table"]["rows"][:3] == [
        ["Поступило обращений", "10"],
        ["Отвечено в срок", "5"],
        ["Отвечено с опозданием", "<5"],
    ]
    (snapshot,) = context["figures"]["snapshots"]
    assert snapshot["heading"] == "Заочное освидетельствование, 1 квартал 2026 года"
    assert context["figures"]["snapshots"][0]["rows"]


def test_another_year_holds_only_its_own(council: Council) -> None:
    context = report_context(council, 2025, "kk", today=TODAY)
    plan, meetings, recommendations, _ = context["sections"]
    assert plan["table"]["rows"][0][1] == "1"
    assert meetings["table"]["rows"] == []
    assert recommendations["table"]["rows"] == []
    assert context["figures"]["snapshots"] == []


def test_a_pending_item_that_a_held_meeting_links_to_counts_as_done(council: Council) -> None:
    """As the plan's page shows it: the held meeting did the item, nobody ticked it."""
    (pending,) = WorkPlanItem.objects.filter(
        plan__council=council, plan__year=2026, status=WorkPlanItemStatus.PENDING
    )
    MeetingFactory.create(council=council, status=MeetingStatus.HELD, plan_item=pending)

    plan = report_context(council, 2026, "en", today=TODAY)["sections"][0]

    assert plan["paragraphs"] == ["Items planned: 3; done: 3 (100%)."]


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def _file(client: Client, lang: str, kind: str) -> bytes:
    url = reverse("oversight:annual_report_file", args=["west", 2026, lang, kind])
    response = client.get(url)
    assert response.status_code == 200
    assert f"annual-report-west-2026-{lang}.{kind}" in response["Content-Disposition"]
    return bytes(response.content)


def test_the_docx_carries_only_its_language(council: Council, secretary: Any) -> None:
    client = signed_in(Client(), secretary)
    kazakh = _docx_text(_file(client, "kk", "docx"))
    russian = _docx_text(_file(client, "ru", "docx"))
    assert KAZAKH_TEXT in kazakh
    assert KAZAKH_PLACE in kazakh
    assert "Облыс әкімдігі" in kazakh
    assert RUSSIAN_TEXT not in kazakh
    assert RUSSIAN_PLACE not in kazakh
    assert RUSSIAN_TEXT in russian
    assert RUSSIAN_PLACE in russian
    assert "Акимат области" in russian
    assert KAZAKH_TEXT not in russian
    assert "Тек қазақша мәтін" not in russian
    assert "Сырттай куәландыру, 2026 жылғы 1-тоқсан" in kazakh
    assert "Заочное освидетельствование, 1 квартал 2026 года" in russian
    assert Document(io.BytesIO(_file(client, "ru", "docx"))).core_properties.language == "ru-RU"


def test_the_pdf_is_tagged_and_carries_only_its_language(council: Council, secretary: Any) -> None:
    client = signed_in(Client(), secretary)
    for lang, own, other in (("kk", KAZAKH_TEXT, RUSSIAN_TEXT), ("ru", RUSSIAN_TEXT, KAZAKH_TEXT)):
        reader = PdfReader(io.BytesIO(_file(client, lang, "pdf")))
        text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
        assert own in text
        assert other not in text
        root: Any = reader.trailer["/Root"]
        assert "/StructTreeRoot" in root
        assert root["/MarkInfo"]["/Marked"]
        assert root["/Lang"] == lang


def _pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_each_snapshot_says_which_records_cited_it_when_and_of_which_data(
    council: Council, secretary: Any
) -> None:
    client = signed_in(Client(), secretary)
    (snapshot,) = Snapshot.objects.all()
    version, computed = snapshot.data_version, f"{snapshot.computed_on:%d.%m.%Y}"
    expected = {
        "kk": [
            "Қай жазбада келтірілген",
            f"№ 7 отырыстың күн тәртібінің 2-мәселесі: {KAZAKH_ITEM}",
            "№ R-1 ұсыным",
            f"№ L-9 хат: {KAZAKH_SUBJECT}",
            "Көрсеткіштер күні",
            computed,
            "Деректер нұсқасы",
            str(version),
        ],
        "ru": [
            "Где приведено",
            f"Вопрос 2 повестки заседания № 7: {RUSSIAN_ITEM}",
            "Рекомендация № R-1",
            f"Письмо № L-9: {RUSSIAN_SUBJECT}",
            "Показатели на дату",
            computed,
            "Версия данных",
            str(version),
        ],
    }
    for lang, texts in expected.items():
        docx = _docx_text(_file(client, lang, "docx"))
        pdf = _pdf_text(_file(client, lang, "pdf"))
        assert [text for text in texts if text not in docx] == []
        assert [text for text in texts if text not in pdf] == []
    # Each language's file names the records in its own language only.
    assert RUSSIAN_ITEM not in _docx_text(_file(client, "kk", "docx"))
    assert KAZAKH_SUBJECT not in _pdf_text(_file(client, "ru", "pdf"))


def test_a_member_seated_in_the_council_has_it_and_one_of_another_council_not(
    council: Council, member: Any
) -> None:
    client = signed_in(Client(), member)
    url = reverse("oversight:annual_report_file", args=["west", 2026, "kk", "docx"])
    # The `member` fixture sits in another council: not this one's report.
    assert client.get(url).status_code == 403
    MemberFactory.create(account=member, composition=CompositionFactory.create(council=council))
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("outsider", ["clinician", "mse_head", "unseated_member"])
def test_others_may_not(outsider: str, council: Council, request: pytest.FixtureRequest) -> None:
    client = signed_in(Client(), request.getfixturevalue(outsider))
    assert client.get(reverse("oversight:annual_report")).status_code == 403
    url = reverse("oversight:annual_report_file", args=["west", 2026, "kk", "pdf"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("year", "lang", "kind"), [(2019, "kk", "pdf"), (2026, "en", "pdf"), (2026, "kk", "odt")]
)
def test_a_year_language_or_kind_not_offered_is_not_found(
    year: int, lang: str, kind: str, council: Council, secretary: Any
) -> None:
    url = reverse("oversight:annual_report_file", args=["west", year, lang, kind])
    assert signed_in(Client(), secretary).get(url).status_code == 404


def test_the_page_offers_the_four_files_of_the_year_chosen(
    council: Council, secretary: Any
) -> None:
    client = signed_in(Client(), secretary)
    page = client.get(reverse("oversight:annual_report")).content.decode()
    assert 'id="report-council"' in page
    assert 'id="report-year"' in page
    page = client.get(
        reverse("oversight:annual_report") + f"?council={council.pk}&year=2026"
    ).content.decode()
    for lang in ("kk", "ru"):
        for kind in ("docx", "pdf"):
            url = reverse("oversight:annual_report_file", args=["west", 2026, lang, kind])
            assert f'href="{url}"' in page


def test_a_year_with_nothing_says_so_once_per_section(council: Council) -> None:
    # It printed "Items planned: 0; done: 0 (too few to show)." and a line of zero states above
    # each empty sentence.
    context = report_context(council, 2021, "ru", today=TODAY)
    plan, meetings, recommendations, _ = context["sections"]
    for section in (plan, meetings, recommendations):
        assert section["paragraphs"] == []
        assert section["table"]["rows"] == []
    assert plan["empty"] == "В этом году в утверждённом плане работы нет пунктов."
    document = Document(io.BytesIO(report_docx(context)))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    assert plan["empty"] in paragraphs
    assert not [text for text in paragraphs if text.startswith(("Запланировано", "Проведено"))]


def test_the_dashboards_index_offers_the_report_to_the_council_only(
    council: Council, secretary: Any, mse_head: Any
) -> None:
    link = f'href="{reverse("oversight:annual_report")}"'
    assert link in signed_in(Client(), secretary).get(reverse("oversight:index")).content.decode()
    page = signed_in(Client(), mse_head).get(reverse("oversight:index")).content.decode()
    assert link not in page


def test_the_dashboards_index_lists_the_four_dashboards_before_what_is_made_of_them(
    council: Council, secretary: Any
) -> None:
    # The snapshots' card stood between the rehabilitation and the employment dashboards.
    page = signed_in(Client(), secretary).get(reverse("oversight:index")).content.decode()
    names = ["mse", "rehabilitation", "employment", "council", "snapshot_list", "annual_report"]
    places = [page.index(f'href="{reverse(f"oversight:{name}")}"') for name in names]
    assert places == sorted(places)


def test_the_report_reads_five_queries_whatever_the_year_holds(
    council: Council, django_assert_num_queries: Any
) -> None:
    # The plan's GROUP BY, the meetings, the recommendations with their addressees, the
    # petitions' counts, the citations with their snapshots.
    with django_assert_num_queries(5):
        report_context(council, 2026, "kk", today=TODAY)
    with django_assert_num_queries(5):
        report_context(council, 2025, "ru", today=TODAY)
