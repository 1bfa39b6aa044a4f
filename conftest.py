"""Fixtures every test may use. App-specific fixtures live in each app's tests/conftest.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # Argon2 is deliberately slow; tests hash hundreds of passwords and check none of its strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(scope="session", autouse=True)
def _media_of_this_test_process(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Files the tests store (the demo's documents, uploads) go to a temporary folder of this test
    # process rather than the data directory. Each pytest-xdist worker has its own, so two workers
    # never write into, or copy back (the browser tests' demo snapshot), each other's files.
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(scope="session", autouse=True)
def _processes_the_tests_start_are_not_measured() -> None:
    # In CI the PostgreSQL run is measured by coverage.py, whose `patch = ["subprocess"]` hands its
    # settings to every Python process started below it through this variable: the pytest-xdist
    # workers, which must be measured, but also the web servers, `manage.py` commands and shells
    # that a few tests start. Measured, each of those imports Django and warms every template
    # under the tracer: the three files that start them took twice the CPU (79 CPU-s against 38),
    # and a server waited for could miss its two-minute start on a busy machine. The workers
    # already hold it when this runs; what the tests start does not inherit it.
    os.environ.pop("COVERAGE_PROCESS_CONFIG", None)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    # LocaleMiddleware leaves the last request's language active in the thread, which would change
    # what reverse() and gettext give the next test. Every test starts in the default language.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _outside_any_request() -> None:
    # The reference tables' versions are kept for one request, from request_started to
    # request_finished (core/reference_cache.py). The test client finishes a streamed response's
    # request only when its content is read, so a test that leaves one unread would hand the
    # versions it kept to the next test in the process. Every test starts outside a request.
    from kopir.core.reference_cache import request_ends

    request_ends()


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    # Rate-limit windows (API, petitions, citizen status) live in the cache, keyed partly on
    # primary keys that SQLite hands out again after each test's rollback: a window left by one
    # test would otherwise count against the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@contextmanager
def _rows_deleted_rather_than_truncated(connection: Any) -> Iterator[None]:
    """On PostgreSQL, empty the tables with DELETE rather than Django's one TRUNCATE of them all.

    TRUNCATE gives each of the hundred-odd tables (and its indexes) new files, which costs
    seconds after every transactional test; deleting the few rows such a test leaves takes
    milliseconds. The tables end just as empty, sequences untouched either way, and Django's
    foreign keys are deferred on PostgreSQL, so the order of the deletes does not matter inside
    the one transaction flush runs them in. A flush that resets sequences keeps TRUNCATE.
    """
    if connection.vendor != "postgresql":
        yield
        return
    truncate = connection.ops.sql_flush

    def sql_flush(
        style: Any, tables: list[str], *, reset_sequences: bool = False, allow_cascade: bool = False
    ) -> list[str]:
        if reset_sequences or allow_cascade:
            return truncate(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # The table names are Django's own, quoted.
        return [f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables]  # noqa: S608

    connection.ops.sql_flush = sql_flush
    try:
        yield
    finally:
        del connection.ops.sql_flush  # the backend's own method again


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_lifted_only_to_empty_the_database() -> Iterator[None]:
    """Let pytest-django empty the database after a transactional test, audit table included.

    The audit table refuses UPDATE, DELETE and TRUNCATE (append-only triggers), and pytest-django
    empties every table with `flush` after a test whose transactions really commit. The triggers
    are lifted for that command alone and put back straight after it, on the same connection, so
    every test, transactional or not, runs with them in place whatever order fixtures tear down.
    """
    from django.core.management.commands import flush

    original = flush.Command.handle

    def handle(self: Any, *args: Any, **options: Any) -> Any:
        from django.db import connections

        from kopir.audit import triggers

        connection = connections[options.get("database") or "default"]
        triggers.remove(connection)
        try:
            with _rows_deleted_rather_than_truncated(connection):
                return original(self, *args, **options)
        finally:
            triggers.install(connection)

    flush.Command.handle = handle  # type: ignore[method-assign]
    yield
    flush.Command.handle = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """On PostgreSQL, the test databases commit without waiting for the write-ahead log to reach
    the disk (`synchronous_commit=off`): a test's data is thrown away with its database, and every
    commit of a transactional test, a flush, a migration or a concurrency test otherwise waits for
    an fsync (measured here: 500 commits in 3.4 s against 0.2 s). What a test sees is unchanged:
    the setting only delays durability, never visibility or order."""
    for database in django_settings.DATABASES.values():
        if database["ENGINE"] == "django.db.backends.postgresql":
            options = database.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session", autouse=True)
def _test_database_migrated_once() -> Iterator[None]:
    # Before any test asks for the database (kopir/core/tests/migrated_database.py).
    from kopir.core.tests.migrated_database import kept_databases_folder, migrated_once

    with migrated_once(kept_databases_folder()):
        yield


@pytest.fixture
def committing_db(transactional_db: None) -> None:
    """A database whose transactions really commit (concurrent workers, a real server)."""
