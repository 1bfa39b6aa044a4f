"""Staff notifications: the in-app list of each staff member, and the same events by e-mail or
SMS for those who chose it. The only code that writes a StaffNotification.

Other apps call `staff_notify` inside the transaction of the event (council: a new petition, an
open vote…), naming a kind they registered in `notices/kinds.py`. E-mail and SMS go through the
outbox (`notice_queue`), to the person's own address, in the language of their account.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import (
    audit_record_many,
    audited,
    save_audited,
    target_type_of,
)
from kopir.core.bulk import insert_instances
from kopir.notices.kinds import StaffNotificationKind, staff_kind, staff_kinds_for
from kopir.notices.models import (
    NoticeChannel,
    StaffNotification,
    StaffNotificationPreference,
)
from kopir.notices.selectors import wants
from kopir.notices.services import notice_queue, staff_recipient

TEMPLATE = "notices/staff_notification"


def _kind(key: str) -> StaffNotificationKind:
    kind = staff_kind(key)
    if kind is None:
        raise ValueError(f"{key}: register the kind with notices.kinds.register_staff_kind")
    return kind


def organisation_staff(organisation_id: int | None, *roles: str) -> QuerySet[User]:
    """The active accounts of one organisation that hold any of `roles`: whom an app tells of
    an event of that organisation's records (its access rules decide which roles may open them)."""
    if organisation_id is None:
        return User.objects.none()
    return User.objects.filter(
        organisation_id=organisation_id, is_active=True, role_assignments__role__in=roles
    ).distinct()


def organisations_staff(organisation_ids: Iterable[int], *roles: str) -> dict[int, list[User]]:
    """`organisation_staff` of many organisations in one query, by organisation (those with
    nobody in the roles left out): a sweep that tells many organisations at once."""
    ids = set(organisation_ids)
    found: dict[int, list[User]] = defaultdict(list)
    if not ids:
        return found
    for user in User.objects.filter(
        organisation_id__in=ids, is_active=True, role_assignments__role__in=roles
    ).distinct():
        if user.organisation_id is not None:
            found[user.organisation_id].append(user)
    return found


def _sms_recipient(user: Any, phone: str) -> Any:
    return dataclasses.replace(staff_recipient(user), channel=NoticeChannel.SMS, address=phone)


def staff_notify(
    *,
    users: Iterable[Any],
    kind: str,
    params: Mapping[str, Any] | None = None,
    url_name: str = "",
    url_args: Sequence[Any] = (),
    related: models.Model | None = None,
    once_key: str = "",
    actor: Any = None,
    request: HttpRequest | None = None,
) -> list[StaffNotification]:
    """Notify each of `users` of one event: a line in their list, and e-mail/SMS as they chose.

    Call it inside the transaction of the event. The person who caused the event is not told of
    it, nor is an inactive account. With `once_key`, someone already notified under that key is
    not notified again (a periodic job that runs twice sends once).
    """
    notification_kind = _kind(kind)
    by_id = {
        user.pk: user
        for user in users
        if user is not None and user.is_active and (actor is None or user.pk != actor.pk)
    }
    if once_key and by_id:
        already = StaffNotification.objects.filter(user_id__in=by_id, once_key=once_key)
        for user_id in already.values_list("user_id", flat=True):
            by_id.pop(user_id, None)
    if not by_id:
        return []
    values = dict(params or {})
    notifications = [
        StaffNotification(
            user=user,
            kind=kind,
            params=values,
            url_name=url_name,
            url_args=[str(arg) for arg in url_args],
            related_type=target_type_of(related) if related is not None else "",
            related_id=str(related.pk) if related is not None else "",
            once_key=once_key,
        )
        for user in by_id.values()
    ]
    preferences = {
        preference.user_id: preference
        for preference in StaffNotificationPreference.objects.filter(user_id__in=by_id)
    }
    channel = AuditChannel.WEB if request is not None else AuditChannel.TASK
    with transaction.atomic():
        insert_instances(StaffNotification, notifications)
        for notification in notifications:
            user = by_id[notification.user_id]
            chosen = wants(preferences.get(user.pk), notification_kind)
            recipients = []
            if chosen["email"] and user.email:
                recipients.append(staff_recipient(user))
            if chosen["sms"]:
                recipients.append(_sms_recipient(user, preferences[user.pk].sms_phone))
            for recipient in recipients:
                notice_queue(
                    recipient=recipient,
                    template=TEMPLATE,
                    context={"notification": notification},
                    topic=f"staff.{kind}",
                    related=related,
                    actor=actor,
                    request=request,
                    channel=channel,
                )
        audit_record_many(
            actor=actor,
            action=AuditAction.CREATE,
            entries=[(notification, kind) for notification in notifications],
            request=request,
            channel=channel,
        )
    return notifications


def staff_notification_mark_read(
    *, actor: Any, notification: StaffNotification, request: HttpRequest | None = None
) -> bool:
    """Mark one of the actor's own notifications read; False when it already was."""
    with transaction.atomic():
        marked = StaffNotification.objects.filter(
            pk=notification.pk, user_id=actor.pk, read_at__isnull=True
        ).update(read_at=timezone.now())
        if marked:
            audited(notification, AuditAction.UPDATE, ["read_at"], actor=actor, request=request)
    return bool(marked)


def staff_notifications_mark_all_read(*, actor: Any, request: HttpRequest | None = None) -> int:
    """Mark every unread notification of the actor read; how many there were."""
    with transaction.atomic():
        unread = StaffNotification.objects.filter(user_id=actor.pk, read_at__isnull=True)
        ids = list(unread.values_list("pk", flat=True))
        if not ids:
            return 0
        StaffNotification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        audit_record_many(
            actor=actor,
            action=AuditAction.UPDATE,
            entries=[(StaffNotification(pk=pk), "read") for pk in ids],
            request=request,
            fields=["read_at"],
        )
    return len(ids)


def staff_preferences_save(
    *,
    actor: Any,
    email_kinds: Iterable[str],
    sms_kinds: Iterable[str],
    sms_phone: str,
    request: HttpRequest | None = None,
) -> StaffNotificationPreference:
    """Store which kinds the actor receives by e-mail and by SMS (every kind the page offered
    them is written, chosen or not, so a later change of a default does not change a saved
    choice; a kind of a role they do not hold keeps what it was)."""
    email_chosen, sms_chosen = set(email_kinds), set(sms_kinds)
    keys = [kind.key for kind in staff_kinds_for(actor)]
    with transaction.atomic():
        preference, created = StaffNotificationPreference.objects.select_for_update().get_or_create(
            user=actor
        )
        preference.email = {**preference.email, **{key: key in email_chosen for key in keys}}
        preference.sms = {**preference.sms, **{key: key in sms_chosen for key in keys}}
        preference.sms_phone = sms_phone.strip()
        save_audited(
            preference,
            AuditAction.CREATE if created else AuditAction.UPDATE,
            ["email", "sms", "sms_phone"],
            actor=actor,
            request=request,
        )
    return preference
