"""Measures of the problem the in-absentia procedure is meant to fix, for oversight: how long a
referral takes from its first sending to the decision, how often referrals go back and forth, and
which clinics send incomplete referrals. Plain functions returning numbers and rows; aggregates
only, no persons.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate

from kopir.assessment.models import Referral
from kopir.assessment.selectors.deadlines import WorkingDayIndex
from kopir.core.selectors import matching


@dataclass(frozen=True)
class DurationStats:
    count: int
    median: float | None
    mean: float | None


@dataclass(frozen=True)
class ReturnStats:
    referrals: int
    returns: int
    mean: float | None
    # Referrals by how many times each was returned: {0: 40, 1: 7, 2: 1}.
    distribution: dict[int, int]


@dataclass(frozen=True)
class ClinicReturnShare:
    clinic_id: int
    clinic_code: str
    clinic_name: str
    sent: int
    returned: int
    share: float


def _scope(
    *,
    division_id: int | None = None,
    clinic_id: int | None = None,
    sent_from: dt.date | None = None,
    sent_to: dt.date | None = None,
) -> QuerySet[Referral]:
    """Referrals that were sent at least once, optionally of one division or clinic, first sent
    within [sent_from, sent_to] (local dates)."""
    return matching(
        Referral.objects.filter(first_sent_at__isnull=False),
        mse_division_id=division_id,
        medical_organisation_id=clinic_id,
        first_sent_at__date__gte=sent_from,
        first_sent_at__date__lte=sent_to,
    )


def time_to_decision(
    *,
    division_id: int | None = None,
    clinic_id: int | None = None,
    sent_from: dt.date | None = None,
    sent_to: dt.date | None = None,
) -> DurationStats:
    """Working days from a referral's first sending to its (first) decision: median and mean.

    The database groups the referrals by (local day sent, local day decided) and counts them: a
    national scope is about a million referrals but only tens of thousands of such pairs, so
    Python counts the working days of each pair once (the calendar's own rule, overrides
    included) and weighs it by its count, instead of receiving every referral
    (docs/performance.md)."""
    pairs = list(
        _scope(division_id=division_id, clinic_id=clinic_id, sent_from=sent_from, sent_to=sent_to)
        .filter(decided_at__isnull=False)
        .annotate(sent_day=TruncDate("first_sent_at"), decided_day=TruncDate("decided_at"))
        .values_list("sent_day", "decided_day")
        .annotate(n=Count("id"))
        .order_by()
    )
    if not pairs:
        return DurationStats(0, None, None)
    index = WorkingDayIndex(min(sent for sent, _, _ in pairs), max(end for _, end, _ in pairs))
    counts: Counter[int] = Counter()
    for sent, decided, n in pairs:
        counts[index.between(sent, decided)] += n
    return DurationStats(counts.total(), _weighted_median(counts), _weighted_mean(counts))


def _weighted_median(counts: Counter[int]) -> float:
    """statistics.median of the values `counts` holds, each as many times as counted."""
    total = counts.total()
    # The middle value (odd count) or the two middle ones (even), by position in sorted order.
    wanted = sorted({(total - 1) // 2, total // 2})
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
    return found[0] if len(found) == 1 else (found[0] + found[1]) / 2


def _weighted_mean(counts: Counter[int]) -> float:
    return sum(value * n for value, n in counts.items()) / counts.total()


def returns_per_referral(
    *,
    division_id: int | None = None,
    clinic_id: int | None = None,
    sent_from: dt.date | None = None,
    sent_to: dt.date | None = None,
) -> ReturnStats:
    """How many times referrals were returned for completion."""
    scope = _scope(
        division_id=division_id, clinic_id=clinic_id, sent_from=sent_from, sent_to=sent_to
    )
    rows = scope.values("returns_count").annotate(n=Count("id")).order_by("returns_count")
    distribution = {row["returns_count"]: row["n"] for row in rows}
    referrals = sum(distribution.values())
    returns = sum(times * n for times, n in distribution.items())
    return ReturnStats(
        referrals=referrals,
        returns=returns,
        mean=(returns / referrals) if referrals else None,
        distribution=distribution,
    )


def returned_share_by_clinic(
    *,
    division_id: int | None = None,
    sent_from: dt.date | None = None,
    sent_to: dt.date | None = None,
) -> list[ClinicReturnShare]:
    """Per clinic: referrals sent, how many were returned incomplete at least once, and the share.
    Highest share first."""
    rows = (
        _scope(division_id=division_id, sent_from=sent_from, sent_to=sent_to)
        .values(
            "medical_organisation_id",
            "medical_organisation__code",
        )
        .annotate(sent=Count("id"), returned=Count("id", filter=Q(returns_count__gt=0)))
        .order_by()
    )
    names = _clinic_names([row["medical_organisation_id"] for row in rows])
    result = [
        ClinicReturnShare(
            clinic_id=row["medical_organisation_id"],
            clinic_code=row["medical_organisation__code"],
            clinic_name=names.get(row["medical_organisation_id"], ""),
            sent=row["sent"],
            returned=row["returned"],
            share=row["returned"] / row["sent"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.share, r.clinic_code))


def _clinic_names(ids: list[int]) -> dict[int, str]:
    from kopir.directory.models import Organisation

    return {o.pk: str(o.name) for o in Organisation.objects.filter(pk__in=ids)}
