"""Reference tables kept per process behind a shared version (kopir.core.reference_cache): a
change written through one process is read by the next use in every other.

Each simulated process is a `ReferenceCache` of its own (its own memory) of the same table; in
the Redis test each also has its own Redis client, as two processes have, sharing only the
server. The services' and signals' tests go through the module's caches with the default cache
(local memory in tests) standing for the shared one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kopir.accounts.tests.test_shared_cache import TEST_REDIS_URL
from kopir.core.reference_cache import ReferenceCache, request_begins, request_ends
from kopir.core.tests.fixtures import missing_service, other_process
from kopir.core.tests.fixtures import shared_cache as shared_cache


class Loader:
    """A table that counts its reads."""

    def __init__(self, value: Any) -> None:
        self.value = value
        self.reads = 0

    def __call__(self) -> Any:
        self.reads += 1
        return self.value


@pytest.fixture
def redis_clients() -> Iterator[Callable[[], RedisCache]]:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        missing_service(f"Redis is not reachable at {TEST_REDIS_URL} ({error})")
    made: list[RedisCache] = []

    def client() -> RedisCache:
        made.append(RedisCache(TEST_REDIS_URL, {}))
        return made[-1]

    yield client
    for each in made:
        each.close()


def test_without_a_shared_cache_nothing_is_kept(settings):
    settings.KOPIR_CACHE_URL = ""
    cache: ReferenceCache[str] = ReferenceCache(f"test-{uuid.uuid4().hex}")
    table = Loader("rows")

    assert [cache.get(None, table) for _ in range(3)] == ["rows"] * 3
    assert table.reads == 3


@pytest.mark.django_db(transaction=True)
def test_a_change_in_one_process_is_read_by_the_next_use_in_another(redis_clients):
    name = f"test-{uuid.uuid4().hex}"
    first_client, second_client = redis_clients(), redis_clients()
    first: ReferenceCache[str] = ReferenceCache(name, store=lambda: first_client)
    second: ReferenceCache[str] = ReferenceCache(name, store=lambda: second_client)
    try:
        table = Loader("old rows")
        assert first.get(None, table) == "old rows"
        assert second.get(None, table) == "old rows"
        assert first.get(None, table) == second.get(None, table) == "old rows"
        assert table.reads == 2  # once per process, then kept

        # The second process writes the table; its transaction commits.
        table.value = "new rows"
        from django.db import transaction

        with transaction.atomic():
            second.changed()
            # Not before the commit: another process may still read the old rows meanwhile.
            assert first.get(None, table) == "old rows"

        assert first.get(None, table) == "new rows"
        assert second.get(None, table) == "new rows"
        assert table.reads == 4
    finally:
        first_client.delete(first.version_key)


@pytest.mark.django_db(transaction=True)
def test_a_write_that_is_undone_changes_nothing(redis_clients):
    client = redis_clients()
    cache: ReferenceCache[str] = ReferenceCache(f"test-{uuid.uuid4().hex}", store=lambda: client)
    try:
        table = Loader("rows")
        cache.get(None, table)
        from django.db import transaction

        def write_and_fail() -> None:
            with transaction.atomic():
                cache.changed()
                raise RuntimeError("rolled back")

        with pytest.raises(RuntimeError):
            write_and_fail()

        cache.get(None, table)
        assert table.reads == 1
    finally:
        client.delete(cache.version_key)


# A request is opened and closed as request_started and request_finished do (their receivers,
# connected by core's ready(); the API's request in assessment's tests goes through them).


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_every_version_at_once_and_the_next_request_sees_a_change(
    redis_clients,
):
    # Two tables in the first process; a second process with its own client writes one.
    first_client, second_client = redis_clients(), redis_clients()
    names = [f"test-{uuid.uuid4().hex}" for _ in range(2)]
    rules: ReferenceCache[str] = ReferenceCache(names[0], store=lambda: first_client)
    periods: ReferenceCache[str] = ReferenceCache(names[1], store=lambda: first_client)
    rules_table, periods_table = Loader("old rules"), Loader("periods")
    asked: list[str] = []
    real_get, real_get_many = first_client.get, first_client.get_many

    def get(key: str, *args: Any, **kwargs: Any) -> Any:
        asked.append("get")
        return real_get(key, *args, **kwargs)

    def get_many(keys: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append("get_many")
        return real_get_many(keys, *args, **kwargs)

    try:
        for cache, table in ((rules, rules_table), (periods, periods_table)):
            cache.get(None, table)  # outside a request: a version each, set where missing
        first_client.get, first_client.get_many = get, get_many

        request_begins()
        assert rules.get(None, rules_table) == "old rules"
        assert periods.get(None, periods_table) == "periods"
        assert rules.get(None, rules_table) == "old rules"
        # The other process writes the rules and commits (its `changed()` sets a new version
        # through its own client): this request goes on with what it read.
        rules_table.value = "new rules"
        second_client.set(rules.version_key, uuid.uuid4().hex, None)
        assert rules.get(None, rules_table) == "old rules"
        request_ends()
        # The first use read both versions with one get_many; the other uses asked nothing.
        assert asked == ["get_many"]
        asked.clear()

        request_begins()
        assert rules.get(None, rules_table) == "new rules"
        assert periods.get(None, periods_table) == "periods"
        request_ends()
        assert asked == ["get_many"]
        assert (rules_table.reads, periods_table.reads) == (2, 1)
    finally:
        request_ends()
        first_client.delete_many([rules.version_key, periods.version_key])


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_its_own_write_at_its_next_use(redis_clients):
    client = redis_clients()
    cache: ReferenceCache[str] = ReferenceCache(f"test-{uuid.uuid4().hex}", store=lambda: client)
    table = Loader("old rows")
    try:
        request_begins()
        assert cache.get(None, table) == "old rows"
        table.value = "new rows"
        with transaction.atomic():
            cache.changed()
        assert cache.get(None, table) == "new rows"
    finally:
        request_ends()
        client.delete(cache.version_key)


def test_a_lost_version_makes_every_process_read_again(settings):
    from django.core.cache import cache as shared

    settings.KOPIR_CACHE_URL = "redis://shared-cache-stand-in"
    cache: ReferenceCache[str] = ReferenceCache(f"test-{uuid.uuid4().hex}")
    table = Loader("rows")
    cache.get(None, table)

    shared.clear()  # Redis restarted without its keys

    cache.get(None, table)
    assert table.reads == 2


# --- The tables Kopir keeps this way, changed through their services and models ---------------


@pytest.mark.django_db
@pytest.mark.usefixtures("shared_cache")
def test_an_override_saved_is_counted_with_at_once_in_every_process(
    django_capture_on_commit_callbacks,
):
    from kopir.core.models import WorkingDayOverride
    from kopir.core.working_days import OVERRIDES, _all_overrides, add_working_days

    monday = dt.date(2031, 3, 3)  # no holiday in the library's calendar that week
    other = other_process(OVERRIDES)
    assert add_working_days(monday, 1) == dt.date(2031, 3, 4)
    assert other.get(None, _all_overrides) == {}
    with CaptureQueriesContext(connection) as queries:
        assert add_working_days(monday, 1) == dt.date(2031, 3, 4)
    assert len(queries) == 0  # kept

    with django_capture_on_commit_callbacks(execute=True):
        WorkingDayOverride.objects.create(date=dt.date(2031, 3, 4), is_working=False, reason="x")

    assert add_working_days(monday, 1) == dt.date(2031, 3, 5)
    assert other.get(None, _all_overrides) == {dt.date(2031, 3, 4): False}
