"""Addresses every page works out again: the menu's links and this page under another language.

Every page draws the menu, marks its current link and links to itself in the other languages:
some 50 reversals and 3 resolutions a page, a sixth of a refusal page's time (measured on the
permission matrix, 2026-12-07). An address depends only on what is asked, the active language,
the URLconf and the script prefix, so each is worked out once and kept, keyed by all four.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse, translate_url
from django.utils.translation import get_language


def _context() -> tuple[str | None, Any, str]:
    # What reverse() and translate_url() read besides their arguments.
    return get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix()


def link_url(url_name: str) -> str:
    """reverse(url_name), for a URL name without arguments, in the active language."""
    return _reversed(url_name, *_context())


def translated_url(url: str, language: str) -> str:
    """translate_url(url, language): this address in another language, or as it is. Only the
    path is kept between requests, never a query (which may hold what someone searched for)."""
    path, separator, query = url.partition("?")
    return _translated(path, language, *_context()) + separator + query


@lru_cache(maxsize=1024)
def _reversed(url_name: str, *context: Any) -> str:
    return reverse(url_name)


# Keyed by the page's path, so bounded: a record page's path is one of many.
@lru_cache(maxsize=4096)
def _translated(path: str, language: str, *context: Any) -> str:
    return translate_url(path, language)
