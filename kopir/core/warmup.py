"""A web process warmed before it serves, then what it loaded left out of the garbage collector's
full runs (decision 14).

A warmed process holds some 250,000 objects that live as long as it does (URL patterns,
compiled templates, the catalogues of three languages, the apps' modules). Python's full
collection walks all of them, every few requests of a large page, and at the national scale
that collection, 150-290 ms, was the dashboards' p95 (docs/performance.md). Loading them once at
start and then `gc.freeze()` moves them to a generation no collection visits; the garbage of the
requests themselves is still collected as before.
"""

from __future__ import annotations

import gc
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.urls import get_resolver
from django.utils import translation

TEMPLATE_SUFFIXES = (".html", ".txt")


def template_names() -> list[str]:
    """Every template the Django engine can find, by the name a view would ask for."""
    names: set[str] = set()
    for engine in engines.all():
        for directory in getattr(engine, "template_dirs", ()):
            root = Path(directory)
            names.update(
                path.relative_to(root).as_posix()
                for path in root.rglob("*")
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
            )
    return sorted(names)


def warm_up() -> int:
    """Load what every request would otherwise load on its first use: the URL patterns in each
    language, each language's catalogue, and every template compiled (kept by the cached loader
    when DEBUG is off). Returns how many templates were compiled."""
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 (the patterns are read on first use)
            translation.gettext("Kopir")
    compiled = 0
    for engine in engines.all():
        for name in template_names():
            engine.get_template(name)
            compiled += 1
    return compiled


def freeze_after_warm_up() -> None:
    """Warm the process, collect what warming left behind, then freeze the rest."""
    warm_up()
    gc.collect()
    gc.freeze()
