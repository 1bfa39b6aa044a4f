"""Migrate the test database once per state of the code, not once per test process.

Migrating costs 25-30 s of CPU (Django renders the model states of the project's sixty-odd
migrations and Django's own), and every test process starts with an empty database: each
pytest-xdist worker migrated its own. The first process to migrate a given state of the code keeps
the result: on SQLite in memory as a file (SQLite's backup API), on PostgreSQL as a template
database. Both hold the schema, the rows the data migrations seeded and the triggers and functions
they installed. Any other process with the same code copies that instead of migrating.

What is kept is named by a digest of everything a migration can read: the product's Python files
(data migrations import product code), the lock file, and the Python, Django and database versions.
A change to any of them migrates anew. CI drops the kept templates before its PostgreSQL run, so
that its migrations really run there once.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]


def migrations_digest(connection: Any) -> str:
    """What the migrated database depends on, as a short digest."""
    digest = hashlib.sha256()
    server = str(connection.pg_version) if connection.vendor == "postgresql" else ""
    for part in (sys.version, django.get_version(), sqlite3.sqlite_version, server):
        digest.update(part.encode())
    digest.update((ROOT / "requirements.lock").read_bytes())
    for path in sorted((ROOT / "kopir").rglob("*.py")):
        if "tests" not in path.relative_to(ROOT).parts:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# Kept PostgreSQL templates are named after the test database without pytest-xdist's worker
# suffix: test_kopir_gw0 and test_kopir_gw1 share test_kopir_migrated_<digest>.
TEMPLATE_SUFFIX = "_migrated_"


def _is_new_test_database(connection: Any) -> bool:
    if connection.vendor == "sqlite":
        in_test = connection.is_in_memory_db()
    else:
        in_test = connection.vendor == "postgresql" and connection.settings_dict["NAME"].startswith(
            "test_"
        )
    return in_test and not connection.introspection.table_names()


def template_name(connection: Any, digest: str) -> str:
    return re.sub(r"_gw\d+$", "", connection.settings_dict["NAME"]) + TEMPLATE_SUFFIX + digest


def _database_names(cursor: Any, like: str) -> list[str]:
    cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [like])
    return [name for (name,) in cursor.fetchall()]


def _migrate_postgresql_once(connection: Any, migrate: Any) -> Any:
    """Copy this run's template into the new test database, or migrate and make the template."""
    template = template_name(connection, migrations_digest(connection))
    database = connection.settings_dict["NAME"]
    quote = connection.ops.quote_name
    with connection.creation._nodb_cursor() as cursor:
        exists = bool(_database_names(cursor, template))
    # CREATE DATABASE … TEMPLATE needs every connection to the source closed, this one's too.
    if exists:
        connection.close()
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {quote(database)}")
            cursor.execute(f"CREATE DATABASE {quote(database)} TEMPLATE {quote(template)}")
        return None
    result = migrate()
    connection.close()
    with connection.creation._nodb_cursor() as cursor:
        # Templates of this database kept for an earlier state of the code.
        any_digest = template_name(connection, "").replace("_", r"\_") + "%"
        for stale in _database_names(cursor, any_digest):
            cursor.execute(f"DROP DATABASE {quote(stale)}")
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(database)}")
    return result


@contextmanager
def migrated_once(folder: Path) -> Iterator[None]:
    """While active, `migrate` into a new, empty test database copies the kept result, or
    migrates and keeps it for the next process. Any other `migrate` runs as always. `folder`
    holds the lock the processes of one run share, and on SQLite the kept file."""
    from django.core.management.commands import migrate
    from django.db import connections

    original = migrate.Command.handle
    folder.mkdir(parents=True, exist_ok=True)

    def handle(self: Any, *args: Any, **options: Any) -> Any:
        connection = connections[options.get("database") or "default"]
        if not _is_new_test_database(connection):
            return original(self, *args, **options)
        # One process migrates while the others wait for what it keeps (a lock, not a poll).
        with open(folder / "migrated.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if connection.vendor == "postgresql":
                return _migrate_postgresql_once(
                    connection, lambda: original(self, *args, **options)
                )
            kept = folder / f"migrated-{migrations_digest(connection)}.sqlite3"
            connection.ensure_connection()
            if kept.exists():
                with closing(sqlite3.connect(kept)) as source:
                    source.backup(connection.connection)
                return None
            result = original(self, *args, **options)
            partial = kept.with_suffix(f".{os.getpid()}.partial")
            with closing(sqlite3.connect(partial)) as copy:
                connection.connection.backup(copy)
            for stale in folder.glob("migrated-*.sqlite3"):
                stale.unlink()
            partial.replace(kept)
            return result

    migrate.Command.handle = handle  # type: ignore[method-assign]
    try:
        yield
    finally:
        migrate.Command.handle = original  # type: ignore[method-assign]


def kept_databases_folder() -> Path:
    """Beside the data the project keeps (var/ for `make test`), never in the repository."""
    return Path(settings.DATA_DIR) / "test-databases"
