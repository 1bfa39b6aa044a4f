"""The kinds of staff notification, registered by the apps whose events they report.

Notices owns the list and the apps fill it from their `AppConfig.ready()` (council registers "a
new petition", "a vote is open"…), so notices imports no app above it. Each kind carries its
name for the preferences page, the sentence shown in the list (a lazy translation with
`%(name)s` values, filled from the notification's `params`), whether it also comes by e-mail
to someone who has not chosen, and the roles it concerns: the preferences page offers a person
only the kinds of their roles (a clinician is never told of a council vote, so is not asked).

A value typed by staff in Kazakh and in Russian (a vote's question) travels as both halves, the
Kazakh one under its name and the Russian one under `<name>_ru`, and a kind that names it in
`bilingual` shows each reader their half when the sentence is read: the bell's list in the page's
language, the e-mail in the account's. A date travels as ISO ("2026-12-07"), and a kind that names
it in `dates` writes it as the reader's language writes dates, when the sentence is read too.

A notification keeps the values it was written with, so a kind whose sentence gains a value lists
the sentences it had before in `earlier`: a notification written without the value reads as it
did then, rather than falling back to the kind's name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from kopir.core.registry import add_once
from kopir.core.text import date_before_full_stop, half_for_reader


@dataclass(frozen=True)
class StaffNotificationKind:
    key: str  # "council.petition_new"
    label: str | Promise  # what the preferences page lists
    message: str | Promise  # "New petition № %(number)s to %(council)s"
    email_by_default: bool = True
    order: int = 0
    # The roles whose holders may be told of it; none: anyone.
    roles: tuple[str, ...] = ()
    # The values given in Kazakh (`name`) and in Russian (`name_ru`), each read in the reader's.
    bilingual: tuple[str, ...] = ()
    # The values stored as ISO dates, each written in the reader's language. The sentence ends
    # with the date, so a format's own final dot gives way to the full stop (Russian "г.").
    dates: tuple[str, ...] = ()
    # The sentences this kind had before `message` named a value, newest first: a notification
    # written without that value reads with the first one it fits.
    earlier: tuple[str | Promise, ...] = ()

    def concerns(self, user: Any) -> bool:
        """Whether `user` holds a role this kind is told to (and so chooses how it comes)."""
        return not self.roles or bool(user.has_role(*self.roles))

    def text(self, params: dict[str, Any]) -> str:
        """The sentence in the active language; a value it does not name is ignored."""
        values = dict(params)
        for name in self.bilingual:
            values[name] = reader_half(values.get(name), values.get(f"{name}_ru"))
        for name in self.dates:
            if name in values:
                values[name] = reader_date(values[name])
        for message in (self.message, *self.earlier):
            try:
                return str(message) % values
            except (KeyError, TypeError, ValueError):
                continue
        # A sentence changed without keeping the one the notification was written for: say what
        # kind it is.
        return str(self.label)


def reader_half(kazakh: Any, russian: Any) -> str:
    """The half of a value given in Kazakh and Russian for the active language's reader, by the
    one rule of `core/text.py::half_for_reader`."""
    return str((russian if half_for_reader(kazakh, russian) == "ru" else kazakh) or "")


def reader_date(value: Any) -> str:
    """An ISO date as the active language writes it before a full stop ("07.12.2026",
    "7 декабря 2026 г", "Dec. 7, 2026"); any other value as it was stored."""
    try:
        day = dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_before_full_stop(day)


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
