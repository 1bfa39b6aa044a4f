"""A dossier as files: DOCX (python-docx, real headings, the timeline as a table with a header row)
and a tagged PDF (WeasyPrint, PDF/UA-1), in Kazakh or Russian, built like the minutes
(`documents.py`, on `core/documents.py`).

A document carries only texts of its language: the timeline is read strict
(`selectors.dossiers.dossier_timeline`), the title and description from their own half, and the
council and organisations under their name in that language.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Final

from django.utils import timezone, translation
from django.utils.translation import gettext
from docx import Document
from docx.shared import Pt

from kopir.core.documents import (
    DOCX_LANGUAGE,
    keep_row_together,
    repeat_as_header,
    set_style_font,
    tagged_pdf,
)
from kopir.council.models import Dossier
from kopir.council.selectors.dossiers import DossierContents, dossier_timeline

DOCUMENT_LANGUAGES: Final = ("kk", "ru")


def _half(lang: str, kazakh: str, russian: str) -> str:
    return russian if lang == "ru" else kazakh


def document_context(dossier: Dossier, contents: DossierContents, lang: str) -> dict[str, Any]:
    """What both files of the dossier show, in `lang` only."""
    timeline = dossier_timeline(dossier, contents, lang, strict=True)
    organisation = dossier.council.organisation
    council = getattr(organisation, f"name_{lang}", "") or organisation.name_kk
    with translation.override(lang):
        missing = gettext("[no text in this language]")
        title = _half(lang, dossier.title, dossier.title_ru) or missing
        description = _half(lang, dossier.description, dossier.description_ru)
        return {
            "lang": lang,
            "title": title,
            "council": council,
            "document_title": f"{gettext('Dossier')}: {title}",
            "description": description,
            "details": [
                {"label": gettext("Council"), "value": council},
                {"label": gettext("Opened"), "value": dossier.opened_on.strftime("%d.%m.%Y")},
                {
                    "label": gettext("Printed"),
                    "value": timezone.localdate().strftime("%d.%m.%Y"),
                },
            ],
            "description_heading": gettext("The problem"),
            "timeline_heading": gettext("Timeline"),
            "columns": [gettext("Date"), gettext("Kind"), gettext("What happened")],
            "entries": [
                {
                    "date": entry.date.strftime("%d.%m.%Y"),
                    "kind": entry.kind,
                    "summary": entry.summary,
                }
                for entry in timeline
            ],
            "empty": gettext("The dossier holds no records yet."),
        }


def filename(dossier: Dossier, lang: str, extension: str) -> str:
    return f"dossier-{dossier.council.slug}-{dossier.pk}-{lang}.{extension}"


def dossier_docx(context: dict[str, Any]) -> bytes:
    lang = context["lang"]
    document = Document()
    properties = document.core_properties
    properties.title = context["document_title"]
    properties.language = DOCX_LANGUAGE[lang]
    properties.subject = context["council"]
    for name in ("Normal", "Title", "Subtitle", "Heading 1"):
        set_style_font(document.styles[name], lang)
    document.styles["Normal"].font.size = Pt(11)

    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["council"], style="Subtitle")
    for detail in context["details"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{detail['label']}: ").bold = True
        paragraph.add_run(detail["value"])
    if context["description"]:
        document.add_heading(context["description_heading"], level=1)
        for line in context["description"].splitlines():
            if line.strip():
                document.add_paragraph(line.strip())
    document.add_heading(context["timeline_heading"], level=1)
    if not context["entries"]:
        document.add_paragraph(context["empty"])
    else:
        table = document.add_table(rows=1, cols=len(context["columns"]))
        table.style = "Table Grid"
        header = table.rows[0]
        repeat_as_header(header)
        for cell, text in zip(header.cells, context["columns"], strict=True):
            cell.text = text
            cell.paragraphs[0].runs[0].bold = True
        for entry in context["entries"]:
            row = table.add_row()
            keep_row_together(row)
            for cell, text in zip(
                row.cells, (entry["date"], entry["kind"], entry["summary"]), strict=True
            ):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def dossier_pdf(context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1): the headings and the timeline's table are structure."""
    base_url = str(Path(__file__).resolve().parent)
    return tagged_pdf("council/dossiers/dossier_document.html", context, base_url=base_url)
