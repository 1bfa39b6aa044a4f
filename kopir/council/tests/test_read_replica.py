"""The public pages read from a real PostgreSQL replica in streaming replication.

The test starts a primary and a replica of its own (initdb, pg_basebackup -R) in a temporary
folder on free ports, fills the primary with the schema of this run's test database (pg_dump:
much faster than migrating again), and runs `replica_scenario.run` in a Kopir process configured
with both. Pausing the replica's replay proves where each read goes: a council written on the
primary while the replica is paused is not on the public list, which reads from the replica, and
appears once replay resumes. Runs in the PostgreSQL run of the suite; on SQLite it is skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

# The mark makes pytest-django create this run's test database, whose schema the primary takes.
pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
SCENARIO = "from kopir.council.tests.replica_scenario import run; run()"


def _postgres_bin() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    return versions[-1].parent if versions else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run(command: list[str], *, stdin: bytes | None = None, **kwargs: Any) -> bytes:
    """A local tool with fixed arguments; its output, or its error output in the failure."""
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, arguments built here
        command, input=stdin, capture_output=True, timeout=300, **kwargs
    )
    if result.returncode != 0:
        raise AssertionError(f"{command[0]} failed: {result.stderr.decode()[-2000:]}")
    return result.stdout


class Cluster:
    """A throwaway PostgreSQL server in a folder of its own, run as the `postgres` user when this
    process is root (initdb refuses root)."""

    def __init__(self, bin_dir: Path, folder: Path, port: int) -> None:
        self.bin_dir, self.folder, self.port = bin_dir, folder, port
        self.data = folder / f"data-{port}"

    def run(self, tool: str, *args: str) -> bytes:
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return _run([*as_postgres, str(self.bin_dir / tool), *args])

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self.run(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", f"{self.data}.log", "-w", "start"
        )

    def stop(self) -> None:
        if self.data.exists():
            with contextlib.suppress(AssertionError):
                self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, database: str = "kopir") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@pytest.fixture(scope="module")
def primary_and_replica(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[str, str]]:
    if connection.vendor != "postgresql":
        pytest.skip("the read replica is PostgreSQL's: tested in the PostgreSQL run")
    bin_dir = _postgres_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs PostgreSQL's server binaries to test the read replica")
        pytest.skip("PostgreSQL's server binaries (initdb, pg_basebackup) are not installed")
    folder = Path(tempfile.mkdtemp(prefix="kopir-replica-"))
    if os.geteuid() == 0:
        shutil.chown(folder, user="postgres")
    primary = Cluster(bin_dir, folder, _free_port())
    replica = Cluster(bin_dir, folder, _free_port())
    try:
        primary.run("initdb", "-D", str(primary.data), "-U", "postgres", "--auth=trust",
                    "--encoding=UTF8", "--locale=C", "--no-sync")  # fmt: skip
        primary.start()
        primary.run(
            "createdb", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres", "kopir"
        )
        # This run's test database, already migrated by pytest-django, is the primary's content.
        source = connection.settings_dict
        with django_db_blocker.unblock():
            dump = primary.run("pg_dump", "--no-owner", "--no-privileges",
                               "-h", source["HOST"] or "127.0.0.1", "-p", str(source["PORT"] or 5432),
                               "-U", source["USER"] or "postgres", source["NAME"])  # fmt: skip
        _run([str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", primary.url()], stdin=dump)
        # --checkpoint=fast: otherwise pg_basebackup waits for the next spread checkpoint.
        replica.run("pg_basebackup", "-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres",
                    "-D", str(replica.data), "-R", "-X", "stream", "--checkpoint=fast",
                    "--no-sync")  # fmt: skip
        replica.start()
        yield primary.url(), replica.url()
    finally:
        replica.stop()
        primary.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_public_pages_read_from_the_replica_and_writes_go_to_the_primary(
    primary_and_replica: tuple[str, str], tmp_path: Path
) -> None:
    primary_url, replica_url = primary_and_replica
    environment = {
        **os.environ,
        "DATABASE_URL": primary_url,
        "DATABASE_REPLICA_URL": replica_url,
        "KOPIR_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kopir.settings",
    }
    output = _run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", SCENARIO], cwd=ROOT,
                  env=environment)  # fmt: skip
    seen = json.loads(output.decode().strip().splitlines()[-1])
    assert seen == {
        "replica_in_recovery": True,
        "first_replicated": True,
        "first_listed": True,
        "second_on_primary": True,
        "second_on_replica_while_paused": False,
        # The public list reads from the replica: what it has not replayed is not listed.
        "second_listed_while_paused": False,
        "third_on_primary": True,
        "second_replicated": True,
        "second_listed_after_replay": True,
    }
