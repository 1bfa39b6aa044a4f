"""Who may open the oversight dashboards. The one place this is decided.

The council (its secretary and its members, the chair among them), administrators and the heads
of MSE divisions see the dashboards. Every figure on them is an aggregate protected by
`disclosure.py`: no person, no case number, no link to a case is on any oversight page, so
reading them needs no case-level entitlement and writes no audit record of personal data.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kopir.accounts.models import Role

DASHBOARD_ROLES = (
    Role.COUNCIL_SECRETARY,
    Role.COUNCIL_MEMBER,
    Role.ADMINISTRATOR,
    Role.MSE_HEAD,
)


def can_read_dashboards(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(*DASHBOARD_ROLES))


def require_dashboard_reader(user: Any) -> None:
    """403 for staff whose roles do not call for the dashboards (anonymous visitors are sent to
    sign in by the middleware before this)."""
    if not can_read_dashboards(user):
        raise PermissionDenied
