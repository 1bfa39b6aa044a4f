"""Who may see or do what in the exchange. The one place these decisions are made.

- Webhook subscriptions (addresses, secrets, deliveries, the dead letters, replay, the demo
  receiver's page) are for administrators only. A subscription decides which system receives
  which events and holds the secret that proves Kopir sent them: connecting a system is an
  integration task done by Kopir's administrators with the organisation's IT staff, not by an
  agency's officers, and an officer who could point their organisation's events at any address
  could send them anywhere.
- Tracked messages are correspondence between public bodies and carry no personal data beyond a
  stable reference. An organisation's staff (every role but council member: a public council's
  members are citizens, not its staff) see the messages their organisation sent or received;
  another organisation's message is a 404. The recipient's staff acknowledge and answer.
- Administrators see every message (to help an organisation find one) but answer only their own
  organisation's.
- Anonymous visitors sign in first (LoginRequiredMiddleware).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from kopir.accounts.access import is_administrator
from kopir.accounts.models import Role
from kopir.core.selectors import first_or_404
from kopir.exchange.models import Delivery, Message, MessageStatus, Subscription

MESSAGE_ROLES = tuple(role for role in Role.values if role != Role.COUNCIL_MEMBER)


def may_manage_subscriptions(user: Any) -> bool:
    return is_administrator(user)


def require_subscription_manager(user: Any) -> None:
    if not may_manage_subscriptions(user):
        raise PermissionDenied


def subscription_for_manager(user: Any, pk: int) -> Subscription:
    require_subscription_manager(user)
    return first_or_404(Subscription.objects.select_related("organisation").filter(pk=pk))


def delivery_for_manager(user: Any, pk: int) -> Delivery:
    require_subscription_manager(user)
    return first_or_404(
        Delivery.objects.select_related("event", "subscription__organisation").filter(pk=pk)
    )


def _organisation_staff(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and user.organisation_id is not None
        and user.has_role(*MESSAGE_ROLES)
    )


def may_view_messages(user: Any) -> bool:
    return is_administrator(user) or _organisation_staff(user)


def require_message_reader(user: Any) -> None:
    if not may_view_messages(user):
        raise PermissionDenied


def messages_for_user(user: Any) -> QuerySet[Message]:
    if is_administrator(user):
        return Message.objects.all()
    if not _organisation_staff(user):
        return Message.objects.none()
    return Message.objects.filter(
        Q(sender_id=user.organisation_id) | Q(recipient_id=user.organisation_id)
    )


def message_for_user(user: Any, pk: int) -> Message:
    """The message, 403 for someone who reads no messages, 404 outside their organisation's."""
    require_message_reader(user)
    return first_or_404(messages_for_user(user).select_related("sender", "recipient").filter(pk=pk))


def is_recipient_staff(user: Any, message: Message) -> bool:
    return _organisation_staff(user) and user.organisation_id == message.recipient_id


def message_for_recipient(user: Any, pk: int) -> Message:
    """A message its reader may acknowledge or answer: the recipient's staff only (403 for the
    sender's staff and administrators of other organisations, 404 for everyone else)."""
    message = message_for_user(user, pk)
    if not is_recipient_staff(user, message):
        raise PermissionDenied
    return message


def may_acknowledge(user: Any, message: Message) -> bool:
    return is_recipient_staff(user, message) and message.status in (
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
    )


def may_answer(user: Any, message: Message) -> bool:
    return is_recipient_staff(user, message) and message.status == MessageStatus.ACKNOWLEDGED
