"""The minutes as DOCX and PDF: read back, the Kazakh letters are intact and the structure is real."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from kopir.accounts.models import User
from kopir.council import models as m
from kopir.council.services import documents
from kopir.council.services.minutes import minutes_assemble
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import KAZAKH_LETTERS, approve_minutes, edit_minutes

pytestmark = pytest.mark.django_db

LETTERS_LINE = f"Әріптер: {KAZAKH_LETTERS} {KAZAKH_LETTERS.upper()}"


@pytest.fixture
def minutes(held_meeting: m.Meeting, secretary: User) -> m.Minutes:
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    edit_minutes(minutes, secretary, f"Кворум бар.\n{LETTERS_LINE}", note="әріптер")
    return minutes


def _context(minutes: m.Minutes, lang: str) -> dict:
    version = minutes.versions.order_by("-number").first()
    assert version is not None
    return documents.document_context(minutes, version, lang)


def test_the_docx_has_real_headings_a_vote_table_and_intact_kazakh_letters(
    minutes: m.Minutes,
) -> None:
    document = Document(io.BytesIO(documents.minutes_docx(_context(minutes, "kk"))))

    styles = {paragraph.style.name for paragraph in document.paragraphs if paragraph.style}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "№ 7 отырыстың хаттамасы" in text
    assert LETTERS_LINE in text
    assert "Жеке оңалту бағдарламасының өзекті мәселелері" in text
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == [
        "Мәселе",
        "Тәсілі",
        "Жақтағандар",
        "Қарсы",
        "Қалыс қалғандар",
        "Нәтижесі",
    ]
    assert [cell.text for cell in table.rows[1].cells][2:] == [
        "3",
        "0",
        "0",
        "бірауыздан бекітілді",
    ]
    assert document.core_properties.title.startswith("№ 7 отырыстың хаттамасы")
    assert document.core_properties.language == "kk-KZ"


def test_the_russian_docx_has_russian_headings_and_the_russian_texts(minutes: m.Minutes) -> None:
    document = Document(io.BytesIO(documents.minutes_docx(_context(minutes, "ru"))))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Протокол заседания № 7" in text
    assert "Повестка дня" in text
    assert "Актуальные вопросы индивидуальной программы реабилитации" in text
    assert "Жеке оңалту бағдарламасының өзекті мәселелері" not in text
    assert document.tables[0].rows[1].cells[5].text == "единогласно утверждено"


def test_the_pdf_is_tagged_titled_in_kazakh_and_keeps_every_kazakh_letter(
    minutes: m.Minutes,
) -> None:
    content = documents.minutes_pdf(_context(minutes, "kk"))

    reader = PdfReader(io.BytesIO(content))
    root: Any = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "kk"
    assert reader.metadata is not None
    assert (reader.metadata.title or "").startswith("№ 7 отырыстың хаттамасы")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for letter in KAZAKH_LETTERS.split() + KAZAKH_LETTERS.upper().split():
        assert letter in text
    # A table cell may wrap: compare with the line breaks folded into spaces.
    assert "бірауыздан бекітілді" in " ".join(text.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is not installed")
def test_pdftotext_reads_the_same_kazakh_text(minutes: m.Minutes) -> None:
    content = documents.minutes_pdf(_context(minutes, "kk"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "minutes.pdf"
        path.write_bytes(content)
        text = subprocess.run(  # noqa: S603 - a fixed local tool on a file we wrote
            ["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S607
            capture_output=True,
            check=True,
            text=True,
        ).stdout
    assert LETTERS_LINE in " ".join(text.split())


def test_a_draft_says_it_is_a_draft_and_the_approved_text_says_approved(
    minutes: m.Minutes, secretary: User, chair: User
) -> None:
    assert "ЖОБА" in _context(minutes, "kk")["status_mark"]
    approve_minutes(minutes, chair=chair, secretary=secretary)
    context = _context(minutes, "ru")
    assert "утверждён" in context["status_mark"]
    assert all(signature["signed"] for signature in context["signatures"])


def _url(name: str, meeting: m.Meeting) -> str:
    return reverse(name, kwargs={"slug": meeting.council.slug, "number": meeting.number})


def test_members_download_the_draft_and_outsiders_cannot(
    minutes: m.Minutes, held_meeting: m.Meeting, member_client: Client, outsider_client: Client
) -> None:
    docx = member_client.get(_url("council:minutes_docx", held_meeting) + "?lang=kk")
    assert docx.status_code == 200
    assert docx["Content-Type"] == documents.DOCX_CONTENT_TYPE
    assert "minutes-wko-social-test-7-kk.docx" in docx["Content-Disposition"]
    pdf = member_client.get(_url("council:minutes_pdf", held_meeting) + "?lang=ru")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    assert outsider_client.get(_url("council:minutes_pdf", held_meeting)).status_code == 403


def test_a_draft_is_never_downloadable_from_the_public_addresses(
    minutes: m.Minutes, held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    anonymous = Client()
    for name in (
        "council:public_minutes",
        "council:public_minutes_docx",
        "council:public_minutes_pdf",
    ):
        assert anonymous.get(_url(name, held_meeting)).status_code == 404

    approve_minutes(minutes, chair=chair, secretary=secretary)

    page = anonymous.get(_url("council:public_minutes", held_meeting) + "?lang=kk")
    assert page.status_code == 200
    assert LETTERS_LINE in page.content.decode()
    pdf = anonymous.get(_url("council:public_minutes_pdf", held_meeting) + "?lang=kk")
    assert pdf.status_code == 200
    docx = anonymous.get(_url("council:public_minutes_docx", held_meeting) + "?lang=ru")
    assert "Протокол заседания № 7" in "\n".join(
        p.text for p in Document(io.BytesIO(docx.content)).paragraphs
    )


MARKUP = '<script>alert("x")</script><b>bold</b> & "quotes"'


@pytest.fixture
def minutes_with_markup(held_meeting: m.Meeting, secretary: User) -> m.Minutes:
    # Whatever a secretary types is text: it must come out as typed, never as markup.
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    edit_minutes(minutes, secretary, f"Кворум бар.\n{MARKUP}", note="белгілер")
    return minutes


def test_markup_typed_into_the_minutes_stays_text_in_the_docx_and_the_pdf(
    minutes_with_markup: m.Minutes,
) -> None:
    context = _context(minutes_with_markup, "kk")
    document = Document(io.BytesIO(documents.minutes_docx(context)))
    assert MARKUP in "\n".join(paragraph.text for paragraph in document.paragraphs)
    pdf_text = "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(documents.minutes_pdf(context))).pages
    )
    # The PDF shows the characters themselves: the script tag was neither run nor dropped.
    assert '<script>alert("x")</script><b>bold</b>' in pdf_text.replace("\n", "")
