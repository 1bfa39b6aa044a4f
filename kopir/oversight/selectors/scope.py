"""What a dashboard is asked for: one fixed period, optionally one territory (with the units
inside it) and one organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from kopir.directory.models import Organisation, Territory
from kopir.directory.selectors import territory_subtree_ids
from kopir.oversight.periods import Period


@dataclass(frozen=True)
class Scope:
    period: Period
    territory: Territory | None = None
    organisation: Organisation | None = None

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The period as [from, until) instants in Kazakhstan's time, for indexed timestamps."""
        zone = timezone.get_default_timezone()
        start = dt.datetime.combine(self.period.start, dt.time(), tzinfo=zone)
        until = dt.datetime.combine(self.period.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        return start, until

    def organisations(self, kinds: tuple[str, ...]) -> QuerySet[Organisation]:
        """The active organisations of `kinds` the scope covers. Every one of them gets its row,
        figures or none: a row shown only where there were cases would tell a reader which
        "<5" is a zero and which is not, and that is enough to pin a quarter against its year."""
        condition = Q(kind__in=kinds, is_active=True)
        if self.organisation is not None:
            condition &= Q(pk=self.organisation.pk)
        if self.territory is not None:
            condition &= Q(territory_id__in=territory_subtree_ids(self.territory))
        return Organisation.objects.filter(condition).only("name_kk", "name_ru", "name_en")

    def organisation_filter(self, field: str) -> Q:
        """The rows whose organisation (`field`) is the one asked for and lies in the territory."""
        condition = Q()
        if self.organisation is not None:
            condition &= Q(**{f"{field}_id": self.organisation.pk})
        if self.territory is not None:
            condition &= Q(**{f"{field}__territory_id__in": territory_subtree_ids(self.territory)})
        return condition
