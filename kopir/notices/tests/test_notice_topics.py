"""Every notice an app sends carries a topic the outbox names: the outbox listed
"assessment.notices.appeal_filed" and "council.meeting_invitation" as they are, because no app
had named its topics.

The topics are found from the code itself, not from a list here: the folders of notice texts in
every app's templates, the calls that queue a notice, the `NoticeTopic`s the apps declare, and
the registry their `ready()` fills."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from django.apps import apps
from django.template.loader import get_template
from django.utils import translation

import kopir
from kopir.notices import staff
from kopir.notices.topics import NoticeTopic, language_names, registered_topics, topic_label

KOPIR = Path(kopir.__file__).resolve().parent
NOTICES = KOPIR / "notices"
# The calls that write a notice with a topic (notices/services.py).
QUEUEING = {"notice_queue", "NoticeDraft"}


def _kopir_apps() -> list[Path]:
    return [
        Path(config.path) for config in apps.get_app_configs() if config.name.startswith("kopir.")
    ]


def _sources() -> list[Path]:
    """Kopir's code: no tests, no migrations."""
    return [
        path
        for path in sorted(KOPIR.rglob("*.py"))
        if "tests" not in path.relative_to(KOPIR).parts
        and "migrations" not in path.relative_to(KOPIR).parts
    ]


def _notice_texts() -> set[str]:
    """The template folder of every notice the apps can send: a `notices/<name>/` folder of an
    app's templates holding a subject."""
    found = set()
    for app in _kopir_apps():
        templates = app / "templates"
        for subject in templates.rglob("notices/*/subject.txt"):
            found.add(subject.parent.relative_to(templates).as_posix())
    return found


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _unnamed_topics(source: str) -> list[str]:
    """Each call in `source` that queues a notice whose template and topic are not the
    `.template` and `.key` of one `NoticeTopic`, as "line what"."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _name(node.func) in QUEUEING):
            continue
        given = {keyword.arg: keyword.value for keyword in node.keywords}
        template, topic = given.get("template"), given.get("topic")
        if not (
            isinstance(template, ast.Attribute)
            and isinstance(topic, ast.Attribute)
            and template.attr == "template"
            and topic.attr == "key"
            and ast.dump(template.value) == ast.dump(topic.value)
        ):
            found.append(f"{node.lineno} {_name(node.func)}")
    return found


def _topics_declared(source: str) -> list[int]:
    """The lines of `source` that make a `NoticeTopic`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and _name(node.func) == "NoticeTopic"
    ]


def _topics_in(value: object) -> list[NoticeTopic]:
    if isinstance(value, NoticeTopic):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, tuple | list):
        return [item for item in value if isinstance(item, NoticeTopic)]
    return []


def _declared_topics() -> list[NoticeTopic]:
    """The `NoticeTopic`s of every app's `notice_topics` module, alone or in a tuple or dict."""
    declared = []
    for config in apps.get_app_configs():
        if (Path(config.path) / "notice_topics.py").exists():
            module = importlib.import_module(f"{config.name}.notice_topics")
            for value in vars(module).values():
                declared += _topics_in(value)
    return declared


def test_every_notice_text_belongs_to_a_named_topic() -> None:
    named = {topic.template for topic in registered_topics()} | {staff.TEMPLATE}

    assert _notice_texts() - named == set()


def test_every_call_that_queues_a_notice_gives_it_a_declared_topic() -> None:
    # The notices app's own call (staff.py) carries "staff.<kind>", named by its kind.
    offenders = [
        f"{path.relative_to(KOPIR)}:{finding}"
        for path in _sources()
        if NOTICES not in path.parents
        for finding in _unnamed_topics(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_topics_are_declared_only_in_the_apps_notice_topics_modules() -> None:
    offenders = [
        f"{path.relative_to(KOPIR)}:{line}"
        for path in _sources()
        if path.name != "notice_topics.py" and path != NOTICES / "topics.py"
        for line in _topics_declared(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_every_declared_topic_is_registered_once() -> None:
    declared = _declared_topics()
    registered = registered_topics()

    assert declared, "no app declares the topics of its notices"
    assert [topic for topic in declared if topic not in registered] == []
    assert len({topic.key for topic in registered}) == len(registered)


def test_every_registered_topic_has_its_texts_and_a_name_in_each_language() -> None:
    unnamed = []
    for topic in registered_topics():
        get_template(f"{topic.template}/subject.txt")
        get_template(f"{topic.template}/plain.txt")
        with translation.override("en"):
            english = topic_label(topic.key)
        names = {"en": english}
        for language in ("kk", "ru"):
            with translation.override(language):
                names[language] = topic_label(topic.key)
        if english == topic.key or english in (names["kk"], names["ru"]):
            unnamed.append((topic.key, names))

    assert unnamed == []


def test_the_checks_find_a_topic_written_by_hand() -> None:
    # The checks above must be able to fail: the ways the apps wrote their topics before.
    source = (
        "notice_queue(template=f'council/notices/{name}', topic=f'council.{name}')\n"
        "services.notice_queue(template=RETURNED)\n"
        "NoticeDraft(template=SENT.template, topic=OTHER.key)\n"
        "notice_queue(template=SENT.template, topic=SENT.key)\n"
        "X = NoticeTopic('a.b', 'a/notices/b', 'B')\n"
    )

    assert _unnamed_topics(source) == ["1 notice_queue", "2 notice_queue", "3 NoticeDraft"]
    assert _topics_declared(source) == [5]


def test_a_notice_in_both_state_languages_names_both() -> None:
    """A notice to an organisation may be written in Kazakh and Russian; it stores them joined by
    "+" (notices/services.py), and the outbox names each."""
    with translation.override("en"):
        assert language_names("kk+ru") == "Kazakh, Russian"
        assert language_names("ru") == "Russian"
