"""The one document builder: what every document Kopir renders as a file shares. DOCX in the
document's language (python-docx: its properties, styles in Kopir's font, the title, subtitle,
labelled details and tables with a repeated header row) and a tagged PDF (WeasyPrint, PDF/UA-1)
from a template that extends `core/document.html`, with the embedded Noto Sans, which has every
Kazakh letter (ә ғ қ ң ө ұ ү һ і). The council's minutes and the rehabilitation programme both
use it; each app keeps its own context (with `lang`, `title`, `subtitle`, `document_title` and
`details`), the body of its DOCX and its template's body."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

FONT_STATIC_PATH = "kopir/fonts/NotoSans-Variable.woff2"
DOCX_FONT = "Times New Roman"
DOCX_LANGUAGE = {"kk": "kk-KZ", "ru": "ru-RU"}
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
DOCX_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2")


def set_style_font(style: Any, lang: str) -> None:
    """A DOCX style in Kopir's font, proofed in `lang` (Word and screen readers read it)."""
    style.font.name = DOCX_FONT
    run_properties = style.element.get_or_add_rPr()
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), DOCX_FONT)
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), DOCX_LANGUAGE[lang])


def keep_row_together(row: Any) -> None:
    """A DOCX table row that never splits across pages (Word's "allow row to break" off)."""
    properties = row._tr.get_or_add_trPr()
    together = OxmlElement("w:cantSplit")
    together.set(qn("w:val"), "true")
    properties.append(together)


def repeat_as_header(row: Any) -> None:
    """A DOCX table row repeated at the top of every page (a real header row)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def font_uri() -> str:
    found = finders.find(FONT_STATIC_PATH)
    if not found:  # pragma: no cover - the font ships with the core app
        return ""
    return Path(str(found)).resolve().as_uri()


def docx_document(context: Mapping[str, Any], *, styles: Iterable[str] = ()) -> Any:
    """A new DOCX in the context's language: its title, language and subject (the subtitle) as
    properties, Kopir's font on the usual styles and on `styles`, the title and the subtitle."""
    lang = context["lang"]
    document = Document()
    properties = document.core_properties
    properties.title = context["document_title"]
    properties.language = DOCX_LANGUAGE[lang]
    properties.subject = context["subtitle"]
    for name in (*DOCX_STYLES, *styles):
        set_style_font(document.styles[name], lang)
    document.styles["Normal"].font.size = Pt(12)
    document.add_heading(context["title"], level=0)
    document.add_paragraph(context["subtitle"], style="Subtitle")
    return document


def add_labelled(document: Any, label: str, value: str) -> None:
    """A paragraph "label: value" with the label in bold (a detail, a signature)."""
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)


def add_details(document: Any, details: Iterable[Mapping[str, str]]) -> None:
    for detail in details:
        add_labelled(document, detail["label"], detail["value"])


def add_table(
    document: Any,
    columns: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    rows_together: bool = False,
) -> Any:
    """A centred grid table: a bold header row repeated on every page, then `rows` (kept whole
    on one page each when `rows_together`)."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat_as_header(header)
    for cell, text in zip(header.cells, columns, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for values in rows:
        added = table.add_row()
        if rows_together:
            keep_row_together(added)
        for cell, text in zip(added.cells, values, strict=True):
            cell.text = text
    return table


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def tagged_pdf(template: str, context: Mapping[str, Any]) -> bytes:
    """`template` (extending `core/document.html`) rendered to a tagged PDF (PDF/UA-1): headings,
    lists and tables are structure, not just drawing."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_uri": font_uri()})
    base_url = str(Path(__file__).resolve().parent)
    return bytes(HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1"))
