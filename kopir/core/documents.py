"""What every document Kopir renders as a file shares: DOCX styles in the document's language
(python-docx) and a tagged PDF (WeasyPrint, PDF/UA-1) with the embedded Noto Sans, which has
every Kazakh letter (ә ғ қ ң ө ұ ү һ і). The council's minutes and dossiers and the rehabilitation
programme use it; each app keeps its own context and template, which extends `core/documents/pdf_base.html` (the
page, the font, the language and the title)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
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


DOCX_STYLES = ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "List Bullet")


def docx_begin(context: Mapping[str, Any], *, issuer: str, size: float = 12) -> Any:
    """A new DOCX in Kopir's styles proofed in the context's `lang`, its properties set (the
    context's `document_title`, the language, `issuer` as the subject), opened by the context's
    `title` and `issuer` under it."""
    lang = context["lang"]
    document = Document()
    properties = document.core_properties
    properties.title = context["document_title"]
    properties.language = DOCX_LANGUAGE[lang]
    properties.subject = issuer
    for name in DOCX_STYLES:
        set_style_font(document.styles[name], lang)
    document.styles["Normal"].font.size = Pt(size)
    document.add_heading(context["title"], level=0)
    document.add_paragraph(issuer, style="Subtitle")
    return document


def docx_details(document: Any, details: Iterable[dict[str, str]]) -> None:
    """One paragraph per detail: its label in bold, a colon, its value."""
    for detail in details:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{detail['label']}: ").bold = True
        paragraph.add_run(detail["value"])


def docx_table(document: Any, columns: list[str], *, centred: bool = False) -> Any:
    """A bordered table whose first row names `columns` in bold, repeated on every page."""
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    if centred:
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat_as_header(header)
    for cell, text in zip(header.cells, columns, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    return table


def docx_row(table: Any, values: Iterable[str], *, keep_together: bool = True) -> None:
    """A row of `values` added to the table, kept on one page unless told otherwise."""
    row = table.add_row()
    if keep_together:
        keep_row_together(row)
    for cell, text in zip(row.cells, values, strict=True):
        cell.text = text


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def font_uri() -> str:
    found = finders.find(FONT_STATIC_PATH)
    if not found:  # pragma: no cover - the font ships with the core app
        return ""
    return Path(str(found)).resolve().as_uri()


def tagged_pdf(template: str, context: dict[str, Any], *, base_url: str) -> bytes:
    """`template` rendered to a tagged PDF (PDF/UA-1): headings, lists and tables are structure."""
    from weasyprint import HTML

    html = render_to_string(template, {**context, "font_uri": font_uri()})
    return bytes(HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/ua-1"))
