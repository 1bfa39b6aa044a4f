"""Referrals made to measure for the dashboards' tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from kopir.assessment.models import Referral, ReferralStatus, Route
from kopir.assessment.tests.factories import ReferralFactory


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment of `day` in Kazakhstan's time."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())


def sent_referral(
    clinic: Any,
    sent_on: dt.date,
    *,
    decided_on: dt.date | None = None,
    returns: int = 0,
    due_on: dt.date | None = None,
    route: str = Route.IN_ABSENTIA,
) -> Referral:
    """A referral of `clinic` first sent on `sent_on`; decided on `decided_on` if given, else in
    review with its step due on `due_on`."""
    return ReferralFactory.create(
        medical_organisation=clinic,
        route=route,
        status=ReferralStatus.DECIDED if decided_on else ReferralStatus.ACCEPTED,
        first_sent_at=at(sent_on),
        decided_at=at(decided_on, 15) if decided_on else None,
        returns_count=returns,
        step_due_on=None if decided_on else due_on,
    )
