"""Who is offered the "Save as snapshot" button on a dashboard (`access.py` decides), and on
which dashboards (those a snapshot knows how to keep, `snapshots/content.py::KINDS`)."""

from __future__ import annotations

from typing import Any

from django import template

from kopir.oversight import access
from kopir.oversight.snapshots.content import KINDS

register = template.Library()


@register.filter
def may_save_snapshots(user: Any) -> bool:
    return access.can_save_snapshots(user)


@register.filter
def keeps_snapshots(dashboard: str) -> bool:
    """Whether a snapshot can be saved of the dashboard named (its URL name)."""
    return dashboard in KINDS
