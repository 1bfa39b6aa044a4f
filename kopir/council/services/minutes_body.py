"""Assembling the text of the minutes from the meeting's records, in Kazakh and in Russian.

The body is plain JSON, the same shape in both languages, so it can be versioned, compared,
edited section by section and rendered as HTML, DOCX and PDF by the same code:

    {"schema": 1, "lang": "kk", "title": ..., "council": ...,
     "details": [{"label": ..., "value": ...}],
     "sections": [{"key": ..., "heading": ..., "text": ..., "votes": [...], "figures": [...]}],
     "signatures": [{"role": "chair"|"secretary", "label": ..., "name": ...}]}

Section texts are what the secretary edits: paragraphs on their own lines, list entries starting
with "- ". Votes stay structured (they become a table) and are never edited: they are the record.
So do the figures an agenda item or a recommendation cites ("figures": tables with their title,
details, columns and rows), from the citation sources registered with `core/registry.py` (the
oversight's dashboard snapshots, which never change): the council does not know where they come
from.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from kopir.core.registry import CitedTable, registry
from kopir.council.bilingual import in_language
from kopir.council.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    CompositionStatus,
    Meeting,
    Member,
    MemberPosition,
    Recommendation,
    Speech,
    Vote,
)
from kopir.council.services.minutes_labels import (
    MEETING_FORMATS,
    MINUTES_LANGUAGES,
    POSITIONS,
    PRESENCE,
    VOTE_KINDS,
    VOTE_RESULTS,
    label,
)
from kopir.council.services.minutes_texts import TEXT_LANGUAGES
from kopir.council.services.quorum import PRESENT, quorum_required, sitting_members

BODY_SCHEMA = 1


def _date(day: dt.date | None) -> str:
    return day.strftime("%d.%m.%Y") if day else ""


def _text(record: Any, field: str, lang: str) -> str:
    """The record's text in `lang`; where only the other language has it, a visible gap (the
    minutes cannot be signed until it is filled: services/minutes_texts.py)."""
    text = in_language(record, field, lang).strip()
    if text:
        return text
    if any(in_language(record, field, other).strip() for other in TEXT_LANGUAGES):
        return label(lang, "missing_text")
    return ""


def _org_name(organisation: Any, lang: str) -> str:
    if organisation is None:
        return ""
    return str(getattr(organisation, f"name_{lang}", "") or organisation.name_kk)


def _member_line(member: Member, lang: str, presence: str = "") -> str:
    affiliation = _org_name(member.affiliation, lang) or _text(member, "affiliation_text", lang)
    parts = [POSITIONS[lang].get(member.position, "")]
    if affiliation:
        parts.append(affiliation)
    line = f"- {member.full_name} — {', '.join(part for part in parts if part)}"
    if presence:
        line += f" ({PRESENCE[lang][presence]})"
    return line


def quorum_counts(meeting: Meeting, attendance: list[Attendance]) -> tuple[int, int, bool]:
    """(members present, members of the sitting composition, quorum met) under the council's rule."""
    members = sitting_members(meeting, attendance)
    seats = {member.pk for member in members}
    present = sum(1 for row in attendance if row.member_id in seats and row.status in PRESENT)
    total = len(members)
    return (
        present,
        total,
        total > 0 and present >= quorum_required(meeting.council.quorum_rule, total),
    )


def _person_key(name: str) -> str:
    """A person's name as typed by different hands compared alike (case and spacing)."""
    return " ".join(name.split()).casefold()


def _attendance_text(meeting: Meeting, attendance: list[Attendance], lang: str) -> str:
    members = sitting_members(meeting, attendance)
    by_member = {row.member_id: row for row in attendance if row.member_id}
    present = [m for m in members if m.pk in by_member and by_member[m.pk].status in PRESENT]
    absent = [m for m in members if m not in present]
    lines = [f"{label(lang, 'members_present')}:"]
    lines += [_member_line(m, lang, by_member[m.pk].status) for m in present] or [
        f"- {label(lang, 'nobody')}"
    ]
    lines.append(f"{label(lang, 'absent')}:")
    lines += [_member_line(m, lang) for m in absent] or [f"- {label(lang, 'nobody')}"]
    # An official invited to answer on an item is often also recorded among the guests, and may
    # be invited to several items: the minutes name each person once, as an official.
    officials: dict[str, str] = {}
    for item in meeting.agenda.all():
        for official in item.invited.all():
            officials.setdefault(
                _person_key(official.full_name),
                f"- {official.full_name} — {_text(official, 'position', lang)}, "
                f"{_org_name(official.organisation, lang)}",
            )
    guests = [
        row
        for row in attendance
        if row.status == AttendanceStatus.GUEST and _person_key(row.guest_name) not in officials
    ]
    if guests:
        lines.append(f"{label(lang, 'guests')}:")
        for row in guests:
            organisation = _org_name(row.guest_organisation, lang)
            lines.append(f"- {row.guest_name}" + (f" — {organisation}" if organisation else ""))
    if officials:
        lines.append(f"{label(lang, 'officials')}:")
        lines += list(officials.values())
    return "\n".join(lines)


def _speech_line(speech: Speech, lang: str) -> str:
    position = _text(speech, "speaker_position", lang)
    about = ", ".join(part for part in (position, _org_name(speech.organisation, lang)) if part)
    who = f"{speech.speaker} ({about})" if about else speech.speaker
    return f"- {who}: {_text(speech, 'summary', lang)}"


def _vote_result(vote: Vote, lang: str) -> str:
    """The result as recorded, and, for a vote the chair annulled, that it was and why."""
    result = VOTE_RESULTS[lang].get(vote.result, vote.result)
    if vote.annulled_at is None:
        return result
    reason = _text(vote, "annulment_reason", lang)
    return VOTE_RESULTS[lang]["annulled"].format(result=result, reason=reason)


def _figures(tables: list[CitedTable], prefix: str = "") -> list[dict[str, Any]]:
    """Cited tables as the body keeps them (plain JSON)."""
    return [
        {
            "title": f"{prefix}{table.title}",
            "details": [list(detail) for detail in table.details],
            "columns": list(table.columns),
            "rows": [list(row) for row in table.rows],
        }
        for table in tables
    ]


def _item_section(item: AgendaItem, lang: str, cited: list[CitedTable]) -> dict[str, Any]:
    paragraphs: list[str] = []
    # A member or an invited official is named as they are; someone else as the secretary wrote
    # them (often with their position), in each language.
    rapporteur = (
        item.rapporteur_name
        if item.rapporteur_member_id or item.rapporteur_official_id
        else _text(item, "rapporteur", lang)
    )
    if rapporteur:
        paragraphs.append(f"{label(lang, 'rapporteur')}: {rapporteur}.")
    description = _text(item, "description", lang)
    if description:
        paragraphs.append(description)
    speeches = [s for s in item.speeches.all() if not s.is_official_answer]
    answers = [s for s in item.speeches.all() if s.is_official_answer]
    if speeches:
        paragraphs.append(
            "\n".join([f"{label(lang, 'speeches')}:"] + [_speech_line(s, lang) for s in speeches])
        )
    if answers:
        paragraphs.append(
            "\n".join(
                [f"{label(lang, 'official_answers')}:"] + [_speech_line(s, lang) for s in answers]
            )
        )
    decisions = list(item.decisions.all())
    if decisions:
        lines = [f"{label(lang, 'decided')}:"]
        lines += [f"- {_text(decision, 'text', lang)}" for decision in decisions]
        paragraphs.append("\n".join(lines))
    votes = [
        {
            "question": _text(vote, "question", lang),
            "kind": VOTE_KINDS[lang].get(vote.kind, vote.kind),
            "for": vote.votes_for,
            "against": vote.votes_against,
            "abstain": vote.votes_abstain,
            "result_code": "annulled" if vote.annulled_at else vote.result,
            "result": _vote_result(vote, lang),
        }
        for vote in item.votes.all()
    ]
    return {
        "key": f"item-{item.order}",
        "heading": f"{item.order}. {_text(item, 'title', lang)}",
        "text": "\n\n".join(paragraphs),
        "votes": votes,
        "figures": _figures(cited),
    }


def _recommendation_line(recommendation: Recommendation, lang: str) -> str:
    dues = []
    if recommendation.send_due_on:
        dues.append(f"{label(lang, 'send_due')} {_date(recommendation.send_due_on)}")
    if recommendation.answer_due_on:
        dues.append(f"{label(lang, 'answer_due')} {_date(recommendation.answer_due_on)}")
    due = "; ".join(dues) or label(lang, "no_deadline")
    addressee = _org_name(recommendation.addressee, lang)
    text = _text(recommendation, "text", lang)
    return f"- № {recommendation.number}. {addressee}: {text} ({due})"


def _signature_names(meeting: Meeting) -> dict[str, str]:
    seats = Member.objects.filter(
        composition__council=meeting.council,
        composition__status=CompositionStatus.APPROVED,
        position__in=[MemberPosition.CHAIR, MemberPosition.SECRETARY],
    )
    return {seat.position: seat.full_name for seat in seats}


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting with everything the minutes show, read in a fixed number of queries."""
    agenda = (
        AgendaItem.objects.order_by("order")
        .select_related("rapporteur_member", "rapporteur_official")
        .prefetch_related(
            Prefetch("speeches", queryset=Speech.objects.select_related("organisation")),
            "votes",
            "decisions",
            Prefetch("invited", queryset=_invited_queryset()),
        )
    )
    return (
        Meeting.objects.select_related("council__organisation")
        .prefetch_related(
            Prefetch("agenda", queryset=agenda),
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related(
                    "member__affiliation", "guest_organisation"
                ),
            ),
        )
        .get(pk=meeting_id)
    )


def _invited_queryset() -> Any:
    from kopir.council.models import InvitedOfficial

    return InvitedOfficial.objects.select_related("organisation").order_by("pk")


def build_body(meeting: Meeting, lang: str) -> dict[str, Any]:
    """The minutes of `meeting` in `lang` ("kk" or "ru"), assembled from its records."""
    if lang not in MINUTES_LANGUAGES:
        raise ValueError(f"minutes are written in kk or ru, not {lang!r}")
    attendance = list(meeting.attendance.all())
    starts = timezone.localtime(meeting.starts_at)
    details = [
        {"label": label(lang, "council"), "value": _org_name(meeting.council.organisation, lang)},
        {"label": label(lang, "date"), "value": _date(starts.date())},
        {"label": label(lang, "time"), "value": starts.strftime("%H:%M")},
        {"label": label(lang, "format"), "value": MEETING_FORMATS[lang].get(meeting.format, "")},
    ]
    place = _text(meeting, "place", lang)
    if place:
        details.append({"label": label(lang, "place"), "value": place})
    if meeting.online_link:
        details.append({"label": label(lang, "online_link"), "value": meeting.online_link})
    present, total, met = quorum_counts(meeting, attendance)
    items = list(meeting.agenda.all())
    sections: list[dict[str, Any]] = [
        {
            "key": "attendance",
            "heading": label(lang, "attendance"),
            "text": _attendance_text(meeting, attendance, lang),
            "votes": [],
        },
        {
            "key": "quorum",
            "heading": label(lang, "quorum"),
            "text": label(
                lang, "quorum_met" if met else "quorum_not_met", present=present, total=total
            ),
            "votes": [],
        },
        {
            "key": "agenda",
            "heading": label(lang, "agenda"),
            "text": "\n".join(f"- {item.order}. {_text(item, 'title', lang)}" for item in items),
            "votes": [],
        },
    ]
    recommendations = list(
        Recommendation.objects.filter(decision__agenda_item__meeting=meeting)
        .select_related("addressee")
        .order_by("number")
    )
    cited = registry.cited_tables([*items, *recommendations], lang)
    sections += [_item_section(item, lang, cited.get(item, [])) for item in items]
    sections.append(
        {
            "key": "recommendations",
            "heading": label(lang, "recommendations"),
            "text": "\n".join(_recommendation_line(r, lang) for r in recommendations)
            or label(lang, "recommendations_none"),
            "votes": [],
            "figures": [
                figure
                for r in recommendations
                for figure in _figures(cited.get(r, []), prefix=f"№ {r.number}. ")
            ],
        }
    )
    names = _signature_names(meeting)
    return {
        "schema": BODY_SCHEMA,
        "lang": lang,
        "title": label(lang, "title", number=meeting.number),
        "council": _org_name(meeting.council.organisation, lang),
        "details": details,
        "sections": sections,
        "signatures": [
            {"role": "chair", "label": label(lang, "chair"), "name": names.get("chair", "")},
            {
                "role": "secretary",
                "label": label(lang, "secretary"),
                "name": names.get("secretary", ""),
            },
        ],
    }


def text_blocks(text: str) -> list[dict[str, Any]]:
    """Split a section's text into paragraphs and bulleted lists, for every renderer alike."""
    blocks: list[dict[str, Any]] = []
    for line in (raw.strip() for raw in text.splitlines()):
        if not line:
            continue
        if line.startswith("- "):
            if blocks and blocks[-1]["kind"] == "list":
                blocks[-1]["items"].append(line[2:].strip())
            else:
                blocks.append({"kind": "list", "items": [line[2:].strip()]})
        else:
            blocks.append({"kind": "paragraph", "text": line})
    return [_numbered(block) for block in blocks]


NUMBERED_ITEM = re.compile(r"(\d+)\.\s+(.*)")


def _numbered(block: dict[str, Any]) -> dict[str, Any]:
    """A list whose every item starts with its number ("1. …", the agenda) as a numbered list,
    so a renderer numbers it once instead of putting a bullet before the number."""
    if block["kind"] != "list":
        return block
    matches = [NUMBERED_ITEM.fullmatch(item) for item in block["items"]]
    if not all(matches):
        return block
    return {
        "kind": "numbered",
        "items": [
            {"number": int(match.group(1)), "text": match.group(2)}
            for match in matches
            if match is not None
        ],
    }


def plain_lines(body: dict[str, Any]) -> list[str]:
    """The whole body as lines of text, to compare two versions line by line."""
    lines = [body.get("title", ""), body.get("council", "")]
    lines += [f"{d['label']}: {d['value']}" for d in body.get("details", [])]
    for section in body.get("sections", []):
        lines.append(f"## {section['heading']}")
        lines += [line for line in section.get("text", "").splitlines() if line.strip()]
        for vote in section.get("votes", []):
            lines.append(
                f"{vote['question']}: {vote['for']} / {vote['against']} / {vote['abstain']}"
                f" — {vote['result']}"
            )
        for table in section.get("figures", []):
            lines.append(table["title"])
            lines += [f"{row[0]}: {' | '.join(row[1:])}" for row in table["rows"]]
    return lines
