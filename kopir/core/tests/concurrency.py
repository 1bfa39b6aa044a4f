"""Helpers for tests that run the real services from many threads at once against PostgreSQL.

Such tests need committed data (`@pytest.mark.django_db(transaction=True)`) and their own
connection per thread. Import the fixtures a module needs:
`from kopir.core.tests.concurrency import *` and mark the tests with `ON_POSTGRESQL`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.db import connection

from kopir.audit import triggers

__all__ = ["ON_POSTGRESQL", "_audit_triggers_back_for_the_next_module", "audit_triggers_lifted"]

T = TypeVar("T")

# SQLite has one writer at a time by design (IMMEDIATE transactions), so threads there prove
# nothing about row locks; production runs PostgreSQL.
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (set DATABASE_URL); SQLite serialises them",
)


@pytest.fixture(scope="module")
def _audit_triggers_back_for_the_next_module(django_db_blocker: Any) -> Iterator[None]:
    # Module-scoped, so this teardown runs after the last test's flush: the tests that follow
    # find the audit table append-only again, as the migration left it.
    yield
    with django_db_blocker.unblock():
        triggers.install(connection)


@pytest.fixture
def audit_triggers_lifted(
    _audit_triggers_back_for_the_next_module: None, transactional_db: None
) -> Iterator[None]:
    # pytest-django empties every table after a transactional test, and the audit table refuses
    # DELETE and TRUNCATE. This teardown runs before that flush (it depends on transactional_db).
    triggers.install(connection)
    yield
    triggers.remove(connection)


def run_at_once(work: Callable[[int], T], times: int) -> list[T | BaseException]:
    """Call work(0) … work(times - 1) from as many threads, released together; return each
    call's result or the exception it raised, in order."""
    start = threading.Barrier(times)

    def one(index: int) -> T | BaseException:
        try:
            start.wait()
            return work(index)
        except BaseException as error:  # the test reports every failure, whatever it is
            return error
        finally:
            connection.close()  # each thread opened its own connection

    with ThreadPoolExecutor(max_workers=times) as pool:
        return list(pool.map(one, range(times)))
