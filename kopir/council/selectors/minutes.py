"""Reading the minutes: the current text, its versions, and what changed between two of them."""

from __future__ import annotations

import difflib
from typing import Any

from django.http import Http404

from kopir.council.models import Meeting, Minutes, MinutesStatus, MinutesVersion
from kopir.council.services.minutes_body import plain_lines
from kopir.council.services.minutes_labels import MINUTES_LANGUAGES


def minutes_of(meeting: Meeting) -> Minutes | None:
    return (
        Minutes.objects.select_related(
            "meeting__council__organisation", "approved_by_chair", "approved_by_secretary"
        )
        .filter(meeting=meeting)
        .first()
    )


def current_version(minutes: Minutes) -> MinutesVersion | None:
    return minutes.versions.select_related("created_by").order_by("-number").first()


def versions_of(minutes: Minutes) -> list[MinutesVersion]:
    # The list shows number, author, time and note only: leave the two bodies unread.
    return list(
        minutes.versions.select_related("created_by")
        .defer("body_kk", "body_ru")
        .order_by("-number")
    )


def version_of(minutes: Minutes, number: int) -> MinutesVersion:
    version = minutes.versions.select_related("created_by").filter(number=number).first()
    if version is None:
        raise Http404
    return version


def previous_version(version: MinutesVersion) -> MinutesVersion | None:
    return (
        MinutesVersion.objects.filter(minutes_id=version.minutes_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


def body_in(version: MinutesVersion, lang: str) -> dict[str, Any]:
    return version.body_kk if lang == "kk" else version.body_ru


def minutes_language(requested: str | None, interface_language: str | None) -> str:
    """The language asked for (?lang=kk|ru), else the interface's if it is one, else Kazakh."""
    for candidate in (requested, (interface_language or "")[:2]):
        if candidate in MINUTES_LANGUAGES:
            return str(candidate)
    return "kk"


def version_changes(
    older: MinutesVersion | None, newer: MinutesVersion, lang: str
) -> list[dict[str, str]]:
    """The lines that differ between two versions in one language, with a line of context.

    Each entry is {"op": "added" | "removed" | "same" | "gap", "text": ...}; the page marks them
    with <ins>/<del> and words, so the difference is not shown by colour alone.
    """
    new_lines = plain_lines(body_in(newer, lang))
    if older is None:
        return [{"op": "added", "text": line} for line in new_lines]
    old_lines = plain_lines(body_in(older, lang))
    changes: list[dict[str, str]] = []
    for group in difflib.SequenceMatcher(
        a=old_lines, b=new_lines, autojunk=False
    ).get_grouped_opcodes(1):
        if changes:
            changes.append({"op": "gap", "text": ""})
        for tag, old_start, old_end, new_start, new_end in group:
            if tag == "equal":
                changes += [{"op": "same", "text": line} for line in new_lines[new_start:new_end]]
                continue
            if tag in ("replace", "delete"):
                changes += [
                    {"op": "removed", "text": line} for line in old_lines[old_start:old_end]
                ]
            if tag in ("replace", "insert"):
                changes += [{"op": "added", "text": line} for line in new_lines[new_start:new_end]]
    return changes


def approved_minutes(meeting: Meeting) -> tuple[Minutes, MinutesVersion]:
    """The approved, locked minutes of a meeting and their final text; 404 for anything else.

    The public pages use only this: a draft is never public, whatever the address typed.
    """
    minutes = minutes_of(meeting)
    if minutes is None or minutes.status != MinutesStatus.APPROVED or not minutes.is_locked:
        raise Http404
    version = current_version(minutes)
    if version is None:
        raise Http404
    return minutes, version
