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

from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from kopir.assessment.services.external_systems import AGENCY_KINDS
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.oversight.disclosure import Count, Total, as_count
from kopir.oversight.models import Dashboard
from kopir.oversight.periods import Period, parse_period
from kopir.oversight.selectors.mse import MseDashboard, mse_dashboard
from kopir.oversight.selectors.rehabilitation import (
    OutcomeRow,
    RehabilitationDashboard,
    rehabilitation_dashboard,
)
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.templatetags.oversight_tags import decimal, percent
from kopir.oversight.views import MSE_SERIES, REHABILITATION_SERIES

COUNT = "count"
SHARE = "share"
NUMBER = "number"  # days, or a ratio: one decimal


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


def mse_tables(dashboard: MseDashboard, period: Period) -> list[dict[str, Any]]:
    columns = [
        gettext("Clinic"),
        str(MSE_SERIES[0]),
        str(MSE_SERIES[1]),
        gettext("Share returned"),
        gettext("Returns per referral"),
        gettext("Steps overdue"),
    ]
    rows = [
        [
            row.clinic_name,
            str(row.sent),
            str(row.returned),
            percent(row.returned_share),
            decimal(row.returns_per_referral),
            str(row.overdue),
        ]
        for row in dashboard.rows
    ]
    foot = [
        gettext("Total of the figures shown"),
        str(dashboard.sent),
        str(dashboard.returned),
        percent(dashboard.returned_share),
        decimal(dashboard.returns_per_referral),
        str(dashboard.overdue),
    ]
    caption = gettext("In-absentia referrals by clinic, %(period)s") % {"period": period.label}
    return [{"caption": caption, "columns": columns, "rows": rows, "foot": foot}]


def _outcome_cells(row: OutcomeRow) -> list[str]:
    return [
        str(row.due),
        str(row.on_time),
        str(row.late),
        str(row.failed),
        str(row.overdue),
        str(row.pending),
        str(row.disputed),
        str(row.redirected),
    ]


def rehabilitation_tables(
    dashboard: RehabilitationDashboard, period: Period
) -> list[dict[str, Any]]:
    heads = [
        gettext("Measures due"),
        gettext("Delivered on time"),
        gettext("Delivered late"),
        gettext("Not delivered"),
        gettext("Overdue"),
        gettext("Not yet due"),
        gettext("Disputed by the person"),
        gettext("Redirected"),
    ]
    total = [gettext("Total of the figures shown"), *_outcome_cells(dashboard.total)]
    labels = {"period": period.label}
    return [
        {
            "caption": gettext("Measures due by executing organisation, %(period)s") % labels,
            "columns": [gettext("Executing organisation"), *heads],
            "rows": [[r.label, *_outcome_cells(r)] for r in dashboard.by_organisation],
            "foot": total,
        },
        {
            "caption": gettext("Measures due by measure type, %(period)s") % labels,
            "columns": [gettext("Measure"), *heads],
            "rows": [[r.label, *_outcome_cells(r)] for r in dashboard.by_type],
            "foot": total,
        },
        {
            "caption": gettext("Measures not delivered by coded reason, %(period)s") % labels,
            "columns": [gettext("Reason"), gettext("Not delivered")],
            "rows": [[r.label, str(r.failed)] for r in dashboard.by_reason],
            "foot": [],
        },
    ]


@dataclass(frozen=True)
class DashboardKind:
    """One dashboard as snapshots know it: how to compute it and what of it a snapshot keeps."""

    key: str
    url_name: str
    organisation_kinds: tuple[str, ...]
    compute: Callable[..., Any]
    figures: tuple[FigureSpec, ...]
    tables: Callable[[Any, Period], list[dict[str, Any]]]
    bars: Callable[[Any], list[tuple[str, list[Count]]]]
    series: tuple[Any, ...]
    chart_summary: Any


KINDS: dict[str, DashboardKind] = {
    Dashboard.MSE: DashboardKind(
        key=Dashboard.MSE,
        url_name="oversight:mse",
        organisation_kinds=(OrganisationKind.MEDICAL,),
        compute=mse_dashboard,
        figures=MSE_FIGURES,
        tables=mse_tables,
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
        organisation_kinds=tuple(AGENCY_KINDS),
        compute=rehabilitation_dashboard,
        figures=REHABILITATION_FIGURES,
        tables=rehabilitation_tables,
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
