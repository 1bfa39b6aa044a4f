"""The citizen status page: a person (or their representative) follows their referral.

They give the referral number and the IIN; if the two belong together, a six-digit one-time code
goes to the person's notification channel (their phone or e-mail on record, or their legal
representative's). Entering the code opens the referral's status once. The page answers the same
way whether or not the number and IIN match, so it cannot be used to find out who was referred.

Limits:
- per referral, counted in the database so they hold across server processes: codes sent per
  hour (nobody can flood a person with messages) and attempts per code; a new code replaces the
  previous one. These are what bound guessing a code.
- per client address: code requests and code entries per hour, counted by Kopir's rate limiter
  (`kopir.core.rate_limits`, in Django's cache, addresses kept only as keyed hashes).
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import (
    Referral,
    StatusAccessCode,
    StatusRequest,
)
from kopir.assessment.notice_topics import ACCESS_CODE
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited
from kopir.core.errors import DomainError
from kopir.core.rate_limits import Rate, RateLimit
from kopir.notices.services import notice_queue, person_recipient

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
# How long an entered code keeps the status open in the visitor's session.
ACCESS_LIFETIME = dt.timedelta(minutes=15)
LIMIT_WINDOW = dt.timedelta(hours=1)
MAX_CODE_REQUESTS_PER_ADDRESS = 10
MAX_CODE_CHECKS_PER_ADDRESS = 20
MAX_CODES_PER_REFERRAL = 3
CODE_REQUESTS = RateLimit(
    "citizen-code-request",
    Rate(limit=MAX_CODE_REQUESTS_PER_ADDRESS, seconds=int(LIMIT_WINDOW.total_seconds())),
)
CODE_CHECKS = RateLimit(
    "citizen-code-check",
    Rate(limit=MAX_CODE_CHECKS_PER_ADDRESS, seconds=int(LIMIT_WINDOW.total_seconds())),
)
NUMBER_SHAPE = re.compile(r"^MSE-\d{4}-\d{6}$")


class RateLimited(DomainError):
    """Too many requests from this address: the same answer whatever was asked."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "There have been too many requests from your connection. Wait an hour and try "
                "again, or ask the clinic that referred you."
            )
        )


class CodeRefused(DomainError):
    """The code is wrong, used, expired or exhausted; which of these is not said."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This code is not right or is no longer valid. Check the digits, or ask for a new "
                "code. A code works once, for 10 minutes."
            )
        )


def _code_hash(referral_id: int, code: str) -> str:
    return salted_hmac("kopir.citizen.code", f"{referral_id}:{code}").hexdigest()


def normalise_number(number: str) -> str:
    return re.sub(r"\s+", "", number or "").upper().replace("–", "-").replace("—", "-")


def citizen_code_request(*, number: str, iin: str, client: str) -> int | None:
    """Send a one-time code if `number` and `iin` belong to one referral.

    Returns the referral's id (to be kept in the visitor's session, never shown) or None. Raises
    RateLimited when this address has asked too often — checked before anything is looked up, so
    the answer never depends on whether the referral exists. A referral that had its hourly
    codes already gets none, silently, for the same reason.
    """
    if CODE_REQUESTS.attempt(client):
        raise RateLimited
    now = timezone.now()
    referral = (
        Referral.objects.select_related("person__legal_representative", "medical_organisation")
        .filter(number=normalise_number(number), person__iin=(iin or "").strip())
        .first()
    )
    with transaction.atomic():
        if referral is None:
            # The same work as for a real referral, so the answer takes as long either way.
            _code_hash(0, "0" * CODE_DIGITS)
            return None
        codes = StatusAccessCode.objects.filter(referral=referral)
        if codes.filter(created_at__gte=now - LIMIT_WINDOW).count() >= MAX_CODES_PER_REFERRAL:
            _code_hash(0, "0" * CODE_DIGITS)
            return referral.pk
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        # Only the newest code works: an earlier message arriving late opens nothing.
        codes.filter(used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        access = StatusAccessCode.objects.create(
            referral=referral,
            code_hash=_code_hash(referral.pk, code),
            expires_at=now + CODE_LIFETIME,
        )
        notice_queue(
            recipient=person_recipient(referral.person),
            template=ACCESS_CODE.template,
            context={
                "code": code,
                # Spaced out, a screen reader reads the digits one by one, not as a large number.
                "digits": " ".join(code),
                "number": referral.number,
                "minutes": int(CODE_LIFETIME.total_seconds() // 60),
            },
            topic=ACCESS_CODE.key,
            related=referral,
            concerns=referral.medical_organisation,
            sensitive=True,
            channel=AuditChannel.WEB,
        )
        audited(access, AuditAction.CREATE, actor=None, detail=f"referral={referral.pk}")
    return referral.pk


def citizen_code_verify(*, referral_id: int | None, code: str, client: str) -> Referral:
    """The referral the code opens, or CodeRefused; RateLimited after too many entries."""
    if CODE_CHECKS.attempt(client):
        raise RateLimited
    now = timezone.now()
    code = re.sub(r"\s+", "", code or "")
    if referral_id is None or not re.fullmatch(rf"\d{{{CODE_DIGITS}}}", code):
        raise CodeRefused
    access = (
        StatusAccessCode.objects.filter(
            referral_id=referral_id,
            used_at__isnull=True,
            expires_at__gt=now,
            attempts__lt=MAX_CODE_ATTEMPTS,
        )
        .order_by("-created_at", "-id")
        .first()
    )
    if access is None:
        raise CodeRefused
    # Count the attempt before comparing, conditionally, so two guesses at once both count.
    counted = StatusAccessCode.objects.filter(pk=access.pk, attempts=access.attempts).update(
        attempts=access.attempts + 1
    )
    if not counted or not hmac.compare_digest(access.code_hash, _code_hash(referral_id, code)):
        raise CodeRefused
    with transaction.atomic():
        used = StatusAccessCode.objects.filter(pk=access.pk, used_at__isnull=True).update(
            used_at=now
        )
        if not used:
            raise CodeRefused
        referral = Referral.objects.get(pk=referral_id)
        audited(referral, AuditAction.VIEW, actor=None, detail="citizen status")
    return referral


@dataclass(frozen=True)
class Grant:
    referral_id: int
    until: dt.datetime


def grant_is_valid(grant: Grant | None, now: dt.datetime | None = None) -> bool:
    return grant is not None and (now or timezone.now()) < grant.until


# Where an entered code's access is kept in the visitor's session.
GRANT_SESSION_KEY = "citizen_status_grant"


def grant_from_session(session: Any) -> Grant | None:
    """The access the visitor's session holds, valid or not; None when it holds none."""
    raw = session.get(GRANT_SESSION_KEY)
    if not raw:
        return None
    try:
        return Grant(
            referral_id=int(raw["referral_id"]), until=dt.datetime.fromisoformat(raw["until"])
        )
    except (KeyError, TypeError, ValueError):
        return None


# Sections other apps add to the status page (e.g. the rehabilitation programme), registered from
# their AppConfig.ready(): assessment depends on no app that builds on its cases. Each is called
# with the request and the granted referral's id and returns HTML ("" to show nothing).
CitizenSection = Callable[[Any, int], str]
_sections: list[CitizenSection] = []


def register_citizen_section(section: CitizenSection) -> None:
    if section not in _sections:
        _sections.append(section)


def citizen_sections(request: Any, referral_id: int) -> list[str]:
    return [html for section in _sections if (html := section(request, referral_id))]


def citizen_records_prune(*, now: dt.datetime | None = None) -> int:
    """Delete codes no longer usable, and the request log the per-address limits were once
    counted in (no longer written: those limits are counted in the cache now)."""
    now = now or timezone.now()
    requests, _ = StatusRequest.objects.filter(at__lt=now - LIMIT_WINDOW).delete()
    codes, _ = StatusAccessCode.objects.filter(
        expires_at__lt=now - LIMIT_WINDOW, created_at__lt=now - LIMIT_WINDOW
    ).delete()
    return requests + codes
