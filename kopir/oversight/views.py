"""Views: thin; access → filters → selector → template. Aggregates only: no person, no case
number reaches these pages, so nothing here reads personal data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.assessment.access import is_division_user
from kopir.assessment.selectors.queue import clinics_with_overdue_cases
from kopir.assessment.services.external_systems import AGENCY_KINDS
from kopir.council.access import councils_for_user
from kopir.directory.models import OrganisationKind
from kopir.oversight import access
from kopir.oversight.disclosure import Count, as_count
from kopir.oversight.figures import (
    MSE_FIGURES,
    MSE_SERIES,
    REHABILITATION_FIGURES,
    REHABILITATION_SERIES,
)
from kopir.oversight.pages import dashboard_page
from kopir.oversight.selectors.mse import MseDashboard, mse_dashboard
from kopir.oversight.selectors.rehabilitation import (
    RehabilitationDashboard,
    rehabilitation_dashboard,
)


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    access.require_dashboard_reader(request.user)
    return render(
        request,
        "oversight/index.html",
        {"may_report": councils_for_user(request.user).exists()},
    )


def _division_queue_clinics(user: Any) -> set[int]:
    """The clinics whose overdue cases `user` may open in the division's queue: the drill-down
    from a clinic's figures to its cases, offered only to the division's staff and only where
    their queue, narrowed to the clinic and to overdue cases, has a case to open (the published
    figure may be "<5", or count a period's referrals only). The queue shows only the division's
    own referrals, and each case page audits its reading."""
    if not is_division_user(user):
        return set()
    return clinics_with_overdue_cases(user.organisation_id)


def mse_bars(dashboard: MseDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each clinic's referrals sent and those returned incomplete at least once."""
    return [(row.clinic_name, [row.sent, row.returned]) for row in dashboard.rows]


def rehabilitation_bars(dashboard: RehabilitationDashboard) -> list[tuple[str, list[Count]]]:
    """The chart's bars: each executing organisation's measures delivered on time and late."""
    return [
        (row.label, [as_count(row.on_time), as_count(row.late)])
        for row in dashboard.by_organisation
    ]


@require_GET
def mse(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request,
        name="mse",
        select=mse_dashboard,
        bars=mse_bars,
        series=MSE_SERIES,
        figures=MSE_FIGURES,
        organisation_label=_("Clinic"),
        organisation_kinds=(OrganisationKind.MEDICAL,),
        queue_clinics=_division_queue_clinics(request.user),
    )


@require_GET
def rehabilitation(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request,
        name="rehabilitation",
        select=rehabilitation_dashboard,
        bars=rehabilitation_bars,
        series=REHABILITATION_SERIES,
        figures=REHABILITATION_FIGURES,
        organisation_label=_("Executing organisation"),
        organisation_kinds=tuple(AGENCY_KINDS),
    )
