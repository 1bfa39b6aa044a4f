"""Fixtures every test may use. App-specific fixtures live in each app's tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import translation

from kopir.audit import triggers


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


@pytest.fixture(scope="module")
def _audit_triggers_back_after_the_module(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[None]:
    yield
    # The flush after the module's last transactional test ran without the append-only
    # triggers; the tests after this module expect them.
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        triggers.install(connection)


@pytest.fixture
def audit_triggers_lifted_for_the_flush(
    _audit_triggers_back_after_the_module: None, transactional_db: None
) -> Iterator[None]:
    """For a transactional test (`django_db(transaction=True)`) that writes audit records.

    pytest-django empties every table after a transactional test, which the audit log's
    append-only triggers refuse. This fixture depends on transactional_db, so its teardown runs
    before that flush: the triggers stand during the test and are lifted just before.
    """
    triggers.install(connection)
    yield
    triggers.remove(connection)
