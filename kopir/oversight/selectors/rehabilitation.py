"""The rehabilitation dashboard: the measures due in the period by what became of them, by
executing organisation and by measure type; failures by coded reason; redirects between
agencies; deliveries the person disputed; days from assignment to delivery.

Every published figure is built from one grid of cells — (organisation, measure type, outcome)
— each published on its own (`disclosure.py`); rows, columns and "due" add up the published
cells, so no table beside another gives a small cell away (decision 11).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from kopir.assessment.services.external_systems import AGENCY_KINDS
from kopir.directory.models import Organisation
from kopir.oversight import precomputed
from kopir.oversight.aggregates import percentiles
from kopir.oversight.disclosure import (
    Count as PublishedCount,
)
from kopir.oversight.disclosure import (
    Total,
    may_show_distribution,
    publish_count,
    published_total,
    sum_totals,
)
from kopir.oversight.selectors.scope import Scope
from kopir.rehabilitation.models import Handoff, Measure, MeasureType
from kopir.rehabilitation.models.catalogue import CatalogueStatus
from kopir.rehabilitation.models.execution import (
    OPEN_MEASURE_STATUSES,
    MeasureStatus,
    NotDeliveredReason,
)

ON_TIME = "on_time"
LATE = "late"
OVERDUE = "overdue"
PENDING = "pending"  # open, its due date not yet passed
FAILED = "failed:"  # followed by the coded reason
OUTCOMES = (ON_TIME, LATE, OVERDUE, PENDING)
MEDIAN = 0.5


@dataclass(frozen=True)
class OutcomeRow:
    """One organisation's or one measure type's measures due in the period."""

    label: str
    on_time: Total
    late: Total
    failed: Total
    overdue: Total
    pending: Total
    disputed: Total
    redirected: Total

    @property
    def due(self) -> Total:
        return sum_totals([self.on_time, self.late, self.failed, self.overdue, self.pending])


@dataclass(frozen=True)
class ReasonRow:
    label: str
    failed: Total


@dataclass(frozen=True)
class RehabilitationDashboard:
    by_organisation: list[OutcomeRow]
    by_type: list[OutcomeRow]
    by_reason: list[ReasonRow]
    total: OutcomeRow
    # Only for 5 or more delivered; the count itself is not published (the delivered measures
    # are the on-time and late cells, added up).
    median_days_to_delivery: float | None
    # When the figures were computed by the background job; None: computed for this request.
    computed_at: dt.datetime | None = None


def measure_outcome(today: dt.date) -> Case:
    """A measure's outcome on `today`: one of OUTCOMES, or FAILED followed by its reason."""
    return Case(
        When(status=MeasureStatus.DELIVERED, delivered_on__lte=F("due_on"), then=Value(ON_TIME)),
        When(status=MeasureStatus.DELIVERED, then=Value(LATE)),
        When(
            status=MeasureStatus.NOT_DELIVERED,
            then=Concat(Value(FAILED), F("not_delivered_reason")),
        ),
        When(status__in=OPEN_MEASURE_STATUSES, due_on__lt=today, then=Value(OVERDUE)),
        default=Value(PENDING),
        output_field=CharField(),
    )


def rehabilitation_dashboard(
    scope: Scope, *, today: dt.date | None = None, live: bool = False
) -> RehabilitationDashboard:
    """The dashboard from the precomputed store when it has been computed (`precomputed.py`),
    else (or with `live`) from the measures themselves; the same figures either way."""
    today = today or timezone.localdate()
    measures = Measure.objects.filter(
        scope.organisation_filter("organisation"),
        due_on__gte=scope.period.start,
        due_on__lte=scope.period.end,
    ).exclude(status=MeasureStatus.CANCELLED)
    store = None if live else precomputed.computed(precomputed.REHABILITATION)
    if store is not None:
        grid, redirects = precomputed.measure_grid(scope), precomputed.redirect_grid(scope)
    else:
        grid = (
            measures.annotate(outcome=measure_outcome(today))
            .values("organisation_id", "outcome", code=F("measure_type__code"))
            .annotate(n=Count("id"), disputed=Count("id", filter=Q(dispute_count__gt=0)))
            .order_by()
        )
        start, until = scope.moments()
        redirects = (
            Handoff.objects.filter(
                scope.organisation_filter("from_organisation"),
                from_organisation__isnull=False,
                at__gte=start,
                at__lt=until,
            )
            .values("from_organisation_id", code=F("measure__measure_type__code"))
            .annotate(n=Count("id"))
            .order_by()
        )
    # Each cell published once; every figure below adds up published cells.
    # Measure types by their code, stable across catalogue versions.
    cells: dict[tuple[int, str, str], PublishedCount] = {}
    disputed: dict[tuple[int, str], list[PublishedCount]] = defaultdict(list)
    for row in grid:
        key = (row["organisation_id"], row["code"])
        cells[(*key, row["outcome"])] = publish_count(row["n"])
        if row["outcome"] in (ON_TIME, LATE):
            disputed[key].append(publish_count(row["disputed"]))
    redirected = {
        (row["from_organisation_id"], row["code"]): publish_count(row["n"]) for row in redirects
    }
    # Every executing organisation in scope and every measure of the catalogue in force has its
    # row, measures or none (see Scope.organisations).
    organisation_names = {o.pk: o.name for o in scope.organisations(tuple(AGENCY_KINDS))}
    with_data = {k[0] for k in cells} | {k[0] for k in redirected}
    organisation_names.update(
        (o.pk, o.name)
        for o in Organisation.objects.filter(pk__in=with_data - set(organisation_names)).only(
            "name_kk", "name_ru", "name_en"
        )
    )
    codes_with_data = {k[1] for k in cells} | {k[1] for k in redirected}
    type_names: dict[str, str] = {}
    for measure_type in (
        MeasureType.objects.filter(
            Q(catalogue__status=CatalogueStatus.ACTIVE) | Q(code__in=codes_with_data)
        )
        .order_by("catalogue__status", "-catalogue_id")
        .only("code", "name_kk", "name_ru", "name_en")
    ):
        # The name in the catalogue in force, else in the latest catalogue that had the code.
        type_names.setdefault(measure_type.code, measure_type.name)
    organisation_ids, type_codes = set(organisation_names), set(type_names)

    # Each (organisation, type) pair's cells, found once: a row reads only its own pairs' cells,
    # so the tables cost the number of cells, not rows × cells.
    pair_cells: dict[tuple[int, str], list[tuple[str, PublishedCount]]] = defaultdict(list)
    for (o, t, kind), c in cells.items():
        pair_cells[(o, t)].append((kind, c))

    def outcome_row(label: str, keep: Iterable[tuple[int, str]]) -> OutcomeRow:
        pairs = set(keep)
        mine = [(kind, c) for key in pairs for kind, c in pair_cells.get(key, ())]

        def of(outcome: str) -> Total:
            return published_total(c for kind, c in mine if kind == outcome)

        return OutcomeRow(
            label=label,
            on_time=of(ON_TIME),
            late=of(LATE),
            failed=published_total(c for kind, c in mine if kind.startswith(FAILED)),
            overdue=of(OVERDUE),
            pending=of(PENDING),
            disputed=published_total(c for key in pairs for c in disputed.get(key, [])),
            redirected=published_total(redirected[key] for key in pairs if key in redirected),
        )

    pairs = {(o, t) for o, t, _ in cells} | set(redirected)
    pairs_of_organisation: dict[int, list[tuple[int, str]]] = defaultdict(list)
    pairs_of_type: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for pair in pairs:
        pairs_of_organisation[pair[0]].append(pair)
        pairs_of_type[pair[1]].append(pair)
    by_organisation = sorted(
        (
            outcome_row(organisation_names[o], pairs_of_organisation.get(o, ()))
            for o in organisation_ids
        ),
        key=lambda r: r.label,
    )
    by_type = sorted(
        (outcome_row(type_names[t], pairs_of_type.get(t, ())) for t in type_codes),
        key=lambda r: r.label,
    )
    by_reason = [
        ReasonRow(
            label=str(label),
            failed=published_total(
                c for (_, _, kind), c in cells.items() if kind == f"{FAILED}{reason}"
            ),
        )
        for reason, label in NotDeliveredReason.choices
    ]
    median = None
    if store is not None:
        bins = precomputed.delivery_days_histogram(scope)
        if may_show_distribution(sum(n for _, n in bins)):
            [median] = precomputed.histogram_percentiles(bins, (MEDIAN,))
    else:
        delivered = measures.filter(status=MeasureStatus.DELIVERED, delivered_on__isnull=False)
        size = delivered.count()
        if may_show_distribution(size):
            [median] = percentiles(delivered, precomputed.delivery_days(), (MEDIAN,), size)
    return RehabilitationDashboard(
        by_organisation=by_organisation,
        by_type=by_type,
        by_reason=by_reason,
        total=outcome_row("", pairs),
        median_days_to_delivery=median,
        computed_at=store.computed_at if store is not None else None,
    )
