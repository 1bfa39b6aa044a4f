"""The minutes as files: DOCX (python-docx, real heading styles, a table per vote) and a tagged
PDF (WeasyPrint, PDF/UA-1, with the document's title and language), in Kazakh or Russian.

Both are rendered from the same context as the HTML page, so the three never disagree. What every
document shares (properties, fonts, details, tables, the PDF's page and font) is the document
builder in `core/documents.py`; this module adds the minutes' sections, votes and signatures.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from kopir.core.documents import DOCX_CONTENT_TYPE as DOCX_CONTENT_TYPE  # the views' import
from kopir.core.documents import (
    add_details,
    add_labelled,
    add_table,
    docx_bytes,
    docx_document,
    tagged_pdf,
)
from kopir.council.models import Minutes, MinutesVersion
from kopir.council.services.minutes_body import text_blocks
from kopir.council.services.minutes_labels import label


def _date(value: Any) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y") if value else ""


def document_context(minutes: Minutes, version: MinutesVersion, lang: str) -> dict[str, Any]:
    """What every rendering of one version of the minutes shows, in one language."""
    body = version.body_kk if lang == "kk" else version.body_ru
    signed_at = {"chair": minutes.chair_signed_at, "secretary": minutes.secretary_signed_at}
    signatures = []
    for signature in body.get("signatures", []):
        when = signed_at.get(signature["role"])
        status = f"{label(lang, 'signed')} {_date(when)}" if when else label(lang, "not_signed")
        signatures.append({**signature, "status": status, "signed": bool(when)})
    if minutes.is_locked:
        mark = label(lang, "approved_mark", date=_date(minutes.locked_at), version=version.number)
    else:
        mark = label(lang, "draft_mark", version=version.number)
    sections = [
        {**section, "blocks": text_blocks(section.get("text", ""))} for section in body["sections"]
    ]
    return {
        "lang": lang,
        "title": body["title"],
        "council": body["council"],
        "subtitle": body["council"],
        "document_title": f"{body['title']} — {body['council']}",
        "details": body["details"],
        "sections": sections,
        "signatures": signatures,
        "signatures_heading": label(lang, "signatures"),
        "votes_heading": label(lang, "votes"),
        "figures_heading": label(lang, "figures"),
        "vote_columns": [
            label(lang, key)
            for key in (
                "vote_question",
                "vote_kind",
                "vote_for",
                "vote_against",
                "vote_abstain",
                "vote_result",
            )
        ],
        "status_mark": mark,
        "is_locked": minutes.is_locked,
        "version_number": version.number,
    }


def filename(minutes: Minutes, lang: str, extension: str) -> str:
    meeting = minutes.meeting
    return f"minutes-{meeting.council.slug}-{meeting.number}-{lang}.{extension}"


# --- DOCX ----------------------------------------------------------------------------------------


def _add_blocks(document: Any, blocks: list[dict[str, Any]]) -> None:
    for block in blocks:
        if block["kind"] == "list":
            for item in block["items"]:
                document.add_paragraph(item, style="List Bullet")
        elif block["kind"] == "numbered":
            for item in block["items"]:
                document.add_paragraph(f"{item['number']}. {item['text']}")
        else:
            document.add_paragraph(block["text"])


def _add_figures(document: Any, figures: dict[str, Any]) -> None:
    """A cited table: its title, what it covers, and its rows under a repeated header."""
    document.add_paragraph().add_run(figures["title"]).bold = True
    document.add_paragraph("; ".join(f"{label}: {value}" for label, value in figures["details"]))
    add_table(document, figures["columns"], figures["rows"])


def minutes_docx(context: dict[str, Any]) -> bytes:
    document = docx_document(context, styles=("List Bullet",))
    document.add_paragraph(context["status_mark"]).runs[0].italic = True
    add_details(document, context["details"])
    for section in context["sections"]:
        document.add_heading(section["heading"], level=1)
        _add_blocks(document, section["blocks"])
        if section.get("votes"):
            document.add_heading(context["votes_heading"], level=2)
            add_table(
                document,
                context["vote_columns"],
                (
                    [
                        vote["question"],
                        vote["kind"],
                        str(vote["for"]),
                        str(vote["against"]),
                        str(vote["abstain"]),
                        vote["result"],
                    ]
                    for vote in section["votes"]
                ),
            )
        if section.get("figures"):
            document.add_heading(context["figures_heading"], level=2)
            for figures in section["figures"]:
                _add_figures(document, figures)
    document.add_heading(context["signatures_heading"], level=1)
    for signature in context["signatures"]:
        add_labelled(
            document, signature["label"], f"{signature['name'] or '—'} ({signature['status']})"
        )
    return docx_bytes(document)


# --- PDF -----------------------------------------------------------------------------------------


def minutes_pdf(context: dict[str, Any]) -> bytes:
    return tagged_pdf("council/followup/minutes_document.html", context)
