"""The agency's measure counts on the signed-in home page (registered in `apps.py`).

Each count is the work list's own query (`execution.work_queryset`) with the filter the link
opens, read as one COUNT on the organisation's measure indexes; no person is read.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from kopir.rehabilitation.models import MeasureStatus
from kopir.rehabilitation.selectors.execution import OPEN, WorkFilter, work_queryset

# What each item counts, and the work list's filter (its query string) that lists those measures.
VIEWS: dict[str, tuple[WorkFilter, dict[str, str]]] = {
    "new": (WorkFilter(status=MeasureStatus.ASSIGNED), {"status": MeasureStatus.ASSIGNED}),
    "overdue": (WorkFilter(overdue=True), {"overdue": "on"}),
    "at_risk": (WorkFilter(at_risk=True), {"at_risk": "on"}),
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
    return (
        work_queryset(int(user.organisation_id), WorkFilter(status=OPEN))
        .filter(dispute_count__gt=0)
        .order_by()
        .count()
    )


def disputed_url(user: Any) -> str:
    # The work list has no filter of its own for disputes yet: it opens on the open measures,
    # which the disputed ones are among.
    return reverse("rehabilitation:agency_work_list")
