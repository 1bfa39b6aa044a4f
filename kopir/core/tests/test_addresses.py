"""The addresses kept between requests are those of the language, URLconf and path asked."""

from __future__ import annotations

from django.test import override_settings
from django.urls import include, path
from django.utils import translation

from kopir.core import addresses
from kopir.core.addresses import link_url, translated_url

# This module is also a URLconf: the audit log's page without the language prefix.
urlpatterns = [path("audit/", include("kopir.audit.urls"))]


def test_a_link_is_kept_per_language():
    addresses._reversed.cache_clear()
    by_language = {}
    for language in ("kk", "ru", "en", "kk"):
        with translation.override(language):
            by_language[language] = link_url("audit:search")
    assert by_language == {"kk": "/kk/audit/", "ru": "/ru/audit/", "en": "/en/audit/"}
    assert addresses._reversed.cache_info().hits == 1


def test_another_urlconf_is_not_answered_from_the_first():
    with translation.override("kk"):
        assert link_url("audit:search") == "/kk/audit/"
        with override_settings(ROOT_URLCONF=__name__):
            assert link_url("audit:search") == "/audit/"


def test_a_translated_address_keeps_its_query_but_the_cache_keeps_only_the_path():
    addresses._translated.cache_clear()
    with translation.override("kk"):
        assert translated_url("/kk/audit/?username=x", "ru") == "/ru/audit/?username=x"
        assert translated_url("/kk/audit/?username=y", "en") == "/en/audit/?username=y"
        assert translated_url("/kk/audit/", "ru") == "/ru/audit/"
    kept = addresses._translated.cache_info()
    assert (kept.hits, kept.currsize) == (1, 2)
    # A path that names no page is given back as it is.
    with translation.override("kk"):
        assert translated_url("/kk/no-such-page/?q=1", "ru") == "/kk/no-such-page/?q=1"
