"""The council dashboard's view: thin, as the others (`views.py`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.council.models import RecommendationStatus, WorkPlanItemStatus
from kopir.council.selectors.recommendations import NOT_ADDRESSED
from kopir.directory.models import OrganisationKind
from kopir.oversight.disclosure import Count
from kopir.oversight.figures import COUNCIL_FIGURES, COUNCIL_SERIES
from kopir.oversight.pages import dashboard_page
from kopir.oversight.selectors.council import (
    PLAN_STATES,
    STATES,
    CouncilDashboard,
    council_dashboard,
)

# Who a council addresses (`council.selectors.recommendations.addressee_choices`).
ADDRESSEE_KINDS = tuple(kind for kind in OrganisationKind.values if kind not in NOT_ADDRESSED)


def recommendation_bars(dashboard: CouncilDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each addressee's recommendations sent and answered within the due
    date. Recommendations count no person: their figures are drawn as they are."""
    return [
        (row.label, [Count(row.sent), Count(row.answered_in_time)])
        for row in dashboard.recommendations
    ]


@require_GET
def council(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request,
        name="council",
        select=council_dashboard,
        bars=recommendation_bars,
        series=COUNCIL_SERIES,
        figures=COUNCIL_FIGURES,
        organisation_label=_("Addressee of the recommendations"),
        organisation_kinds=ADDRESSEE_KINDS,
        states=[RecommendationStatus(state).label for state in STATES],
        plan_states=[WorkPlanItemStatus(state).label for state in PLAN_STATES],
    )
