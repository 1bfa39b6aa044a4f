"""Who is offered the "Save as snapshot" button on a dashboard (`access.py` decides)."""

from __future__ import annotations

from typing import Any

from django import template

from kopir.oversight import access

register = template.Library()


@register.filter
def may_save_snapshots(user: Any) -> bool:
    return access.can_save_snapshots(user)
