"""Restore a backup made by `kopir_backup` into an empty instance: an empty database of the same
engine and an empty MEDIA_ROOT. See docs/operations.md."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from kopir.core.management.commands import _backup


class Command(BaseCommand):
    help = "Restore a kopir_backup directory into an empty database and an empty MEDIA_ROOT."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path, help="A directory made by kopir_backup.")

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        manifest = _backup.read_manifest(directory)
        if manifest["engine"] != connection.vendor:
            raise CommandError(
                f"This backup is of a {manifest['engine']} database; this instance runs on "
                f"{connection.vendor}. Restore it into the same engine."
            )
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        newer = sorted(
            f"{app}.{name}" for app, name in manifest["migrations"] if (app, name) not in known
        )
        if newer:
            raise CommandError(
                f"This backup comes from a newer Kopir: its schema has migrations this code "
                f"does not know ({', '.join(newer[:5])}). Upgrade Kopir, then restore."
            )
        database_file = directory / manifest["database"]["file"]
        archive = directory / manifest["files"]["archive"]
        for path, expected in (
            (database_file, manifest["database"]["sha256"]),
            (archive, manifest["files"]["sha256"]),
        ):
            if not path.is_file() or _backup.sha256_of(path) != expected:
                raise CommandError(
                    f"{path} is missing or damaged: its SHA-256 is not the one recorded."
                )

        media_root = Path(settings.MEDIA_ROOT)
        if connection.introspection.table_names():
            raise CommandError(
                "The database is not empty. Restore into a new, empty database (do not migrate it)."
            )
        if media_root.exists() and any(media_root.iterdir()):
            raise CommandError(f"MEDIA_ROOT ({media_root}) is not empty.")

        if connection.vendor == "sqlite":
            self._restore_sqlite(database_file)
        else:
            self._restore_postgresql(database_file)
        self._restore_files(archive, media_root, manifest["files"]["entries"])

        unapplied = known - {(app, name) for app, name in manifest["migrations"]}
        head = manifest["audit_head"]
        self.stdout.write(self.style.SUCCESS(f"Restored {directory}."))
        if unapplied:
            self.stdout.write("The backup's schema is older than this code: run manage.py migrate.")
        if head:
            self.stdout.write(
                f"Check the audit log: manage.py audit_verify --anchor {head['id']}:{head['hash']}"
            )

    def _restore_sqlite(self, database_file: Path) -> None:
        connection.ensure_connection()
        source = sqlite3.connect(database_file)
        try:
            # Page copy into the (empty) database Kopir is configured with, schema included.
            source.backup(connection.connection)
        finally:
            source.close()

    def _restore_postgresql(self, database_file: Path) -> None:
        command, database, env = _backup.postgres_tool(connection, "pg_restore")
        # One transaction: a failed restore leaves the database empty, not half-filled.
        _backup.run(
            [
                *command,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={database}",
                str(database_file),
            ],
            env,
        )

    def _restore_files(self, archive_path: Path, media_root: Path, entries: dict[str, str]) -> None:
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive_path) as archive:
            # The "data" filter refuses absolute paths, links out of the tree and device files.
            archive.extractall(media_root, filter="data")
        for name, expected in entries.items():
            path = media_root / name
            if not path.is_file() or _backup.sha256_of(path) != expected:
                raise CommandError(
                    f"Restored file {name} does not match its SHA-256 in the manifest."
                )
