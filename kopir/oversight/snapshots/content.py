"""A dashboard view as a snapshot stores it: its headline figures (each with its definition), its
tables, its chart's bars and its filters, in the language active, every figure already
published by the dashboards' selectors (`disclosure.py`), never a true count.

The figures' labels and definitions are the dashboards' own texts (the same catalogue entries).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from kopir.directory.models import Organisation, Territory
from kopir.oversight.disclosure import Count, Total, as_count
from kopir.oversight.models import Dashboard
from kopir.oversight.periods import Period, parse_period
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tables import DASHBOARDS, ExportedDashboard
from kopir.oversight.templatetags.oversight_tags import decimal, percent
from kopir.oversight.views import MSE_SERIES, REHABILITATION_SERIES
from kopir.oversight.views_council import COUNCIL_SERIES, recommendation_bars
from kopir.oversight.views_employment import EMPLOYMENT_SERIES, placement_bars

COUNT = "count"
SHARE = "share"
NUMBER = "number"  # days, or a ratio: one decimal
WHOLE = "whole"  # not persons (jobs, recommendations, plan items): shown as they are


@dataclass(frozen=True)
class FigureSpec:
    key: str
    label: Any
    definition: Any
    kind: str
    value: Callable[[Any], Any]


def _figure(spec: FigureSpec, dashboard: Any) -> dict[str, Any]:
    raw = spec.value(dashboard)
    if spec.kind == COUNT:
        shown = str(raw)
        number = _count_value(raw)
    elif spec.kind == SHARE:
        shown, number = percent(raw), raw
    elif spec.kind == WHOLE:
        shown, number = number_format(raw), raw
    else:
        shown, number = decimal(raw), raw
    return {
        "key": spec.key,
        "label": str(spec.label),
        "definition": str(spec.definition),
        "kind": spec.kind,
        "shown": shown,
        "value": number,
    }


def _count_value(count: Count | Total) -> int | None:
    """The published number, None where "<5" is shown (a total of nothing but small cells)."""
    if isinstance(count, Total):
        return count.value or None
    return count.value


MSE_FIGURES = (
    FigureSpec(
        "sent",
        _("Referrals sent"),
        _(
            "In-absentia referrals whose first sending to the MSE division fell in the period, "
            "from the clinics chosen."
        ),
        COUNT,
        lambda d: d.sent,
    ),
    FigureSpec(
        "median_days",
        _("Median working days to a decision"),
        _(
            "Of the referrals sent in the period and decided by today: the working days "
            "(Kazakhstan's calendar) from the first sending to the decision, the middle value. "
            "Shown only when at least 5 were decided."
        ),
        NUMBER,
        lambda d: d.median_days,
    ),
    FigureSpec(
        "p90_days",
        _("90th percentile of working days to a decision"),
        _(
            "The number of working days within which 9 in 10 of those decisions were made. "
            "Shown only when at least 5 were decided."
        ),
        NUMBER,
        lambda d: d.p90_days,
    ),
    FigureSpec(
        "returned_share",
        _("Returned incomplete"),
        _(
            "The share of referrals returned to the clinic for completion at least once, over "
            "the clinics whose both figures are 5 or more."
        ),
        SHARE,
        lambda d: d.returned_share,
    ),
    FigureSpec(
        "returns_per_referral",
        _("Returns per referral"),
        _(
            "Times returned for completion, all referrals together, divided by the referrals "
            "sent, over the clinics whose both figures are 5 or more."
        ),
        NUMBER,
        lambda d: d.returns_per_referral,
    ),
    FigureSpec(
        "overdue",
        _("Steps overdue"),
        _(
            "Of the referrals sent in the period, those in a step (checking, completion, expert "
            "review, decision) whose deadline in working days has passed today."
        ),
        COUNT,
        lambda d: d.overdue,
    ),
)

REHABILITATION_FIGURES = (
    FigureSpec(
        "due",
        _("Measures due"),
        _(
            "Measures of approved programmes whose due date falls in the period, held by the "
            "organisations chosen; cancelled measures are left out. The sum of the five outcomes "
            "below as shown."
        ),
        COUNT,
        lambda d: d.total.due,
    ),
    FigureSpec(
        "on_time",
        _("Delivered on time"),
        _("Delivered on or before the due date of the organisation that held the measure."),
        COUNT,
        lambda d: d.total.on_time,
    ),
    FigureSpec(
        "late",
        _("Delivered late"),
        _("Delivered after the due date."),
        COUNT,
        lambda d: d.total.late,
    ),
    FigureSpec(
        "failed",
        _("Not delivered"),
        _("Closed as not delivered, with a coded reason (the table by reason below)."),
        COUNT,
        lambda d: d.total.failed,
    ),
    FigureSpec(
        "overdue",
        _("Overdue"),
        _("Still open today with the due date passed."),
        COUNT,
        lambda d: d.total.overdue,
    ),
    FigureSpec(
        "disputed",
        _("Disputed by the person"),
        _("Delivered measures whose result the person disputed on the citizen status page."),
        COUNT,
        lambda d: d.total.disputed,
    ),
    FigureSpec(
        "redirected",
        _("Redirected"),
        _("Measures an executing organisation passed on to another in the period, with a reason."),
        COUNT,
        lambda d: d.total.redirected,
    ),
    FigureSpec(
        "median_days",
        _("Median days to delivery"),
        _(
            "Calendar days from the assignment of a measure to its delivery, the middle value "
            "over the delivered measures due in the period. Shown only when at least 5 were "
            "delivered."
        ),
        NUMBER,
        lambda d: d.median_days_to_delivery,
    ),
)


EMPLOYMENT_FIGURES = (
    FigureSpec(
        "placed",
        _("Persons placed"),
        _(
            "Persons whose job placement, recorded as the result of a job-placement measure, "
            "starts in the period, held by the offices chosen and living in the territory "
            "chosen. The sum of the two figures below as shown."
        ),
        COUNT,
        lambda d: d.placements_total.placed,
    ),
    FigureSpec(
        "on_quota",
        EMPLOYMENT_SERIES[0],
        _(
            "Of them, those placed on a job an employer keeps under the quota for persons with "
            "disabilities."
        ),
        COUNT,
        lambda d: d.placements_total.on_quota,
    ),
    FigureSpec(
        "other",
        EMPLOYMENT_SERIES[1],
        _("Of them, those placed on any other job."),
        COUNT,
        lambda d: d.placements_total.other,
    ),
    FigureSpec(
        "quota_jobs",
        _("Quota jobs set"),
        _(
            "The jobs employers must keep for persons with disabilities in the year of the "
            "period, from the employers' quota register: a share of the headcount by size of "
            "employer, heavy, harmful and dangerous jobs left out. The register is kept by year, "
            "so a quarter shows its year. These are employers' figures, not persons: shown as "
            "they are."
        ),
        WHOLE,
        lambda d: d.quota_total.quota_jobs,
    ),
    FigureSpec(
        "quota_filled",
        _("Quota jobs filled"),
        _(
            "The quota jobs filled by persons with disabilities, as the register records them "
            "for the year (placements recorded in Kopir and those the employers reported)."
        ),
        COUNT,
        lambda d: d.quota_total.filled,
    ),
    FigureSpec(
        "quota_filled_share",
        _("Share of quota jobs filled"),
        _(
            "Quota jobs filled, as shown, divided by the quota jobs set; shown only when the "
            "jobs filled are 5 or more."
        ),
        SHARE,
        lambda d: d.quota_total.filled_share,
    ),
)

COUNCIL_FIGURES = (
    FigureSpec(
        "recommendations_sent",
        COUNCIL_SERIES[0],
        _(
            "Recommendations of the councils in the territory chosen sent in the period to the "
            "addressees chosen, whatever their state today. Not persons: shown as they are."
        ),
        WHOLE,
        lambda d: d.recommendations_total.sent,
    ),
    FigureSpec(
        "answered_in_time_share",
        COUNCIL_SERIES[1],
        _(
            "Of the recommendations sent in the period whose answer was due by today or has "
            "come: the share whose first answer came on or before the due date."
        ),
        SHARE,
        lambda d: d.recommendations_total.answered_in_time_share,
    ),
    FigureSpec(
        "petitions_received",
        _("Petitions received"),
        _(
            "Petitions the councils in the territory chosen received in the period. Petitioners "
            "are persons: under 5 shows <5, other counts are rounded to 5."
        ),
        COUNT,
        lambda d: d.petitions_total.received,
    ),
    FigureSpec(
        "petitions_on_time_share",
        _("Petitions answered on time"),
        _(
            "Of the petitions received in the period and answered, the share answered on or "
            "before the due date; shown only when both figures are 5 or more."
        ),
        SHARE,
        lambda d: d.petitions_total.on_time_share,
    ),
    FigureSpec(
        "plan_planned",
        _("Work plan items planned"),
        _(
            "Items of the councils' approved work plans for the quarters of the period, moved "
            "and cancelled ones included."
        ),
        WHOLE,
        lambda d: d.plan_total.planned,
    ),
    FigureSpec(
        "plan_done_share",
        _("Work plan done"),
        _("The share of the items planned that are marked done."),
        SHARE,
        lambda d: d.plan_total.done_share,
    ),
)


@dataclass(frozen=True)
class DashboardKind:
    """One dashboard as snapshots know it: its headline figures and chart; how it is computed and
    its tables are the exports' (`tables.DASHBOARDS`), so a snapshot keeps what a download gives."""

    key: str
    url_name: str
    figures: tuple[FigureSpec, ...]
    bars: Callable[[Any], list[tuple[str, list[Count]]]]
    series: tuple[Any, ...]
    chart_summary: Any

    @property
    def source(self) -> ExportedDashboard:
        return DASHBOARDS[self.key]

    @property
    def organisation_kinds(self) -> tuple[str, ...]:
        return self.source.organisation_kinds

    def compute(self, scope: Scope, *, today: dt.date) -> Any:
        return self.source.compute(scope, today=today)

    def tables(self, dashboard: Any, period: Period) -> list[dict[str, Any]]:
        return list(self.source.tables(dashboard, period).values())


KINDS: dict[str, DashboardKind] = {
    Dashboard.MSE: DashboardKind(
        key=Dashboard.MSE,
        url_name="oversight:mse",
        figures=MSE_FIGURES,
        bars=lambda d: [(r.clinic_name, [r.sent, r.returned]) for r in d.rows],
        series=MSE_SERIES,
        chart_summary=gettext_lazy(
            "Bars compare, for each clinic, the referrals sent (solid) and those returned "
            "incomplete at least once (hatched); each bar is labelled with its figure, and the "
            "table gives them all."
        ),
    ),
    Dashboard.REHABILITATION: DashboardKind(
        key=Dashboard.REHABILITATION,
        url_name="oversight:rehabilitation",
        figures=REHABILITATION_FIGURES,
        bars=lambda d: [
            (r.label, [as_count(r.on_time), as_count(r.late)]) for r in d.by_organisation
        ],
        series=REHABILITATION_SERIES,
        chart_summary=gettext_lazy(
            "Bars compare, for each organisation, the measures delivered on time (solid) and "
            "those delivered late (hatched); each bar is labelled with its figure, and the table "
            "gives them all."
        ),
    ),
    Dashboard.EMPLOYMENT: DashboardKind(
        key=Dashboard.EMPLOYMENT,
        url_name="oversight:employment",
        figures=EMPLOYMENT_FIGURES,
        bars=placement_bars,
        series=EMPLOYMENT_SERIES,
        chart_summary=gettext_lazy(
            "Bars compare, for each district, the persons placed on a quota job (solid) and on "
            "another job (hatched); each bar is labelled with its figure, and the table gives "
            "them all."
        ),
    ),
    Dashboard.COUNCIL: DashboardKind(
        key=Dashboard.COUNCIL,
        url_name="oversight:council",
        figures=COUNCIL_FIGURES,
        bars=recommendation_bars,
        series=COUNCIL_SERIES,
        chart_summary=gettext_lazy(
            "Bars compare, for each addressee, the recommendations sent (solid) and those "
            "answered within the due date (hatched); each bar is labelled with its figure, and "
            "the table gives them all."
        ),
    ),
}


def scope_of(period: str, territory: Territory | None, organisation: Organisation | None) -> Scope:
    parsed = parse_period(period)
    if parsed is None:
        raise ValueError(f"not a period: {period!r}")
    return Scope(period=parsed, territory=territory, organisation=organisation)


def figures_of(kind: DashboardKind, dashboard: Any) -> list[dict[str, Any]]:
    return [_figure(spec, dashboard) for spec in kind.figures]


def filters_of(scope: Scope) -> list[dict[str, str]]:
    """The filters a view of a dashboard was read with, as labelled texts in the active language
    (a snapshot keeps them; an exported table carries them in its first rows)."""
    return [
        {"label": gettext("Period"), "value": scope.period.label},
        {
            "label": gettext("Territory"),
            "value": scope.territory.name if scope.territory else gettext("The whole country"),
        },
        {
            "label": gettext("Organisation"),
            "value": scope.organisation.name
            if scope.organisation
            else gettext("All organisations"),
        },
    ]


def content_of(kind: DashboardKind, scope: Scope, *, today: dt.date) -> dict[str, Any]:
    """The dashboard for `scope` as of `today`, as a snapshot keeps it, in the active language."""
    dashboard = kind.compute(scope, today=today)
    return {
        "dashboard": str(Dashboard(kind.key).label),
        "filters": filters_of(scope),
        "figures": figures_of(kind, dashboard),
        "tables": kind.tables(dashboard, scope.period),
        "chart": {
            "summary": str(kind.chart_summary),
            "series": [str(name) for name in kind.series],
            "bars": [
                [label, *[count.value for count in counts]]
                for label, counts in kind.bars(dashboard)
            ],
        },
    }
