"""The council's annual report as files: DOCX and a tagged PDF (PDF/UA-1) in Kazakh or Russian,
built on the one document builder (`core/documents.py`), as the minutes and the dossiers are.

For a council and a calendar year: the work plan done against planned, the meetings held, the
recommendations sent and what became of them (by state, answered within the due date), the
petitions answered on time, and the figures the council cited that year with their snapshots.
A file carries only texts of its language: the Russian one the `_ru` fields and the names in
Russian, the Kazakh one the unsuffixed fields and the names in Kazakh; a text kept in the other
language only is marked as missing. Petitions count persons: their counts are published as the
dashboards publish them (`disclosure.py`); recommendations and plan items are not persons and
are shown as they are. No person is named, so reading the report writes no audit record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Final

from django.db.models import Count, F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from kopir.core.documents import add_details, add_table, docx_bytes, docx_document, tagged_pdf
from kopir.council.models import (
    Council,
    Meeting,
    MeetingStatus,
    Petition,
    PlanStatus,
    Recommendation,
    RecommendationStatus,
    WorkPlanItem,
    WorkPlanItemStatus,
)
from kopir.council.selectors.councils import plan_item_progress
from kopir.oversight.disclosure import publish_count
from kopir.oversight.models import SnapshotAttachment
from kopir.oversight.selectors.council import PLAN_STATES, STATES
from kopir.oversight.templatetags.oversight_tags import percent

DOCUMENT_LANGUAGES: Final = ("kk", "ru")
DATE_FORMAT = "%d.%m.%Y"


def _text(lang: str, kazakh: str, russian: str) -> str:
    """The half of a text pair in `lang`, or the mark of a missing text."""
    text = russian if lang == "ru" else kazakh
    return text or gettext("[no text in this language]")


def _name(organisation: Any, lang: str) -> str:
    return _text(lang, organisation.name_kk, organisation.name_ru)


def _plan_section(council: Council, year: int, today: dt.date) -> dict[str, Any]:
    counted = dict(
        WorkPlanItem.objects.filter(
            plan__council=council, plan__year=year, plan__status=PlanStatus.APPROVED
        )
        .annotate(progress=plan_item_progress(today))
        .values_list("progress")
        .annotate(items=Count("id"))
        .values_list("progress", "items")
    )
    planned = sum(counted.values())
    done = counted.get(WorkPlanItemStatus.DONE, 0)
    rows = [
        [str(WorkPlanItemStatus(state).label), str(counted.get(state, 0))] for state in PLAN_STATES
    ]
    return {
        "heading": gettext("Work plan, done against planned"),
        # A year with nothing planned says so once, in its empty sentence.
        "paragraphs": [
            gettext("Items planned: %(planned)s; done: %(done)s (%(share)s).")
            % {"planned": planned, "done": done, "share": percent(done / planned)}
        ]
        if planned
        else [],
        "table": {
            "caption": gettext("Work plan items by status, %(year)s") % {"year": year},
            "columns": [gettext("Status"), gettext("Items")],
            "rows": rows if planned else [],
        },
        "empty": gettext("No approved work plan has items in this year."),
    }


def _meetings_section(council: Council, year: int, lang: str) -> dict[str, Any]:
    meetings = Meeting.objects.filter(
        council=council, status=MeetingStatus.HELD, starts_at__year=year
    ).order_by("starts_at", "number")
    rows = [
        [
            str(meeting.number),
            timezone.localtime(meeting.starts_at).strftime(DATE_FORMAT),
            # An online meeting has no place: its format says where it was.
            str(meeting.get_format_display()),
            _text(lang, meeting.place, meeting.place_ru)
            if meeting.place or meeting.place_ru
            else "",
        ]
        for meeting in meetings
    ]
    return {
        "heading": gettext("Meetings held"),
        "paragraphs": [gettext("Meetings held: %(count)s.") % {"count": len(rows)}] if rows else [],
        "table": {
            "caption": gettext("Meetings held in %(year)s") % {"year": year},
            "columns": [gettext("Number"), gettext("Date"), gettext("Format"), gettext("Place")],
            "rows": rows,
        },
        "empty": gettext("The council held no meeting in this year."),
    }


def answered_in_time(recommendation: Recommendation, today: dt.date) -> bool | None:
    """Whether the first answer came on or before its due date; None while it is not yet due
    (no answer and the due date not passed) or has no due date."""
    due = recommendation.answer_due_on
    if due is None:
        return None
    if recommendation.answered_on is not None:
        return recommendation.answered_on <= due
    return False if due < today else None


def _recommendations_section(
    council: Council, year: int, lang: str, today: dt.date
) -> dict[str, Any]:
    recommendations = list(
        Recommendation.objects.filter(council=council, sent_on__year=year)
        .exclude(status=RecommendationStatus.DRAFT)
        .select_related("addressee")
        .order_by("sent_on", "number", "id")
    )
    by_state = Counter(recommendation.status for recommendation in recommendations)
    verdicts = [answered_in_time(r, today) for r in recommendations]
    due = sum(1 for verdict in verdicts if verdict is not None)
    in_time = sum(1 for verdict in verdicts if verdict)
    words = {True: gettext("Yes"), False: gettext("No"), None: gettext("Not yet due")}
    states = ", ".join(
        f"{RecommendationStatus(state).label}: {by_state.get(state, 0)}" for state in STATES
    )
    return {
        "heading": gettext("Recommendations and their execution"),
        "paragraphs": [
            gettext("Recommendations sent: %(count)s.") % {"count": len(recommendations)},
            gettext("By state today: %(states)s.") % {"states": states},
            gettext(
                "Answered within the due date: %(in_time)s of %(due)s whose answer was due "
                "(%(share)s)."
            )
            % {"in_time": in_time, "due": due, "share": percent(in_time / due if due else None)},
        ]
        if recommendations
        else [],
        "table": {
            "caption": gettext("Recommendations sent in %(year)s") % {"year": year},
            "columns": [
                gettext("Number"),
                gettext("Sent"),
                gettext("Addressee"),
                gettext("Recommendation"),
                gettext("State"),
                gettext("Answered within the due date"),
            ],
            "rows": [
                [
                    r.number,
                    r.sent_on.strftime(DATE_FORMAT) if r.sent_on else "",
                    _name(r.addressee, lang),
                    _text(lang, r.text, r.text_ru),
                    str(r.get_status_display()),
                    words[verdict],
                ]
                for r, verdict in zip(recommendations, verdicts, strict=True)
            ],
        },
        "empty": gettext("The council sent no recommendation in this year."),
    }


def _petitions_section(council: Council, year: int, today: dt.date) -> dict[str, Any]:
    answered = Q(answered_on__isnull=False)
    counts = Petition.objects.filter(council=council, received_on__year=year).aggregate(
        received=Count("id"),
        on_time=Count("id", filter=answered & Q(answered_on__lte=F("answer_due_on"))),
        late=Count("id", filter=answered & Q(answered_on__gt=F("answer_due_on"))),
        overdue=Count("id", filter=Q(answered_on__isnull=True, answer_due_on__lt=today)),
    )
    shown = {key: publish_count(value) for key, value in counts.items()}
    on_time, late = shown["on_time"].value, shown["late"].value
    share = (
        on_time / (on_time + late)
        if on_time is not None and late is not None and on_time + late
        else None
    )
    return {
        "heading": gettext("Petitions answered on time"),
        "paragraphs": [
            gettext("Petitioners are persons: under 5 shows <5, other counts are rounded to 5.")
        ],
        "table": {
            "caption": gettext("Petitions received in %(year)s") % {"year": year},
            "columns": [gettext("Figure"), gettext("Petitions")],
            "rows": [
                [gettext("Petitions received"), str(shown["received"])],
                [gettext("Answered on time"), str(shown["on_time"])],
                [gettext("Answered late"), str(shown["late"])],
                [gettext("Overdue"), str(shown["overdue"])],
                [gettext("Share answered on time"), percent(share)],
            ],
        },
        "empty": "",
    }


def _citing_record(attachment: SnapshotAttachment, lang: str) -> str:
    """The agenda item, recommendation or letter that cited a snapshot, by its number and title."""
    if attachment.agenda_item is not None:
        item = attachment.agenda_item
        return gettext("Agenda item %(order)s of meeting № %(meeting)s: %(title)s") % {
            "order": item.order,
            "meeting": item.meeting.number,
            "title": _text(lang, item.title, item.title_ru),
        }
    if attachment.recommendation is not None:
        return gettext("Recommendation № %(number)s") % {"number": attachment.recommendation.number}
    letter = attachment.letter
    assert letter is not None  # an attachment cites exactly one record
    return gettext("Letter № %(number)s: %(subject)s") % {
        "number": letter.number,
        "subject": _text(lang, letter.subject, letter.subject_ru),
    }


def _figures_section(council: Council, year: int, lang: str) -> dict[str, Any]:
    """The snapshots cited that year by the council's agenda items, recommendations or letters,
    each once, with the records that cited it, when its figures were computed, its data version
    and the figures it keeps in `lang`."""
    attachments = (
        SnapshotAttachment.objects.filter(attached_at__year=year)
        .filter(
            Q(agenda_item__meeting__council=council)
            | Q(recommendation__council=council)
            | Q(letter__council=council)
        )
        .select_related("snapshot", "agenda_item__meeting", "recommendation", "letter")
        .order_by("snapshot__computed_on", "snapshot_id", "attached_at", "id")
    )
    cited: dict[int, list[SnapshotAttachment]] = {}
    for attachment in attachments:
        cited.setdefault(attachment.snapshot_id, []).append(attachment)
    figures = []
    for citations in cited.values():
        snapshot = citations[0].snapshot
        shown = snapshot.content.get(lang, {})
        figures.append(
            {
                "heading": _text(lang, snapshot.title, snapshot.title_ru),
                "details": [
                    {
                        "label": gettext("Cited in"),
                        "value": "; ".join(_citing_record(a, lang) for a in citations),
                    },
                    {
                        "label": gettext("Figures as of"),
                        "value": snapshot.computed_on.strftime(DATE_FORMAT),
                    },
                    {"label": gettext("Data version"), "value": str(snapshot.data_version)},
                    *shown.get("filters", []),
                ],
                "rows": [[f["label"], f["shown"]] for f in shown.get("figures", [])],
            }
        )
    return {
        "heading": gettext("Figures cited, with their snapshots"),
        "paragraphs": [],
        "snapshots": figures,
        "columns": [gettext("Figure"), gettext("Value")],
        "empty": gettext("The council cited no figure in this year."),
    }


def report_context(
    council: Council, year: int, lang: str, *, today: dt.date | None = None
) -> dict[str, Any]:
    """Everything both files of the report show, in `lang` only."""
    today = today or timezone.localdate()
    with translation.override(lang):
        name = _name(council.organisation, lang)
        title = gettext("Annual report, %(year)s") % {"year": year}
        return {
            "lang": lang,
            "title": title,
            "subtitle": name,
            "document_title": f"{name}: {title}",
            "details": [
                {"label": gettext("Council"), "value": name},
                {"label": gettext("Year"), "value": str(year)},
                {"label": gettext("Printed"), "value": today.strftime(DATE_FORMAT)},
            ],
            "sections": [
                _plan_section(council, year, today),
                _meetings_section(council, year, lang),
                _recommendations_section(council, year, lang, today),
                _petitions_section(council, year, today),
            ],
            "figures": _figures_section(council, year, lang),
        }


def filename(council: Council, year: int, lang: str, extension: str) -> str:
    return f"annual-report-{council.slug}-{year}-{lang}.{extension}"


def report_docx(context: dict[str, Any]) -> bytes:
    document = docx_document(context)
    add_details(document, context["details"])
    for section in context["sections"]:
        document.add_heading(section["heading"], level=1)
        for paragraph in section["paragraphs"]:
            document.add_paragraph(paragraph)
        table = section["table"]
        if table["rows"]:
            add_table(document, table["columns"], table["rows"])
        elif section["empty"]:
            document.add_paragraph(section["empty"])
    figures = context["figures"]
    document.add_heading(figures["heading"], level=1)
    if not figures["snapshots"]:
        document.add_paragraph(figures["empty"])
    for snapshot in figures["snapshots"]:
        document.add_heading(snapshot["heading"], level=2)
        add_details(document, snapshot["details"])
        add_table(document, figures["columns"], snapshot["rows"])
    return docx_bytes(document)


def report_pdf(context: dict[str, Any]) -> bytes:
    """A tagged PDF (PDF/UA-1): the headings and tables are structure."""
    return tagged_pdf("oversight/annual_report_document.html", context)
