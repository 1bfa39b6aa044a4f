"""The agency's measure counts, and the MSE head's drafts to approve, on the signed-in home page
(registered in `apps.py`).

Each count is the work list's own query (`execution.work_queryset`) with the filter the link
opens, read as one COUNT on the organisation's measure indexes; no person is read.
"""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopir.core.registry import HomeItem
from kopir.rehabilitation.access import approves_programmes, is_agency_officer
from kopir.rehabilitation.models import MeasureStatus, ProgrammeVersion, ProgrammeVersionStatus
from kopir.rehabilitation.selectors.execution import WorkFilter, work_queryset

# Each item: its key, what it says, what it says when there are none, the work list's filter it
# counts, and the work list's query string that lists those measures.
ITEMS: tuple[tuple[str, str | Promise, str | Promise, WorkFilter, dict[str, str]], ...] = (
    (
        "new",
        _("New measures to accept"),
        _("No new measures."),
        WorkFilter(status=MeasureStatus.ASSIGNED),
        {"status": MeasureStatus.ASSIGNED},
    ),
    (
        "overdue",
        _("Overdue measures"),
        _("No measure is overdue."),
        WorkFilter(overdue=True),
        {"overdue": "on"},
    ),
    (
        "at_risk",
        _("Measures at risk of missing their due date"),
        _("No measure is at risk."),
        WorkFilter(at_risk=True),
        {"at_risk": "on"},
    ),
    # Open measures whose reported delivery the person disputed (the measure reopened).
    (
        "disputed",
        _("Measures the person disputed"),
        _("No disputed measures."),
        WorkFilter(disputed=True),
        {"disputed": "on"},
    ),
)


def _count(user: Any, work: WorkFilter) -> int:
    return work_queryset(int(user.organisation_id), work).order_by().count()


def _url(user: Any, query: dict[str, str]) -> str:
    return f"{reverse('rehabilitation:agency_work_list')}?{urlencode(query)}"


def _drafts(user: Any) -> int:
    """The division's programmes with a draft awaiting approval (one draft a programme at most)."""
    return ProgrammeVersion.objects.filter(
        programme__division_id=user.organisation_id, status=ProgrammeVersionStatus.DRAFT
    ).count()


def _drafts_url(user: Any) -> str:
    query = urlencode({"status": ProgrammeVersionStatus.DRAFT})
    return f"{reverse('rehabilitation:programme_list')}?{query}"


def home_items() -> tuple[HomeItem, ...]:
    """What this app puts on the signed-in home page (registered in `apps.py`)."""
    measures = _("Measures to deliver")
    drafts = HomeItem(
        "rehabilitation.programmes_draft",
        _("Rehabilitation programmes"),
        _("Draft programmes awaiting approval"),
        _("No draft programme awaits approval."),
        approves_programmes,
        _drafts,
        _drafts_url,
        940,
    )
    measure_items = tuple(
        HomeItem(
            f"rehabilitation.measures_{name}",
            measures,
            label,
            empty,
            is_agency_officer,
            partial(_count, work=work),
            partial(_url, query=query),
            950 + position,
        )
        for position, (name, label, empty, work, query) in enumerate(ITEMS)
    )
    return (drafts, *measure_items)
