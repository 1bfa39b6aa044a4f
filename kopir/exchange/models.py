"""The interagency exchange: subscriptions of external systems, the transactional outbox of
domain events and its deliveries, and tracked messages between organisations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Subscription(models.Model):
    """An organisation's external system that receives chosen events as signed webhooks.

    The secret is in Standard Webhooks' "whsec_<base64>" form. After a rotation the previous
    secret stays valid until `previous_secret_expires_at`, and every delivery is signed with both
    meanwhile, so the receiver can switch secrets without losing an event.
    """

    organisation = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
    )
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("address (URL)"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    event_kinds = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("secret"), max_length=100)
    previous_secret = models.CharField(_("previous secret"), max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(
        _("previous secret valid until"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    rotated_at = models.DateTimeField(_("secret rotated"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["organisation_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


def webhook_id_of(event_id: uuid.UUID) -> str:
    """The `webhook-id` an event is delivered under (Standard Webhooks' "msg_" and its id)."""
    return f"msg_{event_id.hex}"


class OutboxEvent(models.Model):
    """A domain event, written in the same transaction as the change it reports.

    Its id is the `webhook-id` of every delivery and of every retry: the receiver's idempotency
    key.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("event"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    payload = models.JSONField(_("payload"), default=dict)
    occurred_at = models.DateTimeField(_("occurred"), db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"

    @property
    def webhook_id(self) -> str:
        return webhook_id_of(self.id)


class DeliveryState(models.TextChoices):
    # Contexts of their own: a measure "delivered" (provided) to a person reads differently.
    PENDING = "pending", pgettext_lazy("webhook delivery", "Pending")
    DELIVERED = "delivered", pgettext_lazy("webhook delivery", "Delivered")
    FAILED = "failed", _("Failed, will retry")
    DEAD = "dead", _("Given up")


class Delivery(models.Model):
    """One event to one subscription: pending → delivered, or failed (retried with backoff) →
    dead after the last attempt. An administrator may replay any delivery."""

    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="deliveries"
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscription"], name="exchange_one_delivery_per_subscription"
            )
        ]
        indexes = [
            # The worker's claim: what is due, oldest first.
            models.Index(fields=["next_attempt_at"], name="exchange_delivery_due"),
            models.Index(fields=["subscription", "-created_at"], name="exchange_delivery_recent"),
            models.Index(fields=["state", "-created_at"], name="exchange_delivery_state"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.subscription_id}"


class MessageStatus(models.TextChoices):
    # Contexts of their own: "Delivered" is also a measure provided to a person, "Sent" a notice.
    SENT = "sent", pgettext_lazy("message", "Sent")
    DELIVERED = "delivered", pgettext_lazy("message", "Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ANSWERED = "answered", _("Answered")
    # The sender took the message back before it was answered (the measure it handed over was
    # cancelled): nothing is left for the recipient to do.
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Message(models.Model):
    """A tracked handoff between two organisations, with a timestamp for each step."""

    sender = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="messages_sent",
    )
    recipient = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="messages_received",
    )
    kind = models.CharField(_("kind"), max_length=60)
    subject = models.CharField(_("subject"), max_length=200)
    summary = models.TextField(_("summary"), max_length=2000)
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MessageStatus.choices, default=MessageStatus.SENT
    )
    version = models.PositiveIntegerField(default=1)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent"))
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    delivered_via = models.CharField(_("delivered via"), max_length=30, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.TextField(_("answer"), max_length=4000, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["recipient", "-sent_at", "-id"], name="exchange_msg_received"),
            models.Index(fields=["sender", "-sent_at", "-id"], name="exchange_msg_sent"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def kind_label(self) -> str:
        from kopir.exchange.catalogue import message_kind_label

        return str(message_kind_label(self.kind))


class DemoReceipt(models.Model):
    """What the demo's local webhook receiver got (demo only): shown on a page."""

    webhook_id = models.CharField(_("webhook id"), max_length=100)
    kind = models.CharField(_("event"), max_length=60, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    verified = models.BooleanField(_("signature verified"), default=False)
    body = models.TextField(_("body"), blank=True)

    class Meta:
        verbose_name = _("received webhook")
        verbose_name_plural = _("received webhooks")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.webhook_id
