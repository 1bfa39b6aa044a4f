"""What a notice's topic is called in the outbox: a staff notification's topic (`staff.<kind>`)
by its kind's label (`kinds.py`), any other by the `NoticeTopic` its app registered
(`register_topic`, from its `ready()`), else by its key, the only name it has.

An app declares each kind of notice it sends as a `NoticeTopic` (its key, the folder of its
texts, its name) and sends it with `template=topic.template, topic=topic.key`, so a notice
never carries a topic nobody named (`tests/test_notice_topics.py` holds every app to it)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopir.core.registry import add_once
from kopir.notices.kinds import staff_kind


@dataclass(frozen=True)
class NoticeTopic:
    key: str  # stored on each notice: "council.meeting_invitation"
    template: str  # the folder of its texts: "council/notices/meeting_invitation"
    label: str | Promise  # what the outbox calls it


_TOPICS: list[NoticeTopic] = []

# The languages a notice is written in, by name (a notice in two carries both, "kk+ru").
LANGUAGE_NAMES: dict[str, str | Promise] = {
    "kk": _("Kazakh"),
    "ru": _("Russian"),
    "en": _("English"),
}


def register_topic(*topics: NoticeTopic) -> None:
    """Name the topics the app's notices carry."""
    for topic in topics:
        add_once(_TOPICS, topic, lambda registered: registered.key)


def registered_topics() -> list[NoticeTopic]:
    return sorted(_TOPICS, key=lambda topic: topic.key)


def topic_label(key: str) -> str:
    if key.startswith("staff."):
        kind = staff_kind(key.removeprefix("staff."))
        if kind is not None:
            return str(kind.label)
    topic = next((topic for topic in _TOPICS if topic.key == key), None)
    return str(topic.label) if topic is not None else key


def language_names(languages: str) -> str:
    """A notice's languages as stored, one code or several joined by "+" ("kk+ru", the state
    languages an organisation is written to in), named in the reader's language: "Kazakh,
    Russian"; a code not known stays as it is."""
    return ", ".join(
        str(LANGUAGE_NAMES.get(code.strip(), code.strip())) for code in languages.split("+")
    )
