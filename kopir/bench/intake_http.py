"""The JSON API's intake as deployed (`manage.py kopir_bench --intake-http N`, docs/performance.md
"Intake").

`kopir/bench/intake.py` measures the API through Django's test client in threads of one process,
which the GIL runs one at a time. This measures it the way medical information systems meet it:
P web processes (`manage.py serve --web-only --processes P`, waitress, the WSGI warm-up of
decision 14) sharing the database and one Redis (`KOPIR_CACHE_URL`, the rate limits and the
reference data's versions), and K client processes, each a system of its own clinic with its own
token, posting over HTTP on loopback with a kept-alive connection to one web process (client i to
process i mod P; no proxy in between).

Two channels, each of N referrals: one referral a request (`POST /api/referrals`), and batches
(`POST /api/referrals/batch`). Each client first sends a few requests that are not timed (other
persons), so that every web process has its connections, calendars and caches before the clock
starts. It reports referrals/s, each request's latency (p50, p95), the errors (a request not
answered 201/200, a referral of a batch not answered 201: the bar is zero), and the CPU time per
referral of the web processes, of the database's server processes serving them (PostgreSQL's
backends of this database, read from the system's process table) and of the clients. It writes:
the referrals, their persons' links, the tokens of the benchmark's systems.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil
from django.conf import settings
from django.db import connection, connections

from kopir.assessment.models import Referral
from kopir.bench.intake import API_URL, BATCH_URL, _persons, _split, request_bodies, system_tokens

ROOT = Path(__file__).resolve().parent.parent.parent
# Requests each client sends before the clock starts (one referral each).
WARM_REQUESTS = 5


@dataclass
class HttpRate:
    """One channel's run: referrals, time, latencies and the CPU spent on each side."""

    channel: str
    referrals: int
    clients: int
    processes: int
    seconds: float
    latencies_ms: list[float]
    errors: int
    created: int
    cpu_web: float
    cpu_database: float
    cpu_clients: float
    load: tuple[float, float]
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def per_second(self) -> float:
        return self.referrals / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def cpu_ms(self, seconds: float) -> float:
        return 1000 * seconds / self.referrals if self.referrals else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "referrals": self.referrals,
            "clients": self.clients,
            "web_processes": self.processes,
            "seconds": round(self.seconds, 2),
            "referrals_per_second": round(self.per_second, 1),
            "requests": len(self.latencies_ms),
            "p50_ms": round(statistics.median(self.latencies_ms), 1) if self.latencies_ms else 0,
            "p95_ms": round(self.percentile(0.95), 1),
            "errors": self.errors,
            "created": self.created,
            "cpu_ms_per_referral_web": round(self.cpu_ms(self.cpu_web), 2),
            "cpu_ms_per_referral_database": round(self.cpu_ms(self.cpu_database), 2),
            "cpu_ms_per_referral_clients": round(self.cpu_ms(self.cpu_clients), 2),
            "load_before": self.load[0],
            "load_after": self.load[1],
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
        }


def _post(conn: http.client.HTTPConnection, url: str, token: str, body: str) -> tuple[int, bytes]:
    conn.request(
        "POST",
        url,
        body=body.encode(),
        headers={
            "Host": "localhost",
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": str(uuid.uuid4()),
        },
    )
    response = conn.getresponse()
    return response.status, response.read()


def _client(
    port: int,
    token: str,
    url: str,
    warm: list[str],
    bodies: list[str],
    start: Any,
    ready: Any,
    results: Any,
) -> None:
    """One system: its warm-up requests, then (once every client is ready) its timed ones."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        ready.put([_post(conn, API_URL, token, body)[0] for body in warm])
    except Exception as error:  # reported by the parent, which would otherwise wait
        ready.put([f"{type(error).__name__}: {error}"])
        return
    start.wait()
    cpu = time.process_time()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    for body in bodies:
        began = time.perf_counter()
        try:
            status, answer = _post(conn, url, token, body)
        except (OSError, http.client.HTTPException):
            # Counted as an error; the next request opens a new connection.
            status, answer = 0, b""
            conn.close()
        latencies.append(1000 * (time.perf_counter() - began))
        if url == BATCH_URL and status == 200:
            for item in json.loads(answer)["results"]:
                statuses[item["status"]] = statuses.get(item["status"], 0) + 1
                errors += item["status"] != 201
        else:
            statuses[status] = statuses.get(status, 0) + 1
            errors += status != 201
    conn.close()
    results.put((latencies, statuses, errors, time.process_time() - cpu))


def _wait_until_answering(port: int, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": "localhost"})
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"the web process on port {port} did not answer within {seconds:.0f} s")


def _cpu(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def _database_backends() -> list[psutil.Process]:
    """PostgreSQL's server processes connected to this database (not this process's own)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        pids = [row[0] for row in cursor.fetchall()]
    backends = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            backends.append(psutil.Process(pid))
    return backends


class WebProcesses:
    """`manage.py serve --web-only --processes P` on ports from `port` on, stopped on exit."""

    def __init__(self, processes: int, port: int, threads: int, cache_url: str) -> None:
        self.ports = [port + number for number in range(processes)]
        # What the web processes log, for a run that fails: the data directory's bench log.
        self.log_path = Path(settings.DATA_DIR) / "bench-intake-http.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = self.log_path.open("w")
        env = dict(os.environ)
        env.update(KOPIR_CACHE_URL=cache_url, KOPIR_LOG_LEVEL="WARNING")
        self.server = subprocess.Popen(  # noqa: S603 - this interpreter, fixed arguments
            [
                *(sys.executable, "manage.py", "serve", "--web-only"),
                *("--processes", str(processes), "--port", str(port)),
                *("--threads", str(threads)),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def __enter__(self) -> WebProcesses:
        for port in self.ports:
            _wait_until_answering(port)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.terminate()
        try:
            self.server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()
        self.log.close()

    def web(self) -> list[psutil.Process]:
        """The processes that serve (with one process, serve itself)."""
        parent = psutil.Process(self.server.pid)
        return parent.children() or [parent]


def run_http(
    web: WebProcesses, *, count: int, clients: int, batch: int = 0, offset: int = 0
) -> HttpRate:
    """Post `count` referrals from `clients` processes to `web`: one a request, or `batch` a
    request to the batch endpoint; the persons are the `count` after `offset`, and the warm-up's
    are the ones before it."""
    tokens = system_tokens(clients)
    persons = _persons(count, offset)
    warm = _split(
        _persons(WARM_REQUESTS * clients, max(0, offset - WARM_REQUESTS * clients)), clients
    )
    url = BATCH_URL if batch else API_URL
    shares = [request_bodies(share, batch) for share in _split(persons, clients)]
    warm_bodies = [request_bodies(share) for share in warm]
    # The clients are forked: none may share this process's database connection.
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    ready, results = context.Queue(), context.Queue()
    workers = [
        context.Process(
            target=_client,
            args=(
                web.ports[index % len(web.ports)],
                tokens[index],
                url,
                warm_bodies[index],
                shares[index],
                start,
                ready,
                results,
            ),
        )
        for index in range(clients)
    ]
    for worker in workers:
        worker.start()
    # Every warm-up request is answered before the clock starts.
    warmed = [status for _ in workers for status in ready.get(timeout=900)]
    if any(status != 201 for status in warmed):
        start.set()
        for worker in workers:
            worker.terminate()
        raise RuntimeError(f"warm-up requests answered {sorted(set(map(str, warmed)))}")
    warm_total = Referral.objects.count()
    serving = web.web()
    backends = _database_backends()
    load = os.getloadavg()[0]
    web_cpu, database_cpu = _cpu(serving), _cpu(backends)
    began = time.perf_counter()
    start.set()
    answers = [results.get(timeout=3600) for _ in workers]
    seconds = time.perf_counter() - began
    web_cpu = _cpu(serving) - web_cpu
    # Backends that appeared during the run count from zero.
    known = {backend.pid for backend in backends}
    new = [backend for backend in _database_backends() if backend.pid not in known]
    database_cpu = _cpu(backends) - database_cpu + _cpu(new)
    for worker in workers:
        worker.join()
    statuses: dict[int, int] = {}
    for _latencies, counted, _errors, _cpu_seconds in answers:
        for status, number in counted.items():
            statuses[status] = statuses.get(status, 0) + number
    return HttpRate(
        channel=f"http-batch{batch}" if batch else "http",
        referrals=count,
        clients=clients,
        processes=len(web.ports),
        seconds=seconds,
        latencies_ms=[latency for answer in answers for latency in answer[0]],
        errors=sum(answer[2] for answer in answers),
        created=Referral.objects.count() - warm_total,
        cpu_web=web_cpu,
        cpu_database=database_cpu,
        cpu_clients=sum(answer[3] for answer in answers),
        load=(round(load, 2), round(os.getloadavg()[0], 2)),
        statuses=statuses,
    )


def run_intake_http(
    *,
    count: int,
    clients: int,
    processes: int,
    port: int,
    threads: int,
    batch: int,
    batch_count: int,
) -> list[HttpRate]:
    """Both channels against one set of web processes: `count` single creates, then
    `batch_count` referrals in batches of `batch`."""
    cache_url = settings.KOPIR_CACHE_URL or os.environ.get(
        "KOPIR_BENCH_CACHE_URL", "redis://127.0.0.1:6379/12"
    )
    warm = WARM_REQUESTS * clients
    with WebProcesses(processes, port, threads, cache_url) as web:
        return [
            run_http(web, count=count, clients=clients, offset=warm),
            run_http(web, count=batch_count, clients=clients, batch=batch, offset=2 * warm + count),
        ]
