"""The council dashboard's view: thin, as the others (`views.py`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.council.models import RecommendationStatus, WorkPlanItemStatus
from kopir.directory.models import OrganisationKind
from kopir.oversight import access
from kopir.oversight.charts import bar_chart
from kopir.oversight.disclosure import Count
from kopir.oversight.forms import DashboardFilterForm
from kopir.oversight.selectors.council import PLAN_STATES, STATES, council_dashboard

# The chart's two series, also two of the recommendations table's column heads.
COUNCIL_SERIES = (_("Recommendations sent"), _("Answered within the due date"))
# Who a council addresses (`council.selectors.recommendations.addressee_choices`).
ADDRESSEE_KINDS = tuple(
    kind
    for kind in OrganisationKind.values
    if kind not in (OrganisationKind.PUBLIC_COUNCIL, OrganisationKind.NGO)
)


@require_GET
def council(request: HttpRequest) -> HttpResponse:
    access.require_dashboard_reader(request.user)
    form = DashboardFilterForm(
        request.GET or None,
        organisation_label=_("Addressee of the recommendations"),
        organisation_kinds=ADDRESSEE_KINDS,
        auto_id="council-%s",
    )
    scope = form.criteria()
    dashboard = council_dashboard(scope) if scope is not None else None
    # Recommendations count no person: their figures are drawn as they are.
    chart = (
        bar_chart(
            [
                (row.label, [Count(row.sent), Count(row.answered_in_time)])
                for row in dashboard.recommendations
            ]
        )
        if dashboard is not None
        else None
    )
    return render(
        request,
        "oversight/council.html",
        {
            "form": form,
            "scope": scope,
            "dashboard": dashboard,
            "chart": chart,
            "series": COUNCIL_SERIES,
            "states": [RecommendationStatus(state).label for state in STATES],
            "plan_states": [WorkPlanItemStatus(state).label for state in PLAN_STATES],
        },
    )
