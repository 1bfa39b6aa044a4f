"""The kinds of staff notification, registered by the apps whose events they report.

Notices owns the list and the apps fill it from their `AppConfig.ready()` (council registers "a
new petition", "a vote is open"…), so notices imports no app above it. Each kind carries its
name for the preferences page, the sentence shown in the list (a lazy translation with
`%(name)s` values, filled from the notification's `params`), whether it also comes by e-mail
to someone who has not chosen, and the roles it concerns: the preferences page offers a person
only the kinds of their roles (a clinician is never told of a council vote, so is not asked).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kopir.core.registry import add_once


@dataclass(frozen=True)
class StaffNotificationKind:
    key: str  # "council.petition_new"
    label: str | Promise  # what the preferences page lists
    message: str | Promise  # "New petition № %(number)s to %(council)s"
    email_by_default: bool = True
    order: int = 0
    # The roles whose holders may be told of it; none: anyone.
    roles: tuple[str, ...] = ()

    def concerns(self, user: Any) -> bool:
        """Whether `user` holds a role this kind is told to (and so chooses how it comes)."""
        return not self.roles or bool(user.has_role(*self.roles))

    def text(self, params: dict[str, Any]) -> str:
        """The sentence in the active language; a value it does not name is ignored."""
        try:
            return str(self.message) % params
        except (KeyError, TypeError, ValueError):
            # A kind whose sentence changed after the notification was written: say what kind.
            return str(self.label)


_KINDS: list[StaffNotificationKind] = []


def register_staff_kind(*kinds: StaffNotificationKind) -> None:
    for kind in kinds:
        add_once(_KINDS, kind, lambda registered: registered.key)


def staff_kind(key: str) -> StaffNotificationKind | None:
    return next((kind for kind in _KINDS if kind.key == key), None)


def staff_kinds() -> list[StaffNotificationKind]:
    return sorted(_KINDS, key=lambda kind: (kind.order, kind.key))


def staff_kinds_for(user: Any) -> list[StaffNotificationKind]:
    """The kinds `user` may be told of, for their preferences page."""
    return [kind for kind in staff_kinds() if kind.concerns(user)]
