"""The event catalogue: every kind of domain event Kopir publishes to external systems.

Each publishing app registers its kinds in its AppConfig.ready(); the subscription form offers
them, the OpenAPI document lists them (`webhooks`), and `event_publish` refuses a kind nobody
registered or a payload its schema does not accept. A payload is a pydantic model (ninja's
`Schema`), so the document and the check are one declaration.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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


@dataclass(frozen=True)
class MessageRecord:
    """The record a tracked message is about, as its page links it: where it is worked."""

    url: str
    label: str


# A kind's record: given the message and the reader, the record's link, or None when the reader
# may not open it. The app that sends messages of the kind registers it (the exchange imports no
# app above it).
_MESSAGE_RECORDS: dict[str, Callable[[Any, Any], MessageRecord | None]] = {}


def register_message_record(name: str, record: Callable[[Any, Any], MessageRecord | None]) -> None:
    _MESSAGE_RECORDS[name] = record


# A kind's subjects in the reader's language: given messages of the kind, each one's subject by
# id. A message's stored subject is in the recipient's language of notices (what was sent); the
# pages read it from the record it is about where the sending app can.
_MESSAGE_SUBJECTS: dict[str, Callable[[list[Any]], dict[int, str]]] = {}


def register_message_subjects(name: str, subjects: Callable[[list[Any]], dict[int, str]]) -> None:
    _MESSAGE_SUBJECTS[name] = subjects


def with_subjects(messages: list[Any]) -> list[Any]:
    """`messages`, each with `shown_subject`: its subject in the active language where its kind
    can say it (one read per kind), else the subject it was sent with."""
    by_kind: dict[str, list[Any]] = {}
    for message in messages:
        message.shown_subject = message.subject
        by_kind.setdefault(message.kind, []).append(message)
    for kind, group in by_kind.items():
        subjects = _MESSAGE_SUBJECTS.get(kind)
        if subjects is None:
            continue
        found = subjects(group)
        for message in group:
            message.shown_subject = found.get(message.pk) or message.subject
    return messages


def message_record(message: Any, user: Any) -> MessageRecord | None:
    """The record `message` is about, for `user`; None for a kind without one or a reader who
    may not open it."""
    record = _MESSAGE_RECORDS.get(message.kind)
    return record(message, user) if record is not None else None


# --- Payloads of the events the exchange publishes itself --------------------------------------


class MessageSentPayload(Schema):
    """A tracked message addressed to the subscriber's organisation."""

    message_id: int
    kind: str
    subject: str
    sender_code: str
    recipient_code: str
    due_on: dt.date | None = None
