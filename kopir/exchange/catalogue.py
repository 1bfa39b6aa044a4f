"""The event catalogue: every kind of domain event Kopir publishes to external systems.

Each publishing app registers its kinds in its AppConfig.ready(); the subscription form offers
them, the OpenAPI document lists them (`webhooks`), and `event_publish` refuses a kind nobody
registered or a payload its schema does not accept. A payload is a pydantic model (ninja's
`Schema`), so the document and the check are one declaration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from ninja import Schema


@dataclass(frozen=True)
class EventKind:
    """One kind of event: `name` is what a subscription chooses ("referral.sent")."""

    name: str
    description: str | Promise
    payload: type[Schema]


_KINDS: dict[str, EventKind] = {}


def register_event_kind(*kinds: EventKind) -> None:
    for kind in kinds:
        # ready() may run twice in tests: the same kind again is harmless, a different one is not.
        existing = _KINDS.get(kind.name)
        if existing is not None and existing != kind:
            raise ImproperlyConfigured(f"event kind {kind.name!r} is registered twice, differently")
        _KINDS[kind.name] = kind


def event_kinds() -> tuple[EventKind, ...]:
    return tuple(sorted(_KINDS.values(), key=lambda kind: kind.name))


def event_kind(name: str) -> EventKind | None:
    return _KINDS.get(name)


# --- Payloads of the events the exchange publishes itself --------------------------------------


class MessageSentPayload(Schema):
    """A tracked message addressed to the subscriber's organisation."""

    message_id: int
    kind: str
    subject: str
    sender_code: str
    recipient_code: str
    due_on: dt.date | None = None
