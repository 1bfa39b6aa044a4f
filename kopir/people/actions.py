"""What a user can start from a person's page, offered by the apps that own that work.

People depends on no app that knows about cases, so an app above it registers its actions here
from its `AppConfig.ready` (assessment: "New referral" for a clinic's staff, the form filled with
the person). The page shows the actions whose `allowed(user)` is true, in registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kopir.people.models import Person


@dataclass(frozen=True)
class PersonAction:
    label: str | Promise
    url: Callable[[Person], str]
    allowed: Callable[[Any], bool]


_actions: list[PersonAction] = []


def register_person_action(action: PersonAction) -> None:
    """Offer `action` on the person's page to the users it allows."""
    if action not in _actions:
        _actions.append(action)


def person_actions(user: Any, person: Person) -> list[tuple[str | Promise, str]]:
    """The (label, address) of each action this user may start for this person."""
    return [(action.label, action.url(person)) for action in _actions if action.allowed(user)]
