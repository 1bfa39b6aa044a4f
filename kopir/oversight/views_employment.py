"""The employment dashboard's view: thin, as the others (`views.py`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.directory.models import OrganisationKind
from kopir.oversight import access
from kopir.oversight.charts import bar_chart
from kopir.oversight.disclosure import as_count
from kopir.oversight.forms import DashboardFilterForm
from kopir.oversight.selectors.employment import employment_dashboard

# The chart's two series, also the placements table's column heads.
EMPLOYMENT_SERIES = (_("Placed on a quota job"), _("Placed on another job"))
EMPLOYMENT_OFFICES = (OrganisationKind.EMPLOYMENT_SOCIAL, OrganisationKind.CAREER_CENTRE)


@require_GET
def employment(request: HttpRequest) -> HttpResponse:
    access.require_dashboard_reader(request.user)
    form = DashboardFilterForm(
        request.GET or None,
        organisation_label=_("Employment office or career centre"),
        organisation_kinds=EMPLOYMENT_OFFICES,
        auto_id="employment-%s",
    )
    scope = form.criteria()
    dashboard = employment_dashboard(scope) if scope is not None else None
    chart = (
        bar_chart(
            [
                (row.label, [as_count(row.on_quota), as_count(row.other)])
                for row in dashboard.placements
            ]
        )
        if dashboard is not None
        else None
    )
    return render(
        request,
        "oversight/employment.html",
        {
            "form": form,
            "scope": scope,
            "dashboard": dashboard,
            "chart": chart,
            "series": EMPLOYMENT_SERIES,
        },
    )
