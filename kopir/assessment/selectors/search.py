"""Referrals in the staff search (`core/search.py`): by their number exactly, for the roles that
open referrals, among the referrals each may open (`access.py`: the clinic its own, the MSE
division those sent to it). A hit shows the number and the status, never the person; finding a
case is a reach into personal data, so each referral a search shows is audited."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopir.assessment import access
from kopir.assessment.models import Referral
from kopir.audit.services import audit_search_reach
from kopir.core.registry import SearchHit, SearchKind

NUMBER_PREFIX = "MSE-"
# A keyboard left in Cyrillic types "МSE" or "MSЕ" with letters that look Latin but are not.
_LATIN_LOOK_ALIKES = str.maketrans({"М": "M", "Ѕ": "S", "Е": "E"})
_YEAR_AND_SERIAL = re.compile(r"\d{4}-\d{6}")


def may_search_referrals(user: Any) -> bool:
    return access.is_clinic_user(user) or access.is_division_user(user)


def find_referrals(user: Any, text: str) -> QuerySet[Referral] | None:
    """The referral numbered `text` (its unique index), if the user may open it. Anything that
    is not shaped like a number searches no referral: there is no search of cases by words."""
    number = text.strip().upper().translate(_LATIN_LOOK_ALIKES)
    if _YEAR_AND_SERIAL.fullmatch(number):
        number = NUMBER_PREFIX + number  # "2026-000123": the prefix is the same on every number
    if not number.startswith(NUMBER_PREFIX):
        return None
    # The clinic's own (drafts included) or the division's sent ones: the lists they open.
    visible = access.clinic_referrals(user) | access.division_referrals(user)
    return (
        visible.filter(number=number)
        .only("pk", "number", "status", "medical_organisation", "created_at", "first_sent_at")
        .order_by("pk")
    )


def _referral_url(user: Any, referral: Referral) -> str:
    if access.is_clinic_user(user) and referral.medical_organisation_id == user.organisation_id:
        return reverse("assessment:clinic_detail", args=[referral.pk])
    return reverse("assessment:division_case", args=[referral.pk])


def show_referrals(
    user: Any, referrals: list[Referral], request: HttpRequest | None
) -> list[SearchHit]:
    audit_search_reach(actor=user, records=referrals, request=request)
    return [
        SearchHit(
            f"{referral.number} — {referral.get_status_display()}",
            referral.first_sent_at or referral.created_at,
            _referral_url(user, referral),
        )
        for referral in referrals
    ]


SEARCH_KINDS = (
    SearchKind(
        "assessment.referrals",
        _("MSE referrals"),
        may_search_referrals,
        find_referrals,
        show_referrals,
        200,
    ),
)
