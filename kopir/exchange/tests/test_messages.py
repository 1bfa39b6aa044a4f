"""Tracked messages: sent → delivered → acknowledged → answered, each with its timestamp, on the
one transition engine; who may see and move them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import ConflictError
from kopir.core.transitions import InvalidTransition
from kopir.directory.models import Organisation
from kopir.exchange import access, services
from kopir.exchange.models import Delivery, Message, MessageStatus, OutboxEvent
from kopir.exchange.tests.factories import SubscriptionFactory, sent_message

pytestmark = pytest.mark.django_db


def _send(sender: Organisation, recipient: Organisation, actor: User | None = None) -> Message:
    return sent_message(sender, recipient, actor)


def test_a_message_goes_through_its_steps_with_a_timestamp_for_each(
    sender: Organisation, recipient: Organisation, sender_staff: User, recipient_staff: User
) -> None:
    message = _send(sender, recipient, sender_staff)
    assert (message.status, message.version, message.sent_by) == ("sent", 1, sender_staff)

    services.message_mark_delivered(message=message, via="web")
    services.message_mark_delivered(message=message, via="webhook")  # the first one counts
    message.refresh_from_db()
    assert (message.status, message.delivered_via) == (MessageStatus.DELIVERED, "web")
    assert message.delivered_at is not None

    services.message_acknowledge(actor=recipient_staff, message=message, version=message.version)
    assert message.status == MessageStatus.ACKNOWLEDGED
    assert message.acknowledged_by == recipient_staff
    assert message.acknowledged_at is not None

    services.message_answer(
        actor=recipient_staff, message=message, version=message.version, answer=" Placed. "
    )
    message.refresh_from_db()
    assert (message.status, message.answer, message.answered_by) == (
        MessageStatus.ANSWERED,
        "Placed.",
        recipient_staff,
    )
    assert message.delivered_at is not None
    assert message.acknowledged_at is not None
    assert message.answered_at is not None
    assert message.sent_at <= message.delivered_at <= message.acknowledged_at
    assert message.acknowledged_at <= message.answered_at
    moves = AuditEvent.objects.filter(
        action=AuditAction.UPDATE, target_type="exchange.message", target_id=str(message.pk)
    ).values_list("detail", flat=True)
    assert sorted(moves) == sorted(
        ["sent->delivered:web", "delivered->acknowledged", "acknowledged->answered"]
    )


def test_acknowledging_an_unopened_message_records_its_delivery_too(
    sender: Organisation, recipient: Organisation, recipient_staff: User
) -> None:
    message = _send(sender, recipient)

    services.message_acknowledge(actor=recipient_staff, message=message, version=1)

    message.refresh_from_db()
    assert (message.status, message.version, message.delivered_via) == (
        MessageStatus.ACKNOWLEDGED,
        3,
        "web",
    )


def test_a_stale_version_or_a_skipped_step_changes_nothing(
    sender: Organisation, recipient: Organisation, recipient_staff: User
) -> None:
    message = _send(sender, recipient)
    services.message_mark_delivered(message=message, via="web")

    with pytest.raises(ConflictError):
        services.message_acknowledge(actor=recipient_staff, message=message, version=1)
    with pytest.raises(InvalidTransition):
        services.message_answer(
            actor=recipient_staff, message=message, version=message.version, answer="Done."
        )
    with pytest.raises(ValidationError) as empty:
        services.message_answer(
            actor=recipient_staff, message=message, version=message.version, answer="  "
        )
    assert "answer" in empty.value.message_dict

    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.version, stored.answer) == (MessageStatus.DELIVERED, 2, "")


def test_the_recipients_system_hears_of_a_message_and_its_webhook_delivers_it(
    sender: Organisation, recipient: Organisation
) -> None:
    subscription = SubscriptionFactory.create(organisation=recipient, event_kinds=["message.sent"])
    SubscriptionFactory.create(organisation=sender, event_kinds=["message.sent"])  # not its own

    message = _send(sender, recipient)

    event = OutboxEvent.objects.get(kind="message.sent")
    assert event.subject == f"exchange.message:{message.pk}"
    assert event.payload["recipient_code"] == "test-career-centre"
    assert "summary" not in event.payload
    delivery = Delivery.objects.get()
    assert delivery.subscription == subscription

    # The worker calls this once the receiver took the webhook.
    from kopir.exchange.delivery import _after_delivery

    _after_delivery(delivery)
    message.refresh_from_db()
    assert (message.status, message.delivered_via) == (MessageStatus.DELIVERED, "webhook")


def test_a_message_to_ones_own_organisation_is_refused(sender: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        _send(sender, sender)
    assert "recipient" in refused.value.message_dict


def test_a_failing_send_leaves_no_message_and_no_event(
    sender: Organisation, recipient: Organisation
) -> None:
    with pytest.raises(ValidationError):
        services.message_send(
            actor=None,
            sender=sender,
            recipient=recipient,
            kind="irp.measure",
            subject="x" * 201,
            summary="s",
        )
    assert not Message.objects.exists()
    assert not OutboxEvent.objects.exists()


def test_who_sees_and_moves_a_message(
    sender: Organisation,
    recipient: Organisation,
    sender_staff: User,
    recipient_staff: User,
    stranger: User,
    council_member: User,
    administrator: User,
) -> None:
    with transaction.atomic():
        message = _send(sender, recipient)

    assert access.message_for_user(sender_staff, message.pk) == message
    assert access.message_for_user(recipient_staff, message.pk) == message
    assert access.message_for_user(administrator, message.pk) == message
    with pytest.raises(Http404):
        access.message_for_user(stranger, message.pk)
    with pytest.raises(PermissionDenied):
        access.message_for_user(council_member, message.pk)

    assert access.message_for_recipient(recipient_staff, message.pk) == message
    for not_the_recipient in (sender_staff, administrator):
        with pytest.raises(PermissionDenied):
            access.message_for_recipient(not_the_recipient, message.pk)
    assert access.may_acknowledge(recipient_staff, message)
    assert not access.may_answer(recipient_staff, message)


def test_the_sender_withdraws_a_message_not_yet_answered_and_never_an_answered_one(
    sender: Organisation, recipient: Organisation, sender_staff: User, recipient_staff: User
) -> None:
    message = _send(sender, recipient, sender_staff)
    with pytest.raises(ValidationError) as silent:
        services.message_withdraw(actor=sender_staff, message=message, version=1, reason=" ")
    assert "reason" in silent.value.message_dict

    services.message_withdraw(
        actor=sender_staff, message=message, version=1, reason=" The measure was cancelled. "
    )
    message.refresh_from_db()
    assert (message.status, message.withdrawal_reason) == (
        MessageStatus.WITHDRAWN,
        "The measure was cancelled.",
    )
    assert message.withdrawn_at is not None
    # Nothing is left for the recipient to do with it.
    assert not access.may_acknowledge(recipient_staff, message)
    assert not access.may_answer(recipient_staff, message)

    answered = _send(sender, recipient, sender_staff)
    services.message_acknowledge(actor=recipient_staff, message=answered, version=1)
    services.message_answer(
        actor=recipient_staff, message=answered, version=answered.version, answer="Placed."
    )
    with pytest.raises(InvalidTransition):
        services.message_withdraw(
            actor=sender_staff, message=answered, version=answered.version, reason="Too late."
        )
    assert Message.objects.get(pk=answered.pk).status == MessageStatus.ANSWERED
