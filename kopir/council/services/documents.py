"""The minutes as files: DOCX (python-docx, real heading styles, a table per vote) and a tagged
PDF (WeasyPrint, PDF/UA-1, with the document's title and language), in Kazakh or Russian.

Both are rendered from the same context as the HTML page, so the three never disagree. The PDF
embeds Noto Sans, which has every Kazakh letter (ә ғ қ ң ө ұ ү һ і); DejaVu Sans is the fallback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone

from kopir.core.documents import DOCX_CONTENT_TYPE as DOCX_CONTENT_TYPE  # the views' import
from kopir.core.documents import (
    docx_begin,
    docx_bytes,
    docx_details,
    docx_row,
    docx_table,
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
        "document_title": f"{body['title']} — {body['council']}",
        "details": body["details"],
        "sections": sections,
        "signatures": signatures,
        "signatures_heading": label(lang, "signatures"),
        "votes_heading": label(lang, "votes"),
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
        else:
            document.add_paragraph(block["text"])


def minutes_docx(context: dict[str, Any]) -> bytes:
    document = docx_begin(context, issuer=context["council"])
    document.add_paragraph(context["status_mark"]).runs[0].italic = True
    docx_details(document, context["details"])

    for section in context["sections"]:
        document.add_heading(section["heading"], level=1)
        _add_blocks(document, section["blocks"])
        if section.get("votes"):
            document.add_heading(context["votes_heading"], level=2)
            table = docx_table(document, context["vote_columns"], centred=True)
            for vote in section["votes"]:
                values = [
                    vote["question"],
                    vote["kind"],
                    str(vote["for"]),
                    str(vote["against"]),
                    str(vote["abstain"]),
                    vote["result"],
                ]
                docx_row(table, values, keep_together=False)

    document.add_heading(context["signatures_heading"], level=1)
    for signature in context["signatures"]:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{signature['label']}: ").bold = True
        paragraph.add_run(f"{signature['name'] or '—'} ({signature['status']})")
    return docx_bytes(document)


# --- PDF -----------------------------------------------------------------------------------------


def minutes_pdf(context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1): headings, lists and tables are structure, not just drawing."""
    base_url = str(Path(__file__).resolve().parent)
    return tagged_pdf("council/followup/minutes_document.html", context, base_url=base_url)
