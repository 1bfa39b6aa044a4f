"""The routes that the permission matrix and the browser tests both walk: every named page, and
groups of them named with the same URL arguments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern


def _walk(patterns: Iterable[Any], namespaces: list[str]) -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
            yield from _walk(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join([*namespaces, pattern.name])


def named_routes() -> list[str]:
    """Every named URL under the language prefix, as "namespace:name", read from the URLconf.

    Read from the URLconf rather than listed by hand, so a page added later is asked of the
    permission matrix and visited by the browser tests (and must pass axe) without anyone editing
    either.
    """
    names: set[str] = set()
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and isinstance(pattern.pattern, LocalePrefixPattern):
            names.update(_walk(pattern.url_patterns, []))
    return sorted(names)


# The pages of a measure catalogue's draft, each named by the catalogue's pk.
CATALOGUE_ROUTES = tuple(
    f"rehabilitation:{name}"
    for name in (
        "catalogue_detail",
        "catalogue_edit",
        "catalogue_activate",
        "catalogue_retire",
        "measure_create",
        "suggestion_list",
        "suggestion_create",
    )
)
