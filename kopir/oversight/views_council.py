"""The council dashboard's view: thin, as the others (`views.py`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.council.models import RecommendationStatus, WorkPlanItemStatus
from kopir.oversight.models import Dashboard
from kopir.oversight.pages import dashboard_page
from kopir.oversight.selectors.council import PLAN_STATES, STATES


@require_GET
def council(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request,
        Dashboard.COUNCIL,
        organisation_label=_("Addressee of the recommendations"),
        states=[RecommendationStatus(state).label for state in STATES],
        plan_states=[WorkPlanItemStatus(state).label for state in PLAN_STATES],
    )
