"""Who acted: a signed-in user, or something else (a system's token, a task, a visitor).

Services take the actor as given — a user, an API system, None for a scheduled job — and write a
user into a record's "by" column only where a person signed in did it.
"""

from __future__ import annotations

from typing import TypeVar

Actor = TypeVar("Actor")


def is_signed_in(actor: object) -> bool:
    """Whether the actor is a signed-in user: an anonymous visitor, a system or None is not."""
    return bool(getattr(actor, "is_authenticated", False))


def signed_in_user(actor: Actor) -> Actor | None:
    """The actor to record as the person who acted, or None where no signed-in user did."""
    return actor if is_signed_in(actor) else None
