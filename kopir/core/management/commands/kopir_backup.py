"""Back up Kopir: the database and the uploaded files, consistently, into one directory.

Consistency. The database is copied first, as one snapshot (SQLite's online backup API;
`pg_dump` inside an exported REPEATABLE READ snapshot on PostgreSQL), and the files after it.
Kopir writes an uploaded file before the transaction that refers to it commits, and never
rewrites one, so every file the snapshot refers to already exists when the files are copied;
files uploaded after the snapshot are copied too and are harmless (nothing in the restored
database refers to them). The one gap is a file deleted between the snapshot and the copy (an
attachment replaced, a bulk upload discarded): the list of files the snapshot refers to is read
from the snapshot itself and checked against the archive, and the backup fails, naming them,
rather than being silently incomplete. Run it again.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from kopir.core.management.commands import _backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into a new directory (see "
        "docs/operations.md). Restore with kopir_restore."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A new or empty directory.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if directory.exists() and any(directory.iterdir()):
            raise CommandError(f"{directory} is not empty; back up into a new directory.")
        directory.mkdir(parents=True, exist_ok=True)

        vendor = connection.vendor
        if vendor not in _backup.DATABASE_FILE:
            raise CommandError(f"Backing up a {vendor} database is not supported.")
        database_file = directory / _backup.DATABASE_FILE[vendor]
        if vendor == "sqlite":
            snapshot = self._sqlite_snapshot(database_file)
        else:
            snapshot = self._postgresql_snapshot(database_file)

        entries = self._archive_files(Path(settings.MEDIA_ROOT), directory / _backup.FILES_ARCHIVE)
        missing = sorted(snapshot["files"] - entries.keys())

        manifest = {
            "format": _backup.FORMAT,
            "created_at": dt.datetime.now(tz=dt.UTC).isoformat(),
            "engine": vendor,
            "database": {
                "file": database_file.name,
                "sha256": _backup.sha256_of(database_file),
            },
            "migrations": snapshot["migrations"],
            "audit_head": snapshot["audit_head"],
            "files": {
                "archive": _backup.FILES_ARCHIVE,
                "sha256": _backup.sha256_of(directory / _backup.FILES_ARCHIVE),
                "entries": entries,
            },
        }
        if missing:
            raise CommandError(
                f"{len(missing)} uploaded files the database refers to disappeared while the "
                f"backup ran (first: {missing[0]}); {directory} is incomplete. Run it again "
                "into a new directory."
            )
        # Written last: a directory without a manifest is a backup that did not finish.
        (directory / _backup.MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))

        head = snapshot["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up to {directory}: {len(entries)} files. "
                + (f"Audit log head {head['id']}:{head['hash']}." if head else "Audit log empty.")
            )
        )

    def _sqlite_snapshot(self, database_file: Path) -> dict[str, Any]:
        connection.ensure_connection()
        target = sqlite3.connect(database_file)
        try:
            # The online backup API copies a consistent image even while Kopir keeps writing.
            connection.connection.backup(target)
            cursor = target.cursor()
            return {
                "migrations": _backup.applied_migrations(cursor),
                "files": _backup.referenced_files(cursor),
                "audit_head": _backup.audit_head(cursor),
            }
        finally:
            target.close()

    def _postgresql_snapshot(self, database_file: Path) -> dict[str, Any]:
        command, database, env = _backup.postgres_tool(connection, "pg_dump")
        # pg_dump reads the snapshot this transaction exports, so what the manifest says (the
        # migrations, the files referred to, the audit head) is read from exactly what is dumped.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            _backup.run(
                [
                    *command,
                    "--format=custom",
                    f"--snapshot={snapshot_id}",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={database_file}",
                    database,
                ],
                env,
            )
            return {
                "migrations": _backup.applied_migrations(cursor),
                "files": _backup.referenced_files(cursor),
                "audit_head": _backup.audit_head(cursor),
            }

    def _archive_files(self, media_root: Path, archive_path: Path) -> dict[str, str]:
        """Archive every file under MEDIA_ROOT; return the SHA-256 of each by relative name."""
        entries: dict[str, str] = {}
        with tarfile.open(archive_path, "w") as archive:
            if not media_root.is_dir():
                return entries
            for root, dirs, files in os.walk(media_root):
                dirs.sort()
                for name in sorted(files):
                    path = Path(root) / name
                    relative = path.relative_to(media_root).as_posix()
                    info = archive.gettarinfo(str(path), arcname=relative)
                    if not info.isreg():
                        continue  # Kopir's storage writes regular files only.
                    with path.open("rb") as stream:
                        reader = _backup.HashingReader(stream)
                        archive.addfile(info, reader)
                    entries[relative] = reader.digest.hexdigest()
        return entries
