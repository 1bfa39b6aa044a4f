"""`manage.py serve --processes N`: N web processes on consecutive ports, stopped together."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def consecutive_free_ports(count: int) -> int:
    """The first of `count` consecutive loopback ports that nothing listens on."""
    for _attempt in range(50):
        first = random.randint(20_000, 60_000)
        try:
            for port in range(first, first + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return first
    raise RuntimeError("no free ports")


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def children_of(pid: int) -> dict[int, str]:
    """The child processes of `pid` with their command lines (Linux's /proc)."""
    listed = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return {
        int(child): Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        for child in listed
    }


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int]]:
    first = consecutive_free_ports(2)
    env = {key: value for key, value in os.environ.items() if not key.startswith("KOPIR_")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'kopir.sqlite3'}", KOPIR_DATA_DIR=str(tmp_path))
    server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [
            *(sys.executable, "manage.py", "serve", "--web-only", "--processes", "2"),
            *("--port", str(first), "--threads", "2"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # A group of its own, so that whatever happens the server and its web processes are
        # stopped together: killing the server alone left its two web processes running,
        # holding their ports, when the start timed out on a busy machine.
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not (answers(first) and answers(first + 1)):
            assert server.poll() is None, server.communicate()[0]
            assert time.monotonic() < deadline, "the two web processes did not answer within 120 s"
            time.sleep(0.5)
        yield server, first
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def test_two_processes_answer_on_consecutive_ports_and_stop_together(
    two_processes: tuple[subprocess.Popen[str], int],
) -> None:
    server, first = two_processes
    web = children_of(server.pid)
    assert len(web) == 2
    assert all("--web-only" in command for command in web.values())
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0
    assert not answers(first)
    assert not answers(first + 1)


def test_when_one_web_process_dies_the_other_is_stopped_and_the_failure_shows(
    two_processes: tuple[subprocess.Popen[str], int],
) -> None:
    server, first = two_processes
    second = next(
        pid for pid, command in children_of(server.pid).items() if str(first + 1) in command
    )
    os.kill(second, signal.SIGKILL)
    assert server.wait(timeout=30) != 0
    assert f"the web process on port {first + 1} stopped" in server.communicate()[0]
    assert not answers(first)
