"""The agency's measure counts on the signed-in home page (registered in `apps.py`).

Each count is the work list's own query (`execution.work_queryset`) with the filter the link
opens, read as one COUNT on the organisation's measure indexes; no person is read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kopir.core.registry import HomeItem
from kopir.rehabilitation.access import is_agency_officer
from kopir.rehabilitation.models import MeasureStatus
from kopir.rehabilitation.selectors.execution import WorkFilter, work_queryset

# What each item counts, and the work list's filter (its query string) that lists those measures.
VIEWS: dict[str, tuple[WorkFilter, dict[str, str]]] = {
    "new": (WorkFilter(status=MeasureStatus.ASSIGNED), {"status": MeasureStatus.ASSIGNED}),
    "overdue": (WorkFilter(overdue=True), {"overdue": "on"}),
    "at_risk": (WorkFilter(at_risk=True), {"at_risk": "on"}),
    "disputed": (WorkFilter(disputed=True), {"disputed": "on"}),
}


def _count(user: Any, view: str) -> int:
    work, _query = VIEWS[view]
    return work_queryset(int(user.organisation_id), work).order_by().count()


def _url(view: str) -> str:
    _work, query = VIEWS[view]
    return f"{reverse('rehabilitation:agency_work_list')}?{urlencode(query)}"


def new_count(user: Any) -> int:
    return _count(user, "new")


def new_url(user: Any) -> str:
    return _url("new")


def overdue_count(user: Any) -> int:
    return _count(user, "overdue")


def overdue_url(user: Any) -> str:
    return _url("overdue")


def at_risk_count(user: Any) -> int:
    return _count(user, "at_risk")


def at_risk_url(user: Any) -> str:
    return _url("at_risk")


def disputed_count(user: Any) -> int:
    """Open measures whose reported delivery the person disputed (the measure reopened)."""
    return _count(user, "disputed")


def disputed_url(user: Any) -> str:
    return _url("disputed")


def home_items() -> tuple[HomeItem, ...]:
    """What this app puts on the signed-in home page (registered in `apps.py`)."""
    measures = _("Measures to deliver")
    return (
        HomeItem(
            "rehabilitation.measures_new",
            measures,
            _("New measures to accept"),
            _("No new measures."),
            is_agency_officer,
            new_count,
            new_url,
            950,
        ),
        HomeItem(
            "rehabilitation.measures_overdue",
            measures,
            _("Overdue measures"),
            _("No measure is overdue."),
            is_agency_officer,
            overdue_count,
            overdue_url,
            951,
        ),
        HomeItem(
            "rehabilitation.measures_at_risk",
            measures,
            _("Measures at risk of missing their due date"),
            _("No measure is at risk."),
            is_agency_officer,
            at_risk_count,
            at_risk_url,
            952,
        ),
        HomeItem(
            "rehabilitation.measures_disputed",
            measures,
            _("Measures the person disputed"),
            _("No disputed measures."),
            is_agency_officer,
            disputed_count,
            disputed_url,
            953,
        ),
    )
