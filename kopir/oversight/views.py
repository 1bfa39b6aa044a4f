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
from kopir.council.access import councils_for_user
from kopir.oversight import access
from kopir.oversight.models import Dashboard
from kopir.oversight.pages import dashboard_page


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


@require_GET
def mse(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request,
        Dashboard.MSE,
        organisation_label=_("Clinic"),
        queue_clinics=_division_queue_clinics(request.user),
    )


@require_GET
def rehabilitation(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request, Dashboard.REHABILITATION, organisation_label=_("Executing organisation")
    )
