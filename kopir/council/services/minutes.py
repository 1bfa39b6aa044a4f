"""The minutes workflow: assembled from the meeting → edited as a draft (every save a new version)
→ signed by the chair and by the secretary → approved and locked.

Once locked, nothing changes: every function here refuses with a DomainError, re-assembly
included. Each change is one transaction with its audit record, and bumps `Minutes.version` under
a compare-and-set so that two people editing the same draft never overwrite each other.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.council import access
from kopir.council.models import Meeting, MeetingStatus, Minutes, MinutesStatus, MinutesVersion
from kopir.council.services import staff_alerts
from kopir.council.services.minutes_body import build_body, load_meeting
from kopir.council.services.minutes_labels import MINUTES_LANGUAGES, label
from kopir.council.services.minutes_texts import missing_texts


class MinutesLocked(DomainError):
    """The minutes were approved and locked: they can no longer change."""


def _refuse_if_locked(minutes: Minutes) -> None:
    if minutes.is_locked or minutes.status == MinutesStatus.APPROVED:
        raise MinutesLocked(
            _("These minutes were approved and locked. They can no longer be changed.")
        )


def _claim_version(minutes: Minutes, expected_version: int, **changes: Any) -> None:
    """Write `changes` only if nobody saved since `expected_version` was read."""
    updated = Minutes.objects.filter(
        pk=minutes.pk, version=expected_version, locked_at__isnull=True
    ).update(version=F("version") + 1, **changes)
    if not updated:
        minutes.refresh_from_db()
        _refuse_if_locked(minutes)
        raise ConflictError(
            _(
                "Someone else changed these minutes after you opened them. Your text was kept "
                "below; check the latest version before saving again."
            )
        )
    minutes.refresh_from_db()


def latest_version(minutes: Minutes) -> MinutesVersion | None:
    return minutes.versions.order_by("-number").first()


def _add_version(
    minutes: Minutes, *, actor: Any, body_kk: dict, body_ru: dict, note: str
) -> MinutesVersion:
    previous = latest_version(minutes)
    version = MinutesVersion(
        minutes=minutes,
        number=(previous.number + 1) if previous else 1,
        body_kk=body_kk,
        body_ru=body_ru,
        created_by=actor,
        note=note[:255],
    )
    version.full_clean()
    version.save()
    return version


def minutes_assemble(
    *, actor: Any, meeting: Meeting, request: HttpRequest | None = None
) -> Minutes:
    """Assemble (or re-assemble) the draft minutes from the meeting's records, as a new version.

    Re-assembly replaces the text in a new version (earlier ones stay readable) and clears any
    signature: a signature covers the text that was signed.
    """
    access.ensure_secretary(
        actor, meeting.council, _("Only the council's secretary assembles the minutes.")
    )
    if meeting.status == MeetingStatus.CANCELLED:
        raise DomainError(_("The meeting was cancelled: it has no minutes."))
    if meeting.starts_at > timezone.now():
        raise DomainError(_("The minutes can be assembled once the meeting has started."))
    full_meeting = load_meeting(meeting.pk)
    bodies = {lang: build_body(full_meeting, lang) for lang in MINUTES_LANGUAGES}
    with transaction.atomic():
        minutes, created = Minutes.objects.select_for_update().get_or_create(meeting=meeting)
        if not created:
            _refuse_if_locked(minutes)
            _claim_version(
                minutes,
                minutes.version,
                approved_by_chair=None,
                approved_by_secretary=None,
                chair_signed_at=None,
                secretary_signed_at=None,
            )
        _add_version(
            minutes,
            actor=actor,
            body_kk=bodies["kk"],
            body_ru=bodies["ru"],
            note=_("Assembled from the meeting's records"),
        )
        audited(
            minutes,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            ["body_kk", "body_ru"],
            actor=actor,
            request=request,
            detail="assembled",
        )
        staff_alerts.minutes_to_sign(minutes, actor=actor, request=request)
    return minutes


def minutes_edit(
    *,
    actor: Any,
    minutes: Minutes,
    expected_version: int,
    lang: str,
    section_texts: dict[str, str],
    note: str,
    request: HttpRequest | None = None,
) -> MinutesVersion:
    """Save the secretary's text of the sections in one language as a new version.

    The other language and the structured parts (headings, votes) carry over unchanged.
    """
    _refuse_if_locked(minutes)
    access.ensure_secretary(
        actor, minutes.meeting.council, _("Only the council's secretary edits the minutes.")
    )
    if lang not in MINUTES_LANGUAGES:
        raise DomainError(_("The minutes are written in Kazakh and Russian only."))
    with transaction.atomic():
        current = latest_version(minutes)
        if current is None:
            raise DomainError(_("Assemble the minutes from the meeting first."))
        bodies = {"kk": copy.deepcopy(current.body_kk), "ru": copy.deepcopy(current.body_ru)}
        changed = []
        for section in bodies[lang]["sections"]:
            new_text = section_texts.get(section["key"])
            if new_text is None:
                continue
            new_text = new_text.replace("\r\n", "\n").strip()
            if new_text != section["text"]:
                section["text"] = new_text
                changed.append(section["key"])
        if not changed:
            raise DomainError(_("Nothing was changed: no new version was saved."))
        _claim_version(
            minutes,
            expected_version,
            approved_by_chair=None,
            approved_by_secretary=None,
            chair_signed_at=None,
            secretary_signed_at=None,
        )
        version = _add_version(
            minutes, actor=actor, body_kk=bodies["kk"], body_ru=bodies["ru"], note=note
        )
        audited(
            minutes,
            AuditAction.UPDATE,
            [f"body_{lang}"],
            actor=actor,
            request=request,
            detail=f"version {version.number}",
        )
    return version


class TextsMissing(DomainError):
    """A text of the meeting's record is missing in Kazakh or Russian: the minutes, issued in
    both languages, cannot be signed."""


def _refuse_if_texts_missing(meeting: Meeting) -> None:
    missing = missing_texts(meeting)
    if missing:
        names = "; ".join(f"{gap.pair.what} ({gap.language})" for gap in missing)
        raise TextsMissing(
            _(
                "The minutes cannot be signed while a text is missing in one of the languages. "
                "Missing: %(texts)s. Fill them in on the meeting's texts page, then assemble the "
                "minutes again."
            )
            % {"texts": names}
        )


def _refuse_if_gaps_assembled(version: MinutesVersion | None) -> None:
    """The texts are all there now, but the text to be signed was assembled before they were."""
    if version is None:
        return
    for lang, body in (("kk", version.body_kk), ("ru", version.body_ru)):
        if label(lang, "missing_text") in json.dumps(body, ensure_ascii=False):
            raise TextsMissing(
                _(
                    "The minutes were assembled before every text was entered in both languages. "
                    "Assemble them again from the meeting's records, then sign."
                )
            )


def minutes_sign(
    *,
    actor: Any,
    minutes: Minutes,
    expected_version: int,
    request: HttpRequest | None = None,
) -> Minutes:
    """Sign as the chair or as the secretary; the second signature approves and locks.

    Two different people sign: the chair (a seat with position chair in the composition in force)
    and the council's secretary. One person holding both cannot sign twice.
    """
    _refuse_if_locked(minutes)
    council = minutes.meeting.council
    if latest_version(minutes) is None:
        raise DomainError(_("Assemble the minutes from the meeting first."))
    _refuse_if_texts_missing(minutes.meeting)
    _refuse_if_gaps_assembled(latest_version(minutes))
    now = timezone.now()
    changes: dict[str, Any] = {}
    if access.is_chair(actor, council) and minutes.approved_by_chair_id is None:
        if minutes.approved_by_secretary_id == actor.pk:
            raise DomainError(_("You already signed as the secretary; the chair signs separately."))
        changes = {"approved_by_chair": actor, "chair_signed_at": now}
        role = "chair"
    elif access.is_secretary(actor, council) and minutes.approved_by_secretary_id is None:
        if minutes.approved_by_chair_id == actor.pk:
            raise DomainError(_("You already signed as the chair; the secretary signs separately."))
        changes = {"approved_by_secretary": actor, "secretary_signed_at": now}
        role = "secretary"
    elif access.is_chair(actor, council) or access.is_secretary(actor, council):
        raise DomainError(_("You have already signed these minutes."))
    else:
        raise AccessDenied(_("Only the chair and the secretary sign the minutes."))
    chair_done = minutes.approved_by_chair_id is not None or role == "chair"
    secretary_done = minutes.approved_by_secretary_id is not None or role == "secretary"
    if chair_done and secretary_done:
        changes.update(status=MinutesStatus.APPROVED, locked_at=now)
    with transaction.atomic():
        _claim_version(minutes, expected_version, **changes)
        audited(
            minutes,
            AuditAction.UPDATE,
            sorted(changes),
            actor=actor,
            request=request,
            detail=f"signed as {role}"
            + ("; approved and locked" if "locked_at" in changes else ""),
        )
    return minutes
