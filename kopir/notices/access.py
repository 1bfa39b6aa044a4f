"""Who may read the outbox. The one place these decisions are made.

The least each reader needs, and no more:

- Administrators see every notice and may send a failed one again.
- Every staff member of an organisation sees the notices addressed to their organisation (so an
  agency can check what the council told it, and whether it reached the contact address), the
  notices addressed to themselves, and the notices to other organisations that their own
  organisation's work caused (the council secretary sees that the agency was told). All of this is
  correspondence between public bodies, not personal data.
- Notices to persons are not shown to organisations' staff. A PersonLink lets an organisation read
  a person's record for its own case; it is no reason to read every message Kopir sent the person,
  with their address, about other organisations' cases. And an MSE specialist must not learn who a
  depersonalised case is about through the notices the person received.
- In the demo (KOPIR_DEMO) the clinicians and the head of an MSE division also see the notices to
  persons about their own organisation's cases, so that a visitor can read what would have been
  sent (the one-time code for the citizen status page). Never the MSE specialists: the experts
  reach no person through their division (people/access.py).
- An account without an organisation that is not an administrator would always find the outbox
  empty of anything it may read: 403, and no navigation entry. Anonymous visitors sign in first.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.urls import reverse

from kopir.accounts.access import is_administrator
from kopir.accounts.models import Role
from kopir.core.selectors import first_or_404
from kopir.directory.access import can_manage_organisations
from kopir.notices.models import Notice, RecipientKind, StaffNotification
from kopir.people.access import can_edit_person

DEMO_OUTBOX_ROLES = (Role.CLINICIAN, Role.MSE_HEAD)


def _organisation_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.organisation_id is not None)


def is_demo_outbox_reader(user: Any) -> bool:
    return bool(
        settings.KOPIR_DEMO and _organisation_staff(user) and user.has_role(*DEMO_OUTBOX_ROLES)
    )


def may_view_outbox(user: Any) -> bool:
    """Whether the outbox (and its navigation entry) is for this user at all."""
    return is_administrator(user) or _organisation_staff(user)


def require_outbox_reader(user: Any) -> None:
    if not may_view_outbox(user):
        raise PermissionDenied


def notices_for_user(user: Any) -> QuerySet[Notice]:
    if is_administrator(user):
        return Notice.objects.all()
    if not _organisation_staff(user):
        return Notice.objects.none()
    organisation_id = user.organisation_id
    visible = (
        Q(recipient_kind=RecipientKind.ORGANISATION, organisation_id=organisation_id)
        | Q(recipient_kind=RecipientKind.STAFF, user_id=user.pk)
        | Q(recipient_kind=RecipientKind.ORGANISATION, concerns_organisation_id=organisation_id)
    )
    if is_demo_outbox_reader(user):
        visible |= Q(recipient_kind=RecipientKind.PERSON, concerns_organisation_id=organisation_id)
    return Notice.objects.filter(visible)


def notice_for_user(user: Any, pk: int) -> Notice:
    """The notice, or 403 for someone who may not read the outbox, or 404 outside their share."""
    require_outbox_reader(user)
    return first_or_404(
        notices_for_user(user).select_related("person", "organisation", "user").filter(pk=pk)
    )


def may_read_secret(user: Any, notice: Notice) -> bool:
    """A one-time code in a notice is shown in the demo only, where the visitor needs it."""
    return not notice.sensitive or bool(settings.KOPIR_DEMO)


def may_resend(user: Any) -> bool:
    return is_administrator(user)


def contact_edit_url(user: Any, notice: Notice) -> str | None:
    """Where `user` may add the e-mail or phone of a notice's recipient (the organisation's
    directory record, the person's record, the staff account), or None where they may not."""
    if notice.organisation_id is not None:
        if can_manage_organisations(user):
            return reverse("directory:organisation_edit", args=[notice.organisation_id])
    elif notice.person is not None:
        if can_edit_person(user, notice.person):
            return reverse("people:edit", args=[notice.person_id])
    elif notice.user_id is not None and is_administrator(user):
        return reverse("accounts:user_edit", args=[notice.user_id])
    return None


def may_have_notifications(user: Any) -> bool:
    """Every signed-in, active account has its own notifications (and nobody else's)."""
    return bool(user.is_authenticated and user.is_active)


def require_notifications_reader(user: Any) -> None:
    if not may_have_notifications(user):
        raise PermissionDenied


def own_notification(user: Any, pk: int) -> StaffNotification:
    """One of the user's own notifications; another person's is 404, as if it did not exist."""
    require_notifications_reader(user)
    return first_or_404(StaffNotification.objects.filter(pk=pk, user_id=user.pk))
