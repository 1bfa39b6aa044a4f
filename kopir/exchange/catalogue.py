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


# --- Kinds of tracked message ---------------------------------------------------------------------

# A message's `kind` is a code ("rehabilitation.measure"); people read this label instead.
_MESSAGE_KINDS: dict[str, str | Promise] = {}


def register_message_kind(name: str, label: str | Promise) -> None:
    _MESSAGE_KINDS[name] = label


def message_kind_label(name: str) -> str | Promise:
    """The kind's label, or the code itself for a kind nobody registered (never a blank)."""
    return _MESSAGE_KINDS.get(name, name)


# --- Payloads of the events the exchange publishes itself --------------------------------------


class MessageSentPayload(Schema):
    """A tracked message addressed to the subscriber's organisation."""

    message_id: int
    kind: str
    subject: str
    sender_code: str
    recipient_code: str
    due_on: dt.date | None = None
