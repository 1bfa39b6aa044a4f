"""A dossier as files: DOCX (python-docx, real headings, the timeline as a table with a header row)
and a tagged PDF (WeasyPrint, PDF/UA-1), in Kazakh or Russian, built like the minutes
(`documents.py`, on `core/documents.py`).

A document carries only texts of its language: the timeline is read strict
(`selectors.dossiers.dossier_timeline`), the title and description from their own half, and the
council and organisations under their name in that language.
"""

from __future__ import annotations

from typing import Any, Final

from django.utils import timezone, translation
from django.utils.translation import gettext

from kopir.core.documents import add_details, add_table, docx_bytes, docx_document, tagged_pdf
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
            "subtitle": council,
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
    document = docx_document(context)
    add_details(document, context["details"])
    if context["description"]:
        document.add_heading(context["description_heading"], level=1)
        for line in context["description"].splitlines():
            if line.strip():
                document.add_paragraph(line.strip())
    document.add_heading(context["timeline_heading"], level=1)
    if not context["entries"]:
        document.add_paragraph(context["empty"])
    else:
        add_table(
            document,
            context["columns"],
            ((entry["date"], entry["kind"], entry["summary"]) for entry in context["entries"]),
        )
    return docx_bytes(document)


def dossier_pdf(context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1): the headings and the timeline's table are structure."""
    return tagged_pdf("council/dossiers/dossier_document.html", context)
