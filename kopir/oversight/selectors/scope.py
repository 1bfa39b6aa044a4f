"""What a dashboard is asked for: one fixed period, optionally one territory (with the units
inside it) and one organisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
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

    def organisation_filter(self, field: str) -> Q:
        """The rows whose organisation (`field`) is the one asked for and lies in the territory."""
        condition = Q()
        if self.organisation is not None:
            condition &= Q(**{f"{field}_id": self.organisation.pk})
        if self.territory is not None:
            condition &= Q(**{f"{field}__territory_id__in": territory_subtree_ids(self.territory)})
        return condition
