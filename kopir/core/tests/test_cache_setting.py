"""KOPIR_CACHE_URL: Redis shared by the web processes when set, a local-memory cache when not."""

from __future__ import annotations

from kopir.core.tests.test_production_checks import run_manage

# A database that leaves no file behind; these processes only read settings.
IN_MEMORY = "sqlite:///:memory:"
SHOW = (
    "from django.conf import settings; "
    "print(settings.CACHES['default']['BACKEND'], settings.SESSION_ENGINE, settings.AXES_HANDLER)"
)


def test_unset_the_cache_is_local_memory_and_sessions_and_lockouts_are_in_the_database():
    result = run_manage("shell", "--no-imports", "-c", SHOW, DATABASE_URL=IN_MEMORY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.contrib.sessions.backends.db",
        "axes.handlers.database.AxesDatabaseHandler",
    ]


def test_a_redis_address_shares_the_cache_and_reads_sessions_from_it():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW,
        DATABASE_URL=IN_MEMORY,
        KOPIR_CACHE_URL="redis://127.0.0.1:6379/14",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "django.contrib.sessions.backends.cached_db",
        "axes.handlers.database.AxesDatabaseHandler",
    ]


def test_an_address_that_is_not_redis_stops_start_up_naming_the_variable():
    result = run_manage(
        "check", DATABASE_URL=IN_MEMORY, KOPIR_CACHE_URL="memcached://127.0.0.1:11211"
    )
    assert result.returncode != 0
    assert "KOPIR_CACHE_URL must be a Redis address" in result.stderr
