"""The employment dashboard's view: thin, as the others (`views.py`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.directory.models import OrganisationKind
from kopir.oversight.disclosure import Count, as_count
from kopir.oversight.figures import EMPLOYMENT_FIGURES, EMPLOYMENT_SERIES
from kopir.oversight.pages import dashboard_page
from kopir.oversight.selectors.employment import EmploymentDashboard, employment_dashboard

EMPLOYMENT_OFFICES = (OrganisationKind.EMPLOYMENT_SOCIAL, OrganisationKind.CAREER_CENTRE)


def placement_bars(dashboard: EmploymentDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each district's persons placed on a quota job and on another job."""
    return [
        (row.label, [as_count(row.on_quota), as_count(row.other)]) for row in dashboard.placements
    ]


@require_GET
def employment(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request,
        name="employment",
        select=employment_dashboard,
        bars=placement_bars,
        series=EMPLOYMENT_SERIES,
        figures=EMPLOYMENT_FIGURES,
        organisation_label=_("Employment office or career centre"),
        organisation_kinds=EMPLOYMENT_OFFICES,
    )
