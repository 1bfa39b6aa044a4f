"""Fixtures every test may use. App-specific fixtures live in each app's tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests hash hundreds of passwords and check none of its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # LocaleMiddleware leaves the last request's language active in the thread, which would change
    # what reverse() and gettext give the next test. Every test starts in the default language.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Rate-limit windows (API, petitions, citizen status) live in the cache, keyed partly on
    # primary keys that SQLite hands out again after each test's rollback: a window left by one
    # test would otherwise count against the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def _audit_triggers_restored(django_db_blocker: Any) -> Iterator[None]:
    yield
    # Set up before transactional_db, so this runs after its flush: the next test finds the
    # audit table append-only again.
    from django.db import connection

    from kopir.audit import triggers

    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture
def committing_db(_audit_triggers_restored: None, transactional_db: None) -> Iterator[None]:
    """A database whose transactions really commit (for tests of concurrent workers).

    pytest-django empties every table after such a test; PostgreSQL's append-only triggers on
    the audit table refuse that TRUNCATE, so they are lifted just before it and restored after.
    """
    from django.db import connection

    from kopir.audit import triggers

    yield
    triggers.remove(connection)
