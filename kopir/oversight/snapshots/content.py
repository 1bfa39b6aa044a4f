"""A dashboard view as a snapshot stores it: its headline figures (each with its definition), its
tables, its chart's bars and its filters, in the language active, every figure already
published by the dashboards' selectors (`disclosure.py`), never a true count.

The figures are the dashboards' own (`figures.py`): a snapshot keeps what the page showed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from kopir.directory.models import Organisation, Territory
from kopir.oversight.charts import Kept
from kopir.oversight.disclosure import Count, as_count
from kopir.oversight.figures import (
    COUNCIL_FIGURES,
    COUNCIL_SERIES,
    EMPLOYMENT_FIGURES,
    EMPLOYMENT_SERIES,
    MSE_FIGURES,
    MSE_SERIES,
    REHABILITATION_FIGURES,
    REHABILITATION_SERIES,
    FigureSpec,
    figures_of,
)
from kopir.oversight.models import Dashboard
from kopir.oversight.periods import Period, parse_period
from kopir.oversight.selectors.council import CouncilDashboard
from kopir.oversight.selectors.employment import EmploymentDashboard
from kopir.oversight.selectors.mse import MseDashboard
from kopir.oversight.selectors.rehabilitation import RehabilitationDashboard
from kopir.oversight.selectors.scope import Scope
from kopir.oversight.tables import DASHBOARDS, ExportedDashboard


def mse_bars(dashboard: MseDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each clinic's referrals sent and those returned incomplete at least once."""
    return [(row.clinic_name, [row.sent, row.returned]) for row in dashboard.rows]


def rehabilitation_bars(dashboard: RehabilitationDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each executing organisation's measures delivered on time and late."""
    return [
        (row.label, [as_count(row.on_time), as_count(row.late)])
        for row in dashboard.by_organisation
    ]


def placement_bars(dashboard: EmploymentDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each district's persons placed on a quota job and on another job."""
    return [
        (row.label, [as_count(row.on_quota), as_count(row.other)]) for row in dashboard.placements
    ]


def recommendation_bars(dashboard: CouncilDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each addressee's recommendations sent and answered within the due
    date. Recommendations count no person: their figures are drawn as they are."""
    return [
        (row.label, [Count(row.sent), Count(row.answered_in_time)])
        for row in dashboard.recommendations
    ]


@dataclass(frozen=True)
class DashboardKind:
    """One dashboard as its page and its snapshots know it (`pages.py::dashboard_page`): its
    headline figures and chart; how it is computed, the organisations its filter offers and its
    tables are the exports' (`tables.DASHBOARDS`), so a snapshot keeps what a download gives."""

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
        bars=mse_bars,
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
        bars=rehabilitation_bars,
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
    bars = kind.bars(dashboard)
    return {
        "dashboard": str(Dashboard(kind.key).label),
        "filters": filters_of(scope),
        "figures": figures_of(kind.figures, dashboard),
        "tables": kind.tables(dashboard, scope.period),
        "chart": {
            "summary": str(kind.chart_summary),
            "series": [str(name) for name in kind.series],
            # Each bar's value sizes it; its text, as the page wrote it, labels it: a value of
            # None alone cannot tell "<5" from a sum of cells under 5 ("each <5").
            "bars": [[label, *[count.value for count in counts]] for label, counts in bars],
            "texts": [[str(count) for count in counts] for _, counts in bars],
        },
    }


def kept_bars(chart: dict[str, Any]) -> list[tuple[str, list[Kept | Count]]]:
    """A snapshot's chart bars, each labelled with the text it was published with. A chart kept
    without texts (before they were kept, and which migration 0006 could not match to a table of
    the same snapshot) is read from its values, as it always was."""
    texts = chart.get("texts")
    if texts is None:
        return [(row[0], [Count(value) for value in row[1:]]) for row in chart["bars"]]
    return [
        (row[0], [Kept(value, text) for value, text in zip(row[1:], shown, strict=True)])
        for row, shown in zip(chart["bars"], texts, strict=True)
    ]
