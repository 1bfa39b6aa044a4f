"""A dashboard's page: access → filters → selector → chart → template, the same for each."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kopir.oversight import access
from kopir.oversight.charts import bar_chart
from kopir.oversight.figures import page_figures
from kopir.oversight.forms import DashboardFilterForm
from kopir.oversight.snapshots.content import KINDS


def dashboard_page(
    request: HttpRequest,
    name: str,
    *,
    organisation_label: Any,
    **context: Any,
) -> HttpResponse:
    """The dashboard `name` (its template `oversight/<name>.html`, its form's ids `<name>-…`), as
    the catalogue of dashboards describes it (`snapshots/content.py::KINDS`): the organisations its
    filter offers, how it is read for the scope the filters give, its chart's groups and its
    headline figures (the ones a snapshot keeps), so the page, its downloads and its snapshots
    agree."""
    kind = KINDS[name]
    access.require_dashboard_reader(request.user)
    form = DashboardFilterForm(
        request.GET or None,
        organisation_label=organisation_label,
        organisation_kinds=kind.organisation_kinds,
        auto_id=f"{name}-%s",
    )
    scope = form.criteria()
    dashboard = kind.compute(scope, today=timezone.localdate()) if scope is not None else None
    chart = bar_chart(kind.bars(dashboard)) if dashboard is not None else None
    return render(
        request,
        f"oversight/{name}.html",
        {
            "form": form,
            "dashboard_name": name,
            "scope": scope,
            "dashboard": dashboard,
            "chart": chart,
            "series": kind.series,
            "figures": page_figures(kind.figures, dashboard) if dashboard is not None else [],
            **context,
        },
    )
