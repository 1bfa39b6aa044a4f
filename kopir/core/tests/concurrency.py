"""Helpers for tests that run the real services from many threads at once against PostgreSQL.

Such tests need committed data (`@pytest.mark.django_db(transaction=True)`) and their own
connection per thread: use the `committing_db` fixture (the project's conftest.py) and mark the
tests with `ON_POSTGRESQL`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from django.db import connection

T = TypeVar("T")

# SQLite has one writer at a time by design (IMMEDIATE transactions), so threads there prove
# nothing about row locks; production runs PostgreSQL.
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL (set DATABASE_URL); SQLite serialises them",
)


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


def run_at_once_all_succeeding(work: Callable[[int], T], times: int) -> list[T]:
    """`run_at_once`, where every call must succeed: fails the test naming each exception
    raised, otherwise returns each call's result, in order."""
    results = run_at_once(work, times)
    errors = [result for result in results if isinstance(result, BaseException)]
    assert errors == [], errors
    return results  # type: ignore[return-value]  # none is an exception, checked above
