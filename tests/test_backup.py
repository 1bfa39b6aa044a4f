"""kopir_backup and kopir_restore: the demo survives a round trip into an empty instance."""

from __future__ import annotations

import json
import sqlite3
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record
from kopir.core.management.commands import _backup


def _every_row() -> dict[str, list[str]]:
    """Every table's rows, order-independent, as the database holds them."""
    tables: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            tables[table] = sorted(repr(row) for row in cursor.fetchall())
    return tables


def _every_file(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): _backup.sha256_of(path)
        for path in root.rglob("*")
        if path.is_file()
    }


def _empty_the_database() -> None:
    """Leave the test database as a new instance's would be: no tables at all."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        sqlite3.connect(":memory:").backup(connection.connection)
    assert connection.introspection.table_names() == []


def _run(command: str, *args: Any) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_the_demo_backed_up_restores_into_an_empty_instance_row_for_row_and_file_for_file(
    committing_db: None, settings: Any, tmp_path: Path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _run("load_demo")
    rows_before, files_before = _every_row(), _every_file(settings.MEDIA_ROOT)
    assert files_before, "the demo uploads files; the round trip must carry them"
    assert sum(map(len, rows_before.values())) > 500

    _run("kopir_backup", tmp_path / "backup")
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["files"]["entries"] == files_before

    _empty_the_database()
    settings.MEDIA_ROOT.rename(tmp_path / "media-before")
    output = _run("kopir_restore", tmp_path / "backup")

    assert _every_row() == rows_before
    assert _every_file(settings.MEDIA_ROOT) == files_before
    head = manifest["audit_head"]
    assert f"audit_verify --anchor {head['id']}:{head['hash']}" in output
    assert "records checked" in _run("audit_verify", "--anchor", f"{head['id']}:{head['hash']}")
    # The restored instance is live: its sequences continue, and new records extend the chain.
    newer = audit_record(actor=None, action=AuditAction.SEARCH)
    assert newer.pk > head["id"]
    assert newer.prev_hash == head["hash"]
    # The append-only triggers came back with the schema.
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")


def _fake_backup(directory: Path, **changes: Any) -> Path:
    directory.mkdir()
    database = directory / _backup.DATABASE_FILE[connection.vendor]
    database.write_bytes(b"not really a database")
    with (directory / "files.tar").open("wb"):
        pass
    with connection.cursor() as cursor:
        migrations = _backup.applied_migrations(cursor)
    manifest = {
        "format": _backup.FORMAT,
        "engine": connection.vendor,
        "database": {"file": database.name, "sha256": _backup.sha256_of(database)},
        "migrations": migrations,
        "audit_head": None,
        "files": {
            "archive": "files.tar",
            "sha256": _backup.sha256_of(directory / "files.tar"),
            "entries": {},
        },
        **changes,
    }
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


@pytest.mark.django_db
def test_a_backup_from_a_newer_schema_is_refused_before_anything_is_touched(tmp_path: Path):
    with connection.cursor() as cursor:
        migrations = [*_backup.applied_migrations(cursor), ["audit", "0099_from_the_future"]]
    backup = _fake_backup(tmp_path / "backup", migrations=migrations)

    with pytest.raises(CommandError, match=r"newer Kopir.*audit\.0099_from_the_future"):
        call_command("kopir_restore", backup)


@pytest.mark.django_db
def test_a_restore_into_a_database_that_has_tables_is_refused(tmp_path: Path):
    backup = _fake_backup(tmp_path / "backup")

    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("kopir_restore", backup)


@pytest.mark.django_db
def test_a_damaged_backup_is_refused(tmp_path: Path):
    backup = _fake_backup(tmp_path / "backup")
    (backup / _backup.DATABASE_FILE[connection.vendor]).write_bytes(b"changed after the backup")

    with pytest.raises(CommandError, match="missing or damaged"):
        call_command("kopir_restore", backup)


@pytest.mark.django_db
def test_a_backup_of_another_engine_is_refused(tmp_path: Path):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    backup = _fake_backup(tmp_path / "backup", engine=other)

    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("kopir_restore", backup)


def test_a_directory_without_a_manifest_is_not_a_backup(tmp_path: Path):
    with pytest.raises(CommandError, match="did not finish"):
        call_command("kopir_restore", tmp_path)


def test_a_backup_never_writes_into_a_directory_that_holds_something(tmp_path: Path):
    (tmp_path / "old.txt").write_text("keep me")

    with pytest.raises(CommandError, match="not empty"):
        call_command("kopir_backup", tmp_path)


@pytest.mark.django_db(transaction=True)
def test_a_backup_fails_when_a_file_the_database_refers_to_is_gone(
    committing_db: None,
    settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "council").mkdir(parents=True)
    (tmp_path / "media" / "council" / "kept.pdf").write_bytes(b"%PDF-1.7 kept")
    # Stand in for a model's file field: a column whose values name uploaded files, one of them
    # deleted between the database snapshot and the copy of the files.
    monkeypatch.setattr(_backup, "file_columns", lambda: [("audit_auditevent", "detail")])
    audit_record(actor=None, action=AuditAction.CREATE, detail="council/kept.pdf")
    audit_record(actor=None, action=AuditAction.CREATE, detail="council/deleted.pdf")

    with pytest.raises(CommandError, match=r"1 uploaded files .* \(first: council/deleted\.pdf\)"):
        call_command("kopir_backup", tmp_path / "backup")
    assert not (tmp_path / "backup" / "manifest.json").exists()
