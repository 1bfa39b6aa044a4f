"""The exchange's writers: the transactional outbox, subscriptions, replay, tracked messages.

`event_publish` is what other apps call inside their own transaction; the worker's side (claim,
sign, POST, backoff) is in `delivery.py`.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import logging
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PayloadError

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record, audited, save_audited
from kopir.core.actors import signed_in_user
from kopir.core.bulk import append_rows
from kopir.core.errors import ConflictError, DomainError
from kopir.core.reference_cache import ReferenceCache
from kopir.core.versioning import assign_changes
from kopir.exchange.catalogue import event_kind
from kopir.exchange.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageStatus,
    OutboxEvent,
    Subscription,
    webhook_id_of,
)
from kopir.exchange.workflow import MESSAGE_WORKFLOW

logger = logging.getLogger(__name__)

SUBSCRIPTION_CONFLICT = _(
    "Someone else changed this subscription after you opened it. Nothing was saved: reload it."
)


# --- The outbox -----------------------------------------------------------------------------------


def _checked_payload(kind: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    return _checked_payloads(kind, [payload])[0]


@functools.cache
def _payloads_adapter(schema: type[BaseModel]) -> TypeAdapter[list[BaseModel]]:
    return TypeAdapter(list[schema])  # type: ignore[valid-type]


def _checked_payloads(kind: str, payloads: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each payload as its kind's schema gives it, checked by the schema in one call for the
    whole list (pydantic validates every item, so one malformed payload refuses them all)."""
    spec = event_kind(kind)
    if spec is None:
        raise ValueError(f"unknown event kind {kind!r}: register it in the publishing app")
    adapter = _payloads_adapter(spec.payload)
    try:
        # The schema decides what leaves Kopir: fields it does not declare are dropped.
        checked = adapter.validate_python(list(payloads))
    except PayloadError as error:
        raise ValueError(f"payload of {kind} does not match its schema: {error}") from error
    return adapter.dump_python(checked, mode="json")


@dataclass(slots=True)
class EventRow:
    """An outbox event `event_publish_many` wrote, as the plain values it wrote (no model
    instance each)."""

    id: uuid.UUID
    kind: str
    subject: str
    payload: dict[str, Any]
    occurred_at: dt.datetime

    @property
    def pk(self) -> uuid.UUID:
        return self.id

    @property
    def webhook_id(self) -> str:
        return webhook_id_of(self.id)


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside the transaction of the change")


# Every active subscription's id, organisation and kinds (one per receiving system: hundreds at
# most), kept per process behind a shared version (kopir.core.reference_cache); read again in
# every process after any save or delete of a subscription (ExchangeConfig.ready).
SUBSCRIPTIONS: ReferenceCache[tuple[tuple[int, int, frozenset[str]], ...]] = ReferenceCache(
    "exchange-subscriptions"
)


def _active_subscriptions() -> tuple[tuple[int, int, frozenset[str]], ...]:
    return tuple(
        (pk, organisation_id, frozenset(kinds))
        for pk, organisation_id, kinds in Subscription.objects.filter(active=True)
        .order_by("pk")
        .values_list("id", "organisation_id", "event_kinds")
    )


def _subscribed(kind: str, organisation_ids: set[int]) -> dict[int, list[Subscription]]:
    """The active subscriptions to `kind` of each of the organisations, by organisation id."""
    chosen: dict[int, list[Subscription]] = {}
    for pk, organisation_id, kinds in SUBSCRIPTIONS.get(None, _active_subscriptions):
        if organisation_id in organisation_ids and kind in kinds:
            chosen.setdefault(organisation_id, []).append(
                Subscription(id=pk, organisation_id=organisation_id, event_kinds=sorted(kinds))
            )
    return chosen


def event_publish(
    *, kind: str, subject: str, payload: dict[str, Any], audience: Iterable[Any]
) -> OutboxEvent:
    """Write a domain event to the outbox in the caller's transaction, with one pending delivery
    per active subscription of an audience organisation that chose this kind.

    Refuses to run outside `transaction.atomic`: an event written on its own could report a
    change that is then rolled back, or be lost when the change commits. The worker is asked to
    deliver once the caller's transaction commits; a rolled-back change leaves no event.
    """
    row = event_publish_many(kind=kind, events=[(subject, payload, audience)])[0]
    event = OutboxEvent(
        id=row.id,
        kind=row.kind,
        subject=row.subject,
        payload=row.payload,
        occurred_at=row.occurred_at,
    )
    event._state.adding = False
    event._state.db = OutboxEvent.objects.db
    return event


def event_publish_many(
    *, kind: str, events: Sequence[tuple[str, Mapping[str, Any], Iterable[Any]]]
) -> list[EventRow]:
    """`event_publish` for many events of one kind at once, each `(subject, payload, audience)`:
    the same rows, payload schema (every payload checked by one call of the schema's validator
    for the list) and delivery rules, written as plain rows (`core.bulk.append_rows`: one COPY
    for the events and one for their deliveries on PostgreSQL) and one enqueued delivery after
    the commit. For a step that changes many records in one transaction (the deadline
    sweep's escalations). An audience may name its organisations by instance or by id."""
    _require_transaction("event_publish")
    now = timezone.now()
    if not events:
        return []
    payloads = _checked_payloads(kind, [payload for _subject, payload, _audience in events])
    written = [
        EventRow(id=uuid.uuid4(), kind=kind, subject=subject, payload=payload, occurred_at=now)
        for (subject, _payload, _audience), payload in zip(events, payloads, strict=True)
    ]
    audiences = [
        {getattr(organisation, "pk", organisation) for organisation in audience}
        for _subject, _payload, audience in events
    ]
    append_rows(
        OutboxEvent,
        ("id", "kind", "subject", "payload", "occurred_at"),
        [(row.id, kind, row.subject, row.payload, now) for row in written],
    )
    subscribed = _subscribed(kind, set().union(*audiences))
    deliveries = [
        (event.id, subscription.pk, now)
        for event, organisation_ids in zip(written, audiences, strict=True)
        for organisation_id in sorted(organisation_ids)
        for subscription in subscribed.get(organisation_id, [])
    ]
    if deliveries:
        append_rows(Delivery, ("event_id", "subscription_id", "next_attempt_at"), deliveries)
        transaction.on_commit(enqueue_delivery)
    return written


def enqueue_delivery() -> None:
    from kopir.exchange.tasks import deliver_due_webhooks

    try:
        deliver_due_webhooks.enqueue()
    except Exception:
        # The periodic sweep delivers whatever is due, so a failed enqueue only delays it.
        logger.exception("could not enqueue webhook delivery")


def delivery_replay(*, actor: Any, delivery: Delivery, request: Any = None) -> Delivery:
    """Send a delivery again from its first attempt (a dead one once the receiver is fixed, or
    any other on the receiver's request), with the same webhook-id."""
    with transaction.atomic():
        now = timezone.now()
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.PENDING,
            attempts=0,
            next_attempt_at=now,
            last_error="",
            last_status_code=None,
        )
        audited(
            delivery,
            AuditAction.UPDATE,
            ["state"],
            actor=actor,
            request=request,
            detail=f"replay:{delivery.state}",
        )
        transaction.on_commit(enqueue_delivery)
    delivery.refresh_from_db()
    return delivery


# --- Subscriptions --------------------------------------------------------------------------------


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _check_kinds(kinds: Iterable[str]) -> list[str]:
    chosen = sorted(set(kinds))
    unknown = [kind for kind in chosen if event_kind(kind) is None]
    if unknown:
        raise ValidationError({"event_kinds": _("Choose events from the list.")})
    if not chosen:
        raise ValidationError({"event_kinds": _("Choose at least one event.")})
    return chosen


def subscription_create(
    *,
    actor: Any,
    organisation: Any,
    name: str,
    url: str,
    event_kinds: Iterable[str],
    request: Any = None,
) -> Subscription:
    with transaction.atomic():
        subscription = Subscription(
            organisation=organisation,
            name=name,
            url=url,
            event_kinds=_check_kinds(event_kinds),
            secret=new_secret(),
        )
        save_audited(
            subscription,
            AuditAction.CREATE,
            ["organisation", "name", "url", "event_kinds"],
            actor=actor,
            request=request,
        )
    return subscription


def _locked(subscription: Subscription, expected_version: int | None) -> Subscription:
    stored = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if expected_version is not None and stored.version != expected_version:
        raise ConflictError(SUBSCRIPTION_CONFLICT)
    return stored


def _subscription_changed(
    subscription: Subscription,
    expected_version: int,
    change: Callable[[Subscription], list[str]],
    *,
    actor: Any,
    request: Any,
    detail: str = "",
) -> Subscription:
    """One change of a subscription, in one transaction: the stored row locked and its version
    checked, `change` applied to it (it returns the fields it changed, for the audit record;
    never a secret's value), the version moved on, saved and audited."""
    with transaction.atomic():
        stored = _locked(subscription, expected_version)
        changed: dict[str, Any] = {"fields": change(stored), "detail": detail}
        stored.version += 1
        stored.save()
        audit_record(
            actor=actor, action=AuditAction.UPDATE, target=stored, request=request, **changed
        )
    return stored


def subscription_update(
    *,
    actor: Any,
    subscription: Subscription,
    expected_version: int,
    name: str,
    url: str,
    event_kinds: Iterable[str],
    request: Any = None,
) -> Subscription:
    def change(stored: Subscription) -> list[str]:
        kinds = _check_kinds(event_kinds)
        changed = assign_changes(stored, {"name": name, "url": url, "event_kinds": kinds})
        stored.full_clean()
        return changed

    return _subscription_changed(
        subscription, expected_version, change, actor=actor, request=request
    )


def secret_grace() -> dt.timedelta:
    return dt.timedelta(hours=settings.KOPIR_WEBHOOK_SECRET_GRACE_HOURS)


def subscription_rotate_secret(
    *, actor: Any, subscription: Subscription, expected_version: int, request: Any = None
) -> Subscription:
    """A new secret; the old one stays valid (and every delivery is signed with both) for the
    grace period, so the receiver can switch without refusing a delivery."""

    def change(stored: Subscription) -> list[str]:
        now = timezone.now()
        stored.previous_secret = stored.secret
        stored.previous_secret_expires_at = now + secret_grace()
        stored.secret = new_secret()
        stored.rotated_at = now
        # The secret itself never enters the audit log.
        return ["secret"]

    return _subscription_changed(
        subscription, expected_version, change, actor=actor, request=request, detail="rotate"
    )


def subscription_set_active(
    *,
    actor: Any,
    subscription: Subscription,
    expected_version: int,
    active: bool,
    request: Any = None,
) -> Subscription:
    """Disable (or enable again) a subscription. Deliveries of a disabled one wait, pending."""

    def change(stored: Subscription) -> list[str]:
        if stored.active == active:
            raise DomainError(
                _("The subscription is already active.")
                if active
                else _("The subscription is already disabled.")
            )
        stored.active = active
        if active:
            transaction.on_commit(enqueue_delivery)
        return ["active"]

    return _subscription_changed(
        subscription,
        expected_version,
        change,
        actor=actor,
        request=request,
        detail="enable" if active else "disable",
    )


# --- Tracked messages -----------------------------------------------------------------------------


def _publish_message(event: str, message: Message, *, to: Any) -> None:
    """Tell the systems `to` has subscribed of `event` on `message`; every message event carries
    the same facts of the message."""
    event_publish(
        kind=event,
        subject=f"exchange.message:{message.pk}",
        payload={
            "message_id": message.pk,
            "kind": message.kind,
            "subject": message.subject,
            "sender_code": message.sender.code,
            "recipient_code": message.recipient.code,
            "due_on": message.due_on,
        },
        audience=[to],
    )


def message_send(
    *,
    actor: Any,
    sender: Any,
    recipient: Any,
    kind: str,
    subject: str,
    summary: str,
    due_on: dt.date | None = None,
    request: Any = None,
    channel: str = AuditChannel.WEB,
) -> Message:
    """Record a handoff from `sender` to `recipient`; the recipient's subscribed systems hear of
    it ("message.sent") in the same transaction."""
    if sender.pk == recipient.pk:
        raise ValidationError({"recipient": _("A message goes to another organisation.")})
    with transaction.atomic():
        message = Message(
            sender=sender,
            recipient=recipient,
            kind=kind,
            subject=subject,
            summary=summary,
            due_on=due_on,
            sent_by=signed_in_user(actor),
            sent_at=timezone.now(),
        )
        save_audited(
            message,
            AuditAction.CREATE,
            ["sender", "recipient", "kind", "subject", "summary", "due_on"],
            actor=actor,
            request=request,
            channel=channel,
        )
        _publish_message("message.sent", message, to=recipient)
    return message


def message_mark_delivered(*, message: Message, via: str) -> Message:
    """The recipient has it (its staff opened it, or its system took the webhook). A message
    already past "sent" is left as it is: delivery is recorded once, the first time."""
    with transaction.atomic():
        status = Message.objects.filter(pk=message.pk).values_list("status", flat=True).first()
        if status != MessageStatus.SENT:
            message.refresh_from_db()
            return message
        return MESSAGE_WORKFLOW.transition(
            record=message,
            to=MessageStatus.DELIVERED,
            actor=None,
            changes={"delivered_at": timezone.now(), "delivered_via": via[:30]},
            channel=AuditChannel.TASK if via == "webhook" else AuditChannel.WEB,
            detail=f"sent->delivered:{via[:30]}",
        )


def message_acknowledge(
    *, actor: Any, message: Message, version: int, request: Any = None
) -> Message:
    """The recipient confirms it has taken the message up. Acknowledging a message nobody had
    opened yet also records its delivery, in the same transaction."""
    with transaction.atomic():
        if message.status == MessageStatus.SENT and message.version == version:
            MESSAGE_WORKFLOW.transition(
                record=message,
                to=MessageStatus.DELIVERED,
                actor=actor,
                expected_version=version,
                changes={"delivered_at": timezone.now(), "delivered_via": "web"},
                request=request,
            )
            version = message.version
        return MESSAGE_WORKFLOW.transition(
            record=message,
            to=MessageStatus.ACKNOWLEDGED,
            actor=actor,
            expected_version=version,
            changes={"acknowledged_at": timezone.now(), "acknowledged_by": actor},
            request=request,
        )


def message_withdraw(
    *, actor: Any, message: Message, version: int, reason: str, request: Any = None
) -> Message:
    """The sender takes back a message not yet answered (what it handed over was cancelled):
    it leaves the recipient's open messages, with the reason on it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the message is withdrawn.")})
    return MESSAGE_WORKFLOW.transition(
        record=message,
        to=MessageStatus.WITHDRAWN,
        actor=actor,
        expected_version=version,
        changes={"withdrawn_at": timezone.now(), "withdrawal_reason": reason[:2000]},
        request=request,
    )


def message_answer(
    *, actor: Any, message: Message, version: int, answer: str, request: Any = None
) -> Message:
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Enter the answer.")})
    if len(answer) > 4000:
        raise ValidationError({"answer": _("The answer can be at most 4000 characters.")})
    with transaction.atomic():
        answered = MESSAGE_WORKFLOW.transition(
            record=message,
            to=MessageStatus.ANSWERED,
            actor=actor,
            expected_version=version,
            changes={"answered_at": timezone.now(), "answered_by": actor, "answer": answer},
            request=request,
        )
        _publish_message("message.answered", message, to=message.sender)
    return answered
