"""The signed-in home page: the user's work today, as the apps registered it.

Each app registers `HomeItem`s in its `AppConfig.ready()` (`core/registry.py`); core asks each
item the user may see for its count and its link and groups them by section. Core imports no
app: what a count means, and which list it opens, is the app's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from kopir.core.registry import HomeItem, registry


@dataclass(frozen=True)
class HomeCount:
    key: str
    label: str | Promise
    empty: str | Promise
    count: int
    url: str


@dataclass
class HomeSection:
    title: str | Promise
    items: list[HomeCount] = field(default_factory=list)


def home_sections(user: Any, items: list[HomeItem] | None = None) -> list[HomeSection]:
    """The counts the user's roles call for, in the apps' order, grouped under their sections
    (a section appears where its first item falls)."""
    sections: dict[str, HomeSection] = {}
    for item in registry.home_items() if items is None else items:
        if not item.allowed(user):
            continue
        number = item.count(user)
        section = sections.setdefault(str(item.section), HomeSection(item.section))
        section.items.append(HomeCount(item.key, item.label, item.empty, number, item.url(user)))
    return list(sections.values())
