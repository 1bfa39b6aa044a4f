"""The kinds of staff notification, registered by the apps whose events they report.

Notices owns the list and the apps fill it from their `AppConfig.ready()` (council registers "a
new petition", "a vote is open"…), so notices imports no app above it. Each kind carries its
name for the preferences page, the sentence shown in the list (a lazy translation with
`%(name)s` values, filled from the notification's `params`) and whether it also comes by e-mail
to someone who has not chosen.
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
