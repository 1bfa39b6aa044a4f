"""The council dashboard: the recommendations sent in the period by addressee and state and the
share answered within the due date; the petitions received in the period answered on time, by
the territory of the council; the work plan's items of the period done against planned.

Recommendations and the work plan are the council's own acts and the executive bodies': no person
is counted, so their figures are shown as they are. Petitions come from petitioners, citizens
among them: they are counted in published (territory, outcome) cells (`disclosure.py`), and every
row and total adds up published cells (decision 11). The territory chosen is the council's; the
organisation chosen is the recommendations' addressee.
Reads: one GROUP BY per table, the names of the addressees, territories and councils.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, Count, F, Q, Value, When
from django.utils import timezone

from kopir.core.collation import alphabet_key
from kopir.council.models import (
    Council,
    Petition,
    PlanStatus,
    Recommendation,
    RecommendationStatus,
    WorkPlanItem,
    WorkPlanItemStatus,
)
from kopir.council.selectors.councils import plan_item_progress
from kopir.directory.models import Organisation, Territory
from kopir.directory.selectors import territory_subtree_ids
from kopir.oversight.disclosure import Count as PublishedCount
from kopir.oversight.disclosure import (
    Total,
    publish_count,
    published_total,
    sum_totals,
    total_share,
)
from kopir.oversight.selectors.scope import Scope

# The states of a sent recommendation, in the order of its life (drafts are not counted).
STATES = (
    RecommendationStatus.SENT,
    RecommendationStatus.ACKNOWLEDGED,
    RecommendationStatus.IN_PROGRESS,
    RecommendationStatus.EXECUTED,
    RecommendationStatus.PARTLY_EXECUTED,
    RecommendationStatus.REJECTED,
)
ON_TIME = "on_time"
LATE = "late"
OVERDUE = "overdue"
PENDING = "pending"
PLAN_STATES = (
    WorkPlanItemStatus.DONE,
    WorkPlanItemStatus.PENDING,
    WorkPlanItemStatus.MOVED,
    WorkPlanItemStatus.CANCELLED,
)


@dataclass(frozen=True)
class RecommendationRow:
    label: str
    by_state: tuple[int, ...]  # in the order of STATES
    answer_due: int  # answered, or the answer due date passed
    answered_in_time: int

    @property
    def sent(self) -> int:
        return sum(self.by_state)

    @property
    def answered_in_time_share(self) -> float | None:
        return self.answered_in_time / self.answer_due if self.answer_due else None


@dataclass(frozen=True)
class PetitionRow:
    label: str
    on_time: Total
    late: Total
    overdue: Total
    pending: Total

    @property
    def received(self) -> Total:
        return sum_totals((self.on_time, self.late, self.overdue, self.pending))

    @property
    def answered(self) -> Total:
        return sum_totals((self.on_time, self.late))

    @property
    def on_time_share(self) -> float | None:
        return total_share(self.on_time, self.answered)


@dataclass(frozen=True)
class PlanRow:
    label: str
    by_state: tuple[int, ...]  # in the order of PLAN_STATES

    @property
    def planned(self) -> int:
        return sum(self.by_state)

    @property
    def done(self) -> int:
        return self.by_state[0]

    @property
    def done_share(self) -> float | None:
        return self.done / self.planned if self.planned else None


@dataclass(frozen=True)
class CouncilDashboard:
    recommendations: list[RecommendationRow]
    recommendations_total: RecommendationRow
    petitions: list[PetitionRow]
    petitions_total: PetitionRow
    plan: list[PlanRow]
    plan_total: PlanRow

    @property
    def is_empty(self) -> bool:
        return not self.recommendations and not self.petitions and not self.plan


def _in_territories(field: str, subtree: list[int] | None) -> Q:
    return Q() if subtree is None else Q(**{f"{field}__in": subtree})


def _petition_outcome(today: dt.date) -> Case:
    return Case(
        When(answered_on__isnull=False, answered_on__lte=F("answer_due_on"), then=Value(ON_TIME)),
        When(answered_on__isnull=False, then=Value(LATE)),
        When(answer_due_on__lt=today, then=Value(OVERDUE)),
        default=Value(PENDING),
        output_field=CharField(),
    )


def council_dashboard(scope: Scope, *, today: dt.date | None = None) -> CouncilDashboard:
    today = today or timezone.localdate()
    subtree = territory_subtree_ids(scope.territory) if scope.territory is not None else None
    councils = _in_territories("council__territory_id", subtree)

    # Recommendations sent in the period, by addressee and state.
    recommendations = Recommendation.objects.filter(
        councils,
        status__in=STATES,
        sent_on__gte=scope.period.start,
        sent_on__lte=scope.period.end,
    )
    if scope.organisation is not None:
        recommendations = recommendations.filter(addressee_id=scope.organisation.pk)
    answered = Q(answered_on__isnull=False)
    grid: dict[tuple[int, str], dict[str, int]] = {}
    for row in (
        recommendations.values("addressee_id", "status")
        .annotate(
            n=Count("id"),
            due=Count("id", filter=answered | Q(answer_due_on__lt=today)),
            in_time=Count("id", filter=answered & Q(answered_on__lte=F("answer_due_on"))),
        )
        .order_by()
    ):
        grid[(row["addressee_id"], row["status"])] = row
    addressees = {
        o.pk: o.name
        for o in Organisation.objects.filter(pk__in={a for a, _ in grid}).only(
            "name_kk", "name_ru", "name_en"
        )
    }

    def recommendation_row(label: str, keep: set[int]) -> RecommendationRow:
        cells = [row for (a, _), row in grid.items() if a in keep]
        return RecommendationRow(
            label,
            by_state=tuple(
                sum(row["n"] for (a, s), row in grid.items() if a in keep and s == state)
                for state in STATES
            ),
            answer_due=sum(row["due"] for row in cells),
            answered_in_time=sum(row["in_time"] for row in cells),
        )

    recommendation_rows = sorted(
        (recommendation_row(name, {pk}) for pk, name in addressees.items()),
        key=lambda r: alphabet_key(r.label),
    )

    # Petitions received in the period, by the territory of the council they went to.
    territories_in_scope = {
        c.territory_id: c.territory.name
        for c in Council.objects.filter(
            _in_territories("territory_id", subtree), is_active=True
        ).select_related("territory")
    }
    cells: dict[tuple[int, str], PublishedCount] = {}
    for row in (
        Petition.objects.filter(
            councils, received_on__gte=scope.period.start, received_on__lte=scope.period.end
        )
        .annotate(outcome=_petition_outcome(today))
        .values("council__territory_id", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        cells[(row["council__territory_id"], row["outcome"])] = publish_count(row["n"])
    missing = {t for t, _ in cells} - set(territories_in_scope)
    territories_in_scope.update(
        (t.pk, t.name)
        for t in Territory.objects.filter(pk__in=missing).only("name_kk", "name_ru", "name_en")
    )

    def petition_row(label: str, keep: set[int]) -> PetitionRow:
        def of(outcome: str) -> Total:
            return published_total(c for (t, o), c in cells.items() if t in keep and o == outcome)

        return PetitionRow(
            label, on_time=of(ON_TIME), late=of(LATE), overdue=of(OVERDUE), pending=of(PENDING)
        )

    petition_rows = sorted(
        (petition_row(name, {pk}) for pk, name in territories_in_scope.items()),
        key=lambda r: alphabet_key(r.label),
    )

    # The approved work plan's items of the period's quarters, by council and status.
    items = WorkPlanItem.objects.filter(
        _in_territories("plan__council__territory_id", subtree),
        plan__status=PlanStatus.APPROVED,
        plan__year=scope.period.year,
        quarter__in=[q.quarter for q in scope.period.quarters()],
    )
    # Counted by the status the plan's page shows: done once a held meeting or a visit links to it.
    plan_grid: dict[tuple[int, str], int] = {
        (row["plan__council_id"], row["progress"]): row["n"]
        for row in items.annotate(progress=plan_item_progress(today))
        .values("plan__council_id", "progress")
        .annotate(n=Count("id"))
        .order_by()
    }
    council_names = {
        c.pk: c.organisation.name
        for c in Council.objects.filter(pk__in={c for c, _ in plan_grid}).select_related(
            "organisation"
        )
    }

    def plan_row(label: str, keep: set[int]) -> PlanRow:
        return PlanRow(
            label,
            by_state=tuple(
                sum(n for (c, s), n in plan_grid.items() if c in keep and s == state)
                for state in PLAN_STATES
            ),
        )

    plan_rows = sorted(
        (plan_row(name, {pk}) for pk, name in council_names.items()),
        key=lambda r: alphabet_key(r.label),
    )
    return CouncilDashboard(
        recommendations=recommendation_rows,
        recommendations_total=recommendation_row("", set(addressees)),
        petitions=petition_rows,
        petitions_total=petition_row("", set(territories_in_scope)),
        plan=plan_rows,
        plan_total=plan_row("", set(council_names)),
    )
