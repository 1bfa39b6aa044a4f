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
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Concat
from django.utils import timezone

from kopir.assessment.services.external_systems import AGENCY_KINDS
from kopir.core.collation import alphabet_key
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


# A row's figures by column, in OutcomeRow's order (precomputed.MEASURE_COLUMNS).
_Totals = tuple[Total, ...]
_ON_TIME, _LATE, _FAILED, _OVERDUE, _PENDING, _DISPUTED, _REDIRECTED = range(7)
_COLUMN_OF_OUTCOME = {ON_TIME: _ON_TIME, LATE: _LATE, OVERDUE: _OVERDUE, PENDING: _PENDING}
_NOTHING: _Totals = (Total(0, 0),) * (_REDIRECTED + 1)


def _outcome_row(label: str, totals: _Totals | None) -> OutcomeRow:
    """A row from its figures by column (none: a row of zeros)."""
    return OutcomeRow(label, *(totals or _NOTHING))


@dataclass
class _Published:
    """The figures of the page, every one a sum of published cells."""

    of_organisation: dict[int, _Totals]
    of_type: dict[str, _Totals]
    total: _Totals
    failed_by_reason: dict[str, Total]  # by the reason's code


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
    figures = _stored(scope) if store is not None else _live(scope, measures, today)
    of_organisation, of_type = figures.of_organisation, figures.of_type
    # Every executing organisation in scope and every measure of the catalogue in force has its
    # row, measures or none (see Scope.organisations).
    organisation_names = {o.pk: o.name for o in scope.organisations(tuple(AGENCY_KINDS))}
    organisation_names.update(
        (o.pk, o.name)
        for o in Organisation.objects.filter(
            pk__in=set(of_organisation) - set(organisation_names)
        ).only("name_kk", "name_ru", "name_en")
    )
    type_names: dict[str, str] = {}
    for measure_type in (
        MeasureType.objects.filter(
            Q(catalogue__status=CatalogueStatus.ACTIVE) | Q(code__in=set(of_type))
        )
        .order_by("catalogue__status", "-catalogue_id")
        .only("code", "name_kk", "name_ru", "name_en")
    ):
        # The name in the catalogue in force, else in the latest catalogue that had the code.
        type_names.setdefault(measure_type.code, measure_type.name)

    by_organisation = sorted(
        (_outcome_row(name, of_organisation.get(o)) for o, name in organisation_names.items()),
        key=lambda r: alphabet_key(r.label),
    )
    by_type = sorted(
        (_outcome_row(name, of_type.get(t)) for t, name in type_names.items()),
        key=lambda r: alphabet_key(r.label),
    )
    by_reason = [
        ReasonRow(label=str(label), failed=figures.failed_by_reason.get(reason, Total(0, 0)))
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
        total=_outcome_row("", figures.total),
        median_days_to_delivery=median,
        computed_at=store.computed_at if store is not None else None,
    )


def _stored(scope: Scope) -> _Published:
    """The figures from the store's rows of the period (`precomputed.MeasurePeriod`), whose
    cells the background job has published and added up by (organisation, type): the database
    adds the rows up by organisation and by type, the total adds up the organisations'."""

    def totals(numbers: tuple[int, ...]) -> _Totals:
        return tuple(Total(numbers[i], numbers[i + 1]) for i in range(0, len(numbers), 2))

    of_organisation = {
        key: totals(numbers) for key, *numbers in precomputed.measure_sums(scope, "organisation_id")
    }
    of_type = {
        key: totals(numbers)
        for key, *numbers in precomputed.measure_sums(scope, "measure_type_code")
    }
    return _Published(
        of_organisation=of_organisation,
        of_type=of_type,
        total=tuple(sum_totals(column) for column in zip(*of_organisation.values(), strict=True))
        or _NOTHING,
        failed_by_reason={
            reason: Total(value, left_out)
            for reason, value, left_out in precomputed.failed_sums(scope)
        },
    )


def _no_cells() -> list[list[PublishedCount]]:
    """A row's published cells by column: none yet."""
    return [[] for _ in _NOTHING]


def _live(scope: Scope, measures: QuerySet[Measure], today: dt.date) -> _Published:
    """The figures from the measures themselves: each (organisation, type, outcome) cell
    published once, and every figure adding up published cells. Each cell goes, in one pass, to
    its column of its organisation's row, of its measure type's row and of the total (and a
    failure to its reason's row): the cost is the number of cells, not rows × cells. Measure
    types by their code, stable across catalogue versions."""
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
    published: dict[int, PublishedCount] = {}  # publish_count of each distinct true count
    of_organisation: dict[int, list[list[PublishedCount]]] = defaultdict(_no_cells)
    of_type: dict[str, list[list[PublishedCount]]] = defaultdict(_no_cells)
    total = _no_cells()
    failed_by_reason: dict[str, list[PublishedCount]] = defaultdict(list)

    def put(organisation: int, code: str, column: int, true_count: int) -> PublishedCount:
        count = published.get(true_count)
        if count is None:
            count = published[true_count] = publish_count(true_count)
        of_organisation[organisation][column].append(count)
        of_type[code][column].append(count)
        total[column].append(count)
        return count

    for organisation, code, outcome, n, disputed in grid.values_list(
        "organisation_id", "code", "outcome", "n", "disputed"
    ):
        column = _COLUMN_OF_OUTCOME.get(outcome, _FAILED)
        count = put(organisation, code, column, n)
        if column == _FAILED:
            failed_by_reason[outcome.removeprefix(FAILED)].append(count)
        elif column in (_ON_TIME, _LATE):
            put(organisation, code, _DISPUTED, disputed)
    for organisation, code, n in redirects.values_list("from_organisation_id", "code", "n"):
        put(organisation, code, _REDIRECTED, n)

    def totals(columns: list[list[PublishedCount]]) -> _Totals:
        return tuple(published_total(cells) for cells in columns)

    return _Published(
        of_organisation={key: totals(columns) for key, columns in of_organisation.items()},
        of_type={key: totals(columns) for key, columns in of_type.items()},
        total=totals(total),
        failed_by_reason={
            reason: published_total(cells) for reason, cells in failed_by_reason.items()
        },
    )
