"""An approved IRP version as the person (or representative) is given it: DOCX (python-docx,
real heading styles, a table per part of the programme) and a tagged PDF (WeasyPrint, PDF/UA-1),
in Kazakh or Russian. Both come from one context built in the document's language, so they never
disagree; the document builder is `core/documents.py` (also the council's minutes').
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kopir.assessment.models import Category
from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    add_details,
    add_table,
    docx_bytes,
    docx_document,
    tagged_pdf,
)
from kopir.rehabilitation.models import (
    Measure,
    ProgrammePart,
    ProgrammeVersion,
)

LANGUAGES = ("kk", "ru")


def _line_details(line: Any, lang: str) -> str:
    """The line's details in the document's language: the Russian document its Russian half,
    marked as not entered when only the Kazakh one was written (as the council's documents
    do)."""
    if lang == "ru":
        if line.details_ru:
            return str(line.details_ru)
        return str(_("[not entered in Russian]")) if line.details else "—"
    return str(line.details or "—")


def _date(value: Any) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def document_context(version: ProgrammeVersion, lang: str) -> dict[str, Any]:
    """What the DOCX and the PDF of one version show, in `lang` (kk or ru)."""
    programme = version.programme
    person = programme.person
    lines = list(version.lines.select_related("measure_type").order_by("position", "id"))
    measures = {
        m.line_id: m for m in Measure.objects.filter(line__in=lines).select_related("organisation")
    }
    with translation.override(lang):
        parts = []
        for part, label in ProgrammePart.choices:
            rows = []
            for line in lines:
                if line.measure_type.part != part:
                    continue
                measure = measures.get(line.pk)
                quantity = line.quantity_text
                rows.append(
                    {
                        "measure": line.measure_type.name,
                        "quantity": quantity or "—",
                        "details": _line_details(line, lang),
                        "executor": measure.organisation.name if measure else "—",
                        "due": _date(measure.due_on) if measure else "—",
                    }
                )
            if rows:
                parts.append({"heading": str(label), "rows": rows})
        category = version.decision.category_code
        title = _("Individual habilitation and rehabilitation programme")
        return {
            "lang": lang,
            "title": title,
            "document_title": f"{title} № {programme.number}",
            "number": programme.number,
            "division": programme.division.name,
            "subtitle": programme.division.name,
            "details": [
                {"label": _("Programme number"), "value": programme.number},
                {"label": _("Person"), "value": person.full_name},
                {"label": _("IIN"), "value": person.iin},
                {"label": _("Date of birth"), "value": _date(person.birth_date)},
                {
                    "label": _("Group or category"),
                    "value": str(Category(category).label) if category else "—",
                },
                {"label": _("Valid from"), "value": _date(version.valid_from)},
                {"label": _("Valid until"), "value": _date(version.valid_until)},
                {"label": _("Version"), "value": str(version.sequence)},
                {
                    "label": _("Approved"),
                    "value": _date(
                        timezone.localdate(version.approved_at) if version.approved_at else None
                    ),
                },
            ],
            "parts_heading": _("Measures of the programme"),
            "columns": [
                _("Measure"),
                _("Quantity"),
                _("Details"),
                _("Executing organisation"),
                _("Due by"),
            ],
            "parts": parts,
            "note": _(
                "Each executing organisation contacts you about its measure. If a measure is not "
                "delivered, or was not delivered as recorded, tell the MSE division or follow "
                "the case on the citizen status page."
            ),
        }


def programme_docx(context: dict[str, Any]) -> bytes:
    document = docx_document(context)
    add_details(document, context["details"])
    document.add_heading(context["parts_heading"], level=1)
    for part in context["parts"]:
        document.add_heading(part["heading"], level=2)
        add_table(
            document,
            context["columns"],
            (
                [row["measure"], row["quantity"], row["details"], row["executor"], row["due"]]
                for row in part["rows"]
            ),
            rows_together=True,
        )
    document.add_paragraph(context["note"])
    return docx_bytes(document)


def programme_pdf(context: dict[str, Any]) -> bytes:
    return tagged_pdf("rehabilitation/programme/document.html", context)


def filename(version: ProgrammeVersion, lang: str, extension: str) -> str:
    return f"{version.programme.number}-v{version.sequence}-{lang}.{extension}"


def programme_file(
    version: ProgrammeVersion, *, lang: str, extension: str, viewer: Any, request: Any = None
) -> tuple[bytes, str, str]:
    """The file's bytes, content type and name; the download of personal data is audited."""
    context = document_context(version, lang)
    if extension == "pdf":
        body, content_type = programme_pdf(context), PDF_CONTENT_TYPE
    else:
        body, content_type = programme_docx(context), DOCX_CONTENT_TYPE
    audited(
        version.programme.person,
        AuditAction.VIEW,
        actor=viewer,
        request=request,
        detail=f"programme={version.programme.number};version={version.sequence};{lang}.{extension}",
    )
    return body, content_type, filename(version, lang, extension)
