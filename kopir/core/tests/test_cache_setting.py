"""KOPIR_CACHE_URL: Redis shared by the web processes when set, a local-memory cache when not."""

from __future__ import annotations

import pytest

from kopir.core.tests.test_production_checks import run_manage

# A database that leaves no file behind; these processes only read settings.
IN_MEMORY = "sqlite:///:memory:"
SHOW = (
    "from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, settings.AXES_HANDLER)"
)


@pytest.mark.parametrize(
    ("cache_url", "cache", "sessions"),
    [
        # Unset: a cache per process; sessions in the database.
        ("", "locmem.LocMemCache", "db"),
        # A Redis address: one cache for every process; sessions read from it, kept in the database.
        ("redis://127.0.0.1:6379/14", "redis.RedisCache", "cached_db"),
    ],
)
def test_the_cache_and_sessions_follow_kopir_cache_url_and_lockouts_stay_in_the_database(
    cache_url: str, cache: str, sessions: str
) -> None:
    result = run_manage(
        "shell", "--no-imports", "-c", SHOW, DATABASE_URL=IN_MEMORY, KOPIR_CACHE_URL=cache_url
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        f"django.core.cache.backends.{cache}",
        f"django.contrib.sessions.backends.{sessions}",
        "axes.handlers.database.AxesDatabaseHandler",
    ]


def test_an_address_that_is_not_redis_stops_start_up_naming_the_variable() -> None:
    result = run_manage(
        "check", DATABASE_URL=IN_MEMORY, KOPIR_CACHE_URL="memcached://127.0.0.1:11211"
    )
    assert result.returncode != 0
    assert "KOPIR_CACHE_URL must be a Redis address" in result.stderr
