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


# Saving a snapshot of a dashboard is for those who cite figures: the council's secretary and
# members. Every dashboard reader may open the saved snapshots.
SNAPSHOT_SAVERS = (Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER)


def can_save_snapshots(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_role(*SNAPSHOT_SAVERS))


def require_snapshot_saver(user: Any) -> None:
    if not can_save_snapshots(user):
        raise PermissionDenied


def may_cite_in(user: Any, record: Any) -> bool:
    """Whether `user` may attach a snapshot to (or remove one from) `record`, an agenda item, a
    recommendation or a letter: the secretary of the record's council only."""
    from kopir.council.access import is_secretary

    return is_secretary(user, council_of(record))


def council_of(record: Any) -> Any:
    from kopir.council.models import AgendaItem

    if isinstance(record, AgendaItem):
        return record.meeting.council
    return record.council
