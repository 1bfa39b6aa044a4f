"""Several web processes hold one another's limits: a rate limit counted in one process and an
account locked in one process are seen by the next process (KOPIR_CACHE_URL; docs/decisions/0010).

Each "process" is a real `manage.py shell -c` process with its own Python, its own cache client
and its own database connection, sharing only the database and, when configured, Redis. They use
a Redis database kept for tests (KOPIR_TEST_REDIS_URL, default number 14) and delete only the
keys they wrote there, so two test runs side by side (CI's SQLite and PostgreSQL runs) never
disturb each other.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from kopir.accounts.tests.factories import PASSWORD, UserFactory
from kopir.core.tests.fixtures import missing_service
from kopir.core.tests.test_production_checks import run_manage

TEST_REDIS_URL = os.environ.get("KOPIR_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
# A client address from the documentation range (RFC 5737): the lockout keys on it and the account.
ADDRESS = "198.51.100.7"

# What each process does. Arguments arrive as JSON in the environment, never pasted into code.
PROCESS_CODE = """
import json, os
from django.test import Client
from django.urls import reverse
from kopir.core.rate_limits import RateLimit

args = json.loads(os.environ["KOPIR_TEST_PROCESS"])
limit = RateLimit(args["scope"], "3/m")
login = reverse("accounts:login")


def sign_in(username, password):
    client = Client(SERVER_NAME="localhost", REMOTE_ADDR=args["address"])
    status = client.post(login, {"username": username, "password": password}).status_code
    cookie = client.cookies.get("sessionid")
    return status, (cookie.value if cookie else None)


result = {}
if args["first"]:
    # Use up the rate limit, then lock the account with five wrong passwords.
    result["waits"] = [limit.attempt(args["address"]) for _ in range(3)]
    result["wrong"] = [sign_in(args["locked"], "not the password")[0] for _ in range(5)]
    result["sessions"] = []
else:
    result["wait"] = limit.wait(args["address"])
    locked, opened = sign_in(args["locked"], args["password"]), sign_in(args["other"], args["password"])
    result["locked"], result["other"] = locked[0], opened[0]
    result["sessions"] = [key for _status, key in (locked, opened) if key]
print("RESULT " + json.dumps(result))
"""


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        missing_service(f"Redis is not reachable at {TEST_REDIS_URL} ({error})")
    return TEST_REDIS_URL


@pytest.fixture
def scope(redis_url: str) -> Iterator[str]:
    """A rate-limit scope of this test alone; its keys, and the sessions the processes opened,
    are deleted from Redis afterwards (`written_keys`)."""
    import redis

    name = f"test-shared-{uuid.uuid4().hex}"
    written_keys.clear()
    yield name
    client = redis.Redis.from_url(redis_url)
    patterns = [f"*kopir:rate:{name}:*", *(f"*{key}" for key in written_keys)]
    for pattern in patterns:
        for key in client.scan_iter(match=pattern):
            client.delete(key)


written_keys: list[str] = []


def database_for_other_processes(directory: Path) -> str:
    """The address of a database the other processes share, holding what the test wrote.

    PostgreSQL: the test database itself (the test commits). SQLite: the test database lives in
    this process's memory, so a copy is written to a file that the processes then share.
    """
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = settings["USER"] or "postgres"
        return f"postgres://{user}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    connection.ensure_connection()
    path = directory / "shared.sqlite3"
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def run_process(
    *, database_url: str, cache_url: str | None, data_dir: Path, **arguments: Any
) -> dict[str, Any]:
    env = {
        "DATABASE_URL": database_url,
        "KOPIR_DATA_DIR": str(data_dir),
        "KOPIR_TEST_PROCESS": json.dumps({"address": ADDRESS, **arguments}),
    }
    if cache_url:
        env["KOPIR_CACHE_URL"] = cache_url
    finished = run_manage("shell", "--no-imports", "-c", PROCESS_CODE, **env)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    line = next(line for line in finished.stdout.splitlines() if line.startswith("RESULT "))
    result: dict[str, Any] = json.loads(line.removeprefix("RESULT "))
    written_keys.extend(result["sessions"])
    return result


@pytest.mark.usefixtures("committing_db")
def test_a_rate_limit_and_a_lockout_set_in_one_process_hold_in_another(
    scope: str, redis_url: str, tmp_path: Path, settings: Any
) -> None:
    # A hasher the other processes know (the tests' own fast one is not in Kopir's settings).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    locked, other = UserFactory(), UserFactory()  # no roles: the password alone signs them in
    database_url = database_for_other_processes(tmp_path)
    shared: dict[str, Any] = {
        "database_url": database_url,
        "data_dir": tmp_path,
        "scope": scope,
        "locked": locked.username,
        "other": other.username,
        "password": PASSWORD,
    }

    first = run_process(cache_url=redis_url, first=True, **shared)
    assert first["waits"] == [0, 0, 0]
    assert first["wrong"] == [200, 200, 200, 200, 429]

    second = run_process(cache_url=redis_url, first=False, **shared)
    # The rate limit used up in the first process: this one must wait too, up to the window.
    assert 0 < second["wait"] <= 60
    # The account locked in the first process stays locked here, even with the right password;
    # the same password opens another account from the same address.
    assert second["locked"] == 429
    assert second["other"] == 302

    # The control: a process with its own local-memory cache (KOPIR_CACHE_URL unset) does not see
    # the first one's rate limit, so what carried it above was Redis; the lockout, kept in the
    # database, holds there as well.
    alone = run_process(cache_url=None, first=False, **shared)
    assert alone["wait"] == 0
    assert alone["locked"] == 429
    assert alone["other"] == 302
