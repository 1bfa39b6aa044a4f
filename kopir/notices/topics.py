"""What a notice's topic is called in the outbox's filter: a staff notification's topic
(`staff.<kind>`) by its kind's label (`kinds.py`), any other by the label its app registered
(`register_topic`, from its `ready()`), else by its key, the only name it has."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopir.notices.kinds import staff_kind

_LABELS: dict[str, str | Promise] = {}

# The languages a notice is written in, by name (a notice in two carries both, "kk,ru").
LANGUAGE_NAMES: dict[str, str | Promise] = {
    "kk": _("Kazakh"),
    "ru": _("Russian"),
    "en": _("English"),
}


def register_topic(key: str, label: str | Promise) -> None:
    """Name a topic the app's notices carry ("council.meeting_invitation")."""
    _LABELS[key] = label


def topic_label(key: str) -> str:
    if key.startswith("staff."):
        kind = staff_kind(key.removeprefix("staff."))
        if kind is not None:
            return str(kind.label)
    label = _LABELS.get(key)
    return str(label) if label is not None else key


def language_names(languages: str) -> str:
    """ "kk,ru" → "Kazakh, Russian" in the reader's language; a code not known stays as it is."""
    return ", ".join(
        str(LANGUAGE_NAMES.get(code.strip(), code.strip())) for code in languages.split(",")
    )
