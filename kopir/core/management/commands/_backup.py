"""What `kopir_backup` and `kopir_restore` share: the backup's layout and the engines' tools.

A backup is a directory:

    manifest.json      written last, so a directory without it is an unfinished backup
    database.sqlite3   SQLite: a page copy by the online backup API
    database.pgdump    PostgreSQL: `pg_dump -Fc`, restored with `pg_restore`
    files.tar          the uploaded files (MEDIA_ROOT), SHA-256 of each in the manifest

Each engine's own tool is used because it is fast for millions of rows and restores the schema
exactly, the audit log's triggers included; a restore therefore needs the same engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import IO, Any

from django.apps import apps
from django.core.management.base import CommandError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

FORMAT = "kopir-backup/1"
MANIFEST = "manifest.json"
FILES_ARCHIVE = "files.tar"
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class HashingReader:
    """Reads a file for tarfile and hashes exactly the bytes that go into the archive."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        return data


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every file field in Kopir's models: what the database refers to."""
    return [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def referenced_files(cursor: Any) -> set[str]:
    """The names of the uploaded files the database (as this cursor sees it) refers to."""
    names: set[str] = set()
    for table, column in file_columns():
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} <> ''")  # noqa: S608
        names.update(row[0] for row in cursor.fetchall())
    return names


def applied_migrations(cursor: Any) -> list[list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def audit_head(cursor: Any) -> dict[str, Any] | None:
    cursor.execute("SELECT id, row_hash FROM audit_auditevent ORDER BY id DESC LIMIT 1")
    row = cursor.fetchone()
    return {"id": row[0], "hash": row[1]} if row else None


def postgres_tool(connection: BaseDatabaseWrapper, tool: str) -> tuple[list[str], str, dict]:
    """The command line options and environment that reach this connection's database."""
    executable = shutil.which(tool)
    if executable is None:
        raise CommandError(
            f"{tool} is not on PATH. Install the PostgreSQL client tools of the server's version."
        )
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    # args is ["psql", <connection options>..., <database name>].
    return [executable, *args[1:-1]], args[-1], env or {}


def run(command: list[str], env: dict[str, str]) -> None:
    completed = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise CommandError(f"{Path(command[0]).name} failed: {completed.stderr.strip()}")


def read_manifest(directory: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((directory / MANIFEST).read_text())
    except FileNotFoundError as error:
        raise CommandError(
            f"{directory} holds no {MANIFEST}: it is not a backup, or the backup did not finish."
        ) from error
    if manifest.get("format") != FORMAT:
        raise CommandError(f"Unknown backup format {manifest.get('format')!r}; expected {FORMAT}.")
    return manifest
