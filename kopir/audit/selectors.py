"""The administrators' search over the audit log.

At national scale the log holds millions of records, so nothing here reads the whole of it: the
record types offered are the apps' models (no DISTINCT over the log), the page counts at most
`COUNT_CAP` matching records and says "more than" past that (no COUNT(*) over millions), and
each filter is written so an index serves it: the username by `audit_username_idx`
(UPPER(username), time), the action by `audit_action_idx`, the record by `audit_target_idx`,
and the dates as a range on the time (local midnight to midnight), which every one of them and
the time's own index serve (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet, Value
from django.db.models.functions import Upper
from django.utils import timezone

from kopir.audit.models import AuditEvent
from kopir.core.selectors import capped_count, matching, page_of

PAGE_SIZE = 50
# The most records a search counts; past it the page says "more than" (a multiple of PAGE_SIZE).
COUNT_CAP = 1000


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_event_search(criteria: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit records matching the criteria, newest first. Dates are whole local days, inclusive."""
    events: QuerySet[AuditEvent] = AuditEvent.objects.select_related("organisation")
    username = criteria.username.strip()
    if username:
        # UPPER on both sides, in the database: the expression of audit_username_idx.
        events = events.alias(username_key=Upper("actor_username")).filter(
            username_key=Upper(Value(username))
        )
    events = matching(
        events,
        action=criteria.action,
        target_type=criteria.target_type,
        target_id=criteria.target_id.strip(),
    )
    if criteria.date_from:
        events = events.filter(at__gte=_local_midnight(criteria.date_from))
    if criteria.date_to:
        events = events.filter(at__lt=_local_midnight(criteria.date_to + dt.timedelta(days=1)))
    return events.order_by("-at", "-id")


class CappedPaginator(Paginator):
    """Pages of a search that counts at most `COUNT_CAP` rows: `capped` says there are more."""

    @cached_property
    def _counted(self) -> int:
        rows: QuerySet[AuditEvent] = self.object_list  # type: ignore[assignment]
        return capped_count(rows, COUNT_CAP)

    @cached_property
    def count(self) -> int:
        return min(self._counted, COUNT_CAP)

    @property
    def capped(self) -> bool:
        return self._counted > COUNT_CAP


def audit_event_page(
    criteria: AuditFilter | None, number: int | str | None = 1
) -> Page[AuditEvent]:
    """A page of the search; none of it when the filters did not make sense (`criteria` None)."""
    if criteria is None:
        return page_of(None, PAGE_SIZE, number)
    return CappedPaginator(audit_event_search(criteria), PAGE_SIZE).get_page(number)


def audit_target_types() -> list[tuple[str, str]]:
    """The record types a search may name: every model of Kopir's apps (what `audit_record`
    writes as a target's type), as (type, words in the current language), by the words."""
    types = [
        (f"{model._meta.app_label}.{model._meta.model_name}", _type_words(model))
        for config in apps.get_app_configs()
        if config.name.startswith("kopir.")
        for model in config.get_models()
    ]
    return sorted(types, key=lambda item: item[1].casefold())


def _type_words(model: type) -> str:
    name = str(model._meta.verbose_name)  # type: ignore[attr-defined]
    app = str(apps.get_app_config(model._meta.app_label).verbose_name)  # type: ignore[attr-defined]
    return f"{name[:1].upper()}{name[1:]} ({app})"
