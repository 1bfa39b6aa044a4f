"""Template helpers for the accounts pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def whole_minutes(value: dt.timedelta | None) -> int:
    """A duration in whole minutes, rounded up, for "try again in N minutes" (never 0)."""
    if not value:
        return 0
    seconds = int(value.total_seconds())
    return max(1, -(-seconds // 60))
