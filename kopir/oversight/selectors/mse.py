"""The in-absentia MSE dashboard: referrals sent in the period by clinic and by diagnosis group
(ICD-10 chapter), returns for completion, overdue steps, and working days from first sending to
decision.

Every figure leaves here already published (`disclosure.py`); the true counts never reach a
template. The counts are published once per (clinic, diagnosis group) cell, and a clinic's row
and a group's row add up their published cells: a clinic's figure rounded from its true count
beside its groups' "<5" cells would give them away (two groups of 4 and a clinic of 8 shown as
10 leave one reading; decision 11, rule 2). Reads: one GROUP BY per (clinic, group), one count
and the percentiles of the working days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from kopir.assessment.models import Referral, ReferralStatus, Route
from kopir.core.collation import alphabet_key
from kopir.directory.models import Organisation, OrganisationKind
from kopir.oversight import precomputed
from kopir.oversight.aggregates import percentiles, working_days_expression
from kopir.oversight.disclosure import (
    Count as PublishedCount,
)
from kopir.oversight.disclosure import (
    Total,
    as_count,
    may_show_distribution,
    publish_count,
    published_share,
    published_total,
)
from kopir.oversight.selectors.diagnosis import CHAPTERS, chapter_label
from kopir.oversight.selectors.scope import Scope

# Steps that carry a deadline someone still has to meet.
OPEN_STATUSES = (
    ReferralStatus.SENT,
    ReferralStatus.RETURNED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.ASSIGNED,
)
MEASURES = ("sent", "returned", "returns", "overdue")
MEDIAN = 0.5
P90 = 0.9


class ReturnShares:
    """A row's shares of returns, from its published counts."""

    sent: PublishedCount
    returned: PublishedCount
    returns: PublishedCount

    @property
    def returned_share(self) -> float | None:
        return published_share(self.returned.value, self.sent.value)

    @property
    def returns_per_referral(self) -> float | None:
        return published_share(self.returns.value, self.sent.value)


@dataclass(frozen=True)
class ClinicRow(ReturnShares):
    clinic_id: int
    clinic_name: str
    sent: PublishedCount
    returned: PublishedCount  # returned incomplete at least once
    returns: PublishedCount  # times returned, all referrals together
    overdue: PublishedCount  # in a step whose deadline has passed


@dataclass(frozen=True)
class DiagnosisRow(ReturnShares):
    """One diagnosis group's referrals, all clinics in scope together."""

    label: str
    sent: PublishedCount
    returned: PublishedCount
    returns: PublishedCount


@dataclass(frozen=True)
class MseDashboard:
    rows: list[ClinicRow]
    by_diagnosis: list[DiagnosisRow]
    sent: Total
    returned: Total
    returns: Total
    overdue: Total
    decided: PublishedCount
    median_days: float | None  # None: fewer than 5 decided, too few to show
    p90_days: float | None
    # When the figures were computed by the background job; None: computed for this request.
    computed_at: dt.datetime | None = None

    @property
    def returned_share(self) -> float | None:
        """The share over the clinics whose both figures are shown: a function of published
        figures only."""
        shown = [r for r in self.rows if not r.sent.suppressed and not r.returned.suppressed]
        return published_share(
            sum(r.returned.value or 0 for r in shown), sum(r.sent.value or 0 for r in shown)
        )

    @property
    def returns_per_referral(self) -> float | None:
        shown = [r for r in self.rows if not r.sent.suppressed and not r.returns.suppressed]
        return published_share(
            sum(r.returns.value or 0 for r in shown), sum(r.sent.value or 0 for r in shown)
        )


def mse_dashboard(
    scope: Scope, *, today: dt.date | None = None, live: bool = False
) -> MseDashboard:
    """The dashboard from the precomputed store when it has been computed (`precomputed.py`),
    else (or with `live`) from the referrals themselves; the same figures either way."""
    today = today or timezone.localdate()
    store = None if live else precomputed.computed(precomputed.MSE)
    start, until = scope.moments()
    referrals = Referral.objects.filter(
        scope.organisation_filter("medical_organisation"),
        route=Route.IN_ABSENTIA,
        first_sent_at__gte=start,
        first_sent_at__lt=until,
    )
    by_cell = (
        precomputed.mse_by_cell(scope)
        if store is not None
        else referrals.values("medical_organisation_id", "primary_diagnosis__chapter")
        .annotate(
            sent=Count("id"),
            returned=Count("id", filter=Q(returns_count__gt=0)),
            returns=Sum("returns_count"),
            overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, step_due_on__lt=today)),
        )
        .order_by()
    )
    # Each (clinic, diagnosis group) cell published once; every row adds up published cells.
    cells: dict[tuple[int, str], dict[str, PublishedCount]] = {
        (row["medical_organisation_id"], row["primary_diagnosis__chapter"]): {
            measure: publish_count(row[measure] or 0) for measure in MEASURES
        }
        for row in by_cell
    }
    # Every clinic in scope has its row, cases or none (see Scope.organisations).
    clinics = {o.pk: o.name for o in scope.organisations((OrganisationKind.MEDICAL,))}
    clinics.update(
        (o.pk, o.name)
        for o in Organisation.objects.filter(pk__in={pk for pk, _ in cells} - set(clinics)).only(
            "name_kk", "name_ru", "name_en"
        )
    )

    # Each clinic's cells and each chapter's, gathered in one pass: a national year has some
    # 200 clinics × 22 chapters of cells, too many to walk once per row.
    of_clinic: dict[int, list[dict[str, PublishedCount]]] = {}
    of_chapter: dict[str, list[dict[str, PublishedCount]]] = {}
    for (pk, group), cell in cells.items():
        of_clinic.setdefault(pk, []).append(cell)
        of_chapter.setdefault(group, []).append(cell)

    def added(
        measure: str, *, clinic: int | None = None, chapter: str | None = None
    ) -> PublishedCount:
        """The published cells of a clinic, or of a diagnosis group, added up as one figure."""
        if clinic is not None:
            chosen = of_clinic.get(clinic, [])
        elif chapter is not None:
            chosen = of_chapter.get(chapter, [])
        else:
            chosen = list(cells.values())
        return as_count(published_total(cell[measure] for cell in chosen))

    rows = sorted(
        (
            ClinicRow(
                clinic_id=pk,
                clinic_name=name,
                sent=added("sent", clinic=pk),
                returned=added("returned", clinic=pk),
                returns=added("returns", clinic=pk),
                overdue=added("overdue", clinic=pk),
            )
            for pk, name in clinics.items()
        ),
        key=lambda r: alphabet_key(r.clinic_name),
    )
    # Every chapter has its row too, as soon as a clinic is in scope.
    chapters = [chapter for chapter, _ in CHAPTERS]
    chapters += sorted({chapter for _, chapter in cells} - set(chapters))
    by_diagnosis = [
        DiagnosisRow(
            label=chapter_label(chapter),
            sent=added("sent", chapter=chapter),
            returned=added("returned", chapter=chapter),
            returns=added("returns", chapter=chapter),
        )
        for chapter in (chapters if rows else [])
    ]
    median = p90 = None
    if store is not None:
        bins = precomputed.mse_decision_days(scope)
        size = sum(n for _, n in bins)
        if may_show_distribution(size):
            median, p90 = precomputed.histogram_percentiles(bins, (MEDIAN, P90))
    else:
        decided = referrals.filter(decided_at__isnull=False, decided_at__lt=_end_of(today))
        size = decided.count()
        if may_show_distribution(size):
            days = working_days_expression(
                "first_sent_at", "decided_at", first=scope.period.start, last=today
            )
            median, p90 = percentiles(decided, days, (MEDIAN, P90), size)
    return MseDashboard(
        rows=rows,
        by_diagnosis=by_diagnosis,
        sent=published_total(r.sent for r in rows),
        returned=published_total(r.returned for r in rows),
        returns=published_total(r.returns for r in rows),
        overdue=published_total(r.overdue for r in rows),
        decided=publish_count(size),
        median_days=median,
        p90_days=p90,
        computed_at=store.computed_at if store is not None else None,
    )


def _end_of(day: dt.date) -> dt.datetime:
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=zone)
