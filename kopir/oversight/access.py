"""Who may open the oversight dashboards. The one place this is decided.

The council (its secretary and its seated members, the chair among them), administrators and the
heads of MSE divisions see the dashboards. A council member reads them from a seat: an account
with the member's role but no seat in a composition in force (a term ended, a composition not yet
approved) is refused, as the council's own pages refuse it (`council/access.py`): the brief gives
the dashboards to the council's members, and a former member needs no figure of the bodies the
council oversees. Every figure on them is an aggregate protected by `disclosure.py`: no person
and no case number is on any oversight page, so reading them needs no case-level entitlement and
writes no audit record of personal data. The one way down to cases is the MSE dashboard's link,
for a division's staff, from a clinic's row to their own division's queue narrowed to that clinic
(`views.py`): the queue shows only the cases they are entitled to, and each case page audits its
reading.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

from kopir.accounts.models import Role
from kopir.council.models import CompositionStatus, Member

DASHBOARD_ROLES = (
    Role.COUNCIL_SECRETARY,
    Role.ADMINISTRATOR,
    Role.MSE_HEAD,
)
# Read once per request: the menu asks on every page.
_SEATED = "_oversight_seated"


def is_seated_member(user: Any) -> bool:
    """A council member with a seat in a composition in force, of any council."""
    if not user.has_role(Role.COUNCIL_MEMBER):
        return False
    if _SEATED not in user.__dict__:
        user.__dict__[_SEATED] = Member.objects.filter(
            account=user, composition__status=CompositionStatus.APPROVED
        ).exists()
    return bool(user.__dict__[_SEATED])


def can_read_dashboards(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    return bool(user.has_role(*DASHBOARD_ROLES)) or is_seated_member(user)


def require_dashboard_reader(user: Any) -> None:
    """403 for staff whose roles do not call for the dashboards (anonymous visitors are sent to
    sign in by the middleware before this)."""
    if not can_read_dashboards(user):
        raise PermissionDenied


# Saving a snapshot of a dashboard is for those who cite figures: the council's secretary and
# seated members. Every dashboard reader may open the saved snapshots.
SNAPSHOT_SAVERS = (Role.COUNCIL_SECRETARY, Role.COUNCIL_MEMBER)


def can_save_snapshots(user: Any) -> bool:
    """A secretary or a member who may read the dashboards (a member needs a seat in force)."""
    return can_read_dashboards(user) and bool(user.has_role(*SNAPSHOT_SAVERS))


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
