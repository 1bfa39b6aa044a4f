from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page
from django.db.models import QuerySet

from kopir.audit.models import AuditEvent
from kopir.core.selectors import page_of

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def audit_event_search(criteria: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit records matching the criteria, newest first. Dates are whole days, inclusive."""
    wanted = {
        "actor_username__iexact": criteria.username.strip(),
        "action": criteria.action,
        "target_type": criteria.target_type,
        "target_id": criteria.target_id.strip(),
        "at__date__gte": criteria.date_from,
        "at__date__lte": criteria.date_to,
    }
    # A criterion left empty does not filter.
    events = AuditEvent.objects.select_related("organisation").filter(
        **{lookup: value for lookup, value in wanted.items() if value}
    )
    return events.order_by("-at", "-id")


def audit_event_page(
    criteria: AuditFilter | None, number: int | str | None = 1
) -> Page[AuditEvent]:
    """A page of the search; none of it when the filters did not make sense (`criteria` None)."""
    return page_of(
        audit_event_search(criteria) if criteria is not None else None, PAGE_SIZE, number
    )


def audit_target_types() -> list[str]:
    return list(
        AuditEvent.objects.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )
