"""A dashboard's page: access → filters → selector → chart → template, the same for each."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kopir.oversight import access
from kopir.oversight.charts import bar_chart
from kopir.oversight.disclosure import Count
from kopir.oversight.figures import FigureSpec, page_figures
from kopir.oversight.forms import DashboardFilterForm
from kopir.oversight.selectors.scope import Scope


def dashboard_page(
    request: HttpRequest,
    *,
    name: str,
    select: Callable[[Scope], Any],
    bars: Callable[[Any], list[tuple[str, list[Count]]]],
    series: Sequence[Any],
    figures: Sequence[FigureSpec],
    organisation_label: Any,
    organisation_kinds: tuple[str, ...],
    **context: Any,
) -> HttpResponse:
    """The dashboard `name` (its template `oversight/<name>.html`, its form's ids `<name>-…`):
    `select` reads it for the scope the filters give, `bars` makes its chart's groups, `figures`
    are its headline figures (the ones a snapshot keeps)."""
    access.require_dashboard_reader(request.user)
    form = DashboardFilterForm(
        request.GET or None,
        organisation_label=organisation_label,
        organisation_kinds=organisation_kinds,
        auto_id=f"{name}-%s",
    )
    scope = form.criteria()
    dashboard = select(scope) if scope is not None else None
    chart = bar_chart(bars(dashboard)) if dashboard is not None else None
    return render(
        request,
        f"oversight/{name}.html",
        {
            "form": form,
            "dashboard_name": name,
            "scope": scope,
            "dashboard": dashboard,
            "chart": chart,
            "series": series,
            "figures": page_figures(figures, dashboard) if dashboard is not None else [],
            **context,
        },
    )
