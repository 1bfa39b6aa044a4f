"""Deadline states for many rows at once: the same answer as `workflow.deadline_state`, from one
read of the working-day overrides instead of one per row (list pages keep a fixed query count)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable

from django.utils import timezone

from kopir.assessment.workflow import AT_RISK_WORKING_DAYS, DeadlineState
from kopir.core import working_days


class WorkingDayIndex:
    """The working days of a span, read once; counts between any two dates inside it."""

    def __init__(self, start: dt.date, end: dt.date) -> None:
        # The calendar's own rule (library holidays, moved days off, administrators' overrides),
        # applied with the overrides of the whole span read in one query.
        calendar = working_days.working_calendar(start, end)
        self.working: list[dt.date] = []
        day = start
        while day <= end:
            if calendar.is_working_day(day):
                self.working.append(day)
            day += dt.timedelta(days=1)

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (as working_days_between)."""
        if end <= start:
            return 0
        return bisect_right(self.working, end) - bisect_right(self.working, start)


def deadline_states(
    dues: Iterable[dt.date | None], today: dt.date | None = None
) -> dict[dt.date | None, DeadlineState]:
    """The state of each due date, keyed by the date."""
    today = today or timezone.localdate()
    dates = set(dues)
    future = [due for due in dates if due is not None and due >= today]
    index = WorkingDayIndex(today, max(future)) if future else None
    states: dict[dt.date | None, DeadlineState] = {}
    for due in dates:
        if due is None:
            states[due] = DeadlineState("none", None)
        elif today > due:
            states[due] = DeadlineState("overdue", due)
        elif index is not None and index.between(today, due) <= AT_RISK_WORKING_DAYS:
            states[due] = DeadlineState("at_risk", due)
        else:
            states[due] = DeadlineState("on_time", due)
    return states
