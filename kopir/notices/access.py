"""Who may read the outbox. The one place these decisions are made.

- Administrators see every notice and may send a failed one again.
- In the demo (KOPIR_DEMO) the clinic and MSE division roles may open the outbox too, so that a
  visitor can read what would have been sent — the one-time code for the citizen status page, a
  return notice to the clinic. They see only notices addressed to their own organisation or about
  its cases: an MSE specialist must not find who a depersonalised case is about through the
  notices the person received.
- Nobody else: 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kopir.accounts.access import is_administrator
from kopir.accounts.models import Role
from kopir.notices.models import Notice

DEMO_OUTBOX_ROLES = (Role.CLINICIAN, Role.MSE_SPECIALIST, Role.MSE_HEAD)


def is_demo_outbox_reader(user: Any) -> bool:
    return bool(
        settings.KOPIR_DEMO
        and user.is_authenticated
        and user.organisation_id is not None
        and user.has_role(*DEMO_OUTBOX_ROLES)
    )


def may_view_outbox(user: Any) -> bool:
    return is_administrator(user) or is_demo_outbox_reader(user)


def require_outbox_reader(user: Any) -> None:
    if not may_view_outbox(user):
        raise PermissionDenied


def notices_for_user(user: Any) -> QuerySet[Notice]:
    if is_administrator(user):
        return Notice.objects.all()
    if is_demo_outbox_reader(user):
        return Notice.objects.filter(
            Q(organisation_id=user.organisation_id)
            | Q(concerns_organisation_id=user.organisation_id)
        )
    return Notice.objects.none()


def notice_for_user(user: Any, pk: int) -> Notice:
    """The notice, or 403 for someone who may not read the outbox, or 404 outside their share."""
    require_outbox_reader(user)
    notice = (
        notices_for_user(user)
        .select_related("person", "organisation", "user")
        .filter(pk=pk)
        .first()
    )
    if notice is None:
        raise Http404
    return notice


def may_read_secret(user: Any, notice: Notice) -> bool:
    """A one-time code in a notice is shown in the demo only, where the visitor needs it."""
    return not notice.sensitive or bool(settings.KOPIR_DEMO)


def may_resend(user: Any) -> bool:
    return is_administrator(user)
