"""Timing one page in-process and its floor: the same rows by hand-written SQL.

The page is requested through Django's test client in this process (no network, no web server):
the time is the server's own, from the first middleware to the last byte of the response, which
is what the design decides. Each path is requested `warm` times first (caches, prepared plans),
then `repeat` times measured.
"""

from __future__ import annotations

import gc
import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

NEXT_LINK = re.compile(r'<a rel="next" href="([^"]+)"')


@dataclass
class Path:
    """One thing to measure: a page (GET, or POST with `data`) as `username`, or a function a
    page or report calls (`call`, e.g. a measure over the whole country), and its floor."""

    name: str
    url: str
    username: str | None
    floor_sql: str = ""
    floor_params: Sequence[Any] = ()
    data: dict[str, str] | None = None
    # Follow the page's "next" link this many times first, and measure the page reached.
    deep: int = 0
    call: Callable[[], Any] | None = None


@dataclass
class Result:
    name: str
    url: str
    status: int
    queries: int
    times_ms: list[float] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    floor_rows: int = 0

    @staticmethod
    def _percentile(values: list[float], share: float) -> float:
        if not values:
            return 0.0
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    def summary(self) -> dict[str, Any]:
        p50 = statistics.median(self.times_ms) if self.times_ms else 0.0
        floor = statistics.median(self.floor_ms) if self.floor_ms else 0.0
        return {
            "name": self.name,
            "url": self.url,
            "status": self.status,
            "queries": self.queries,
            "p50_ms": round(p50, 2),
            "p95_ms": round(self._percentile(self.times_ms, 0.95), 2),
            "p99_ms": round(self._percentile(self.times_ms, 0.99), 2),
            "floor_p50_ms": round(floor, 2),
            "floor_rows": self.floor_rows,
            "ratio": round(p50 / floor, 1) if floor else None,
        }


def _timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = call()
    return (time.perf_counter() - started) * 1000, value


def measure(
    path: Path, client: Client, *, repeat: int, warm: int, freeze_gc: bool = False
) -> Result:
    if path.call is not None:
        return _measure_call(path, path.call, repeat=repeat, warm=warm)
    url = path.url
    for _hop in range(path.deep):
        response = client.get(url)
        found = NEXT_LINK.search(response.content.decode())
        if not found:
            break
        url = found.group(1).replace("&amp;", "&")
        if url.startswith("?"):
            url = path.url.split("?")[0] + url

    def request() -> Any:
        if path.data is not None:
            return client.post(url, path.data)
        return client.get(url)

    for _n in range(warm):
        request()
    if freeze_gc:
        gc.collect()
        gc.freeze()
    with CaptureQueriesContext(connection) as queries:
        response = request()
    result = Result(path.name, url, response.status_code, len(queries.captured_queries))
    for _n in range(repeat):
        took, _response = _timed(request)
        result.times_ms.append(took)
    _measure_floor(path, result, repeat=repeat, warm=warm)
    return result


def _measure_call(path: Path, call: Callable[[], Any], *, repeat: int, warm: int) -> Result:
    for _n in range(warm):
        call()
    with CaptureQueriesContext(connection) as queries:
        call()
    result = Result(path.name, path.url, 0, len(queries.captured_queries))
    for _n in range(repeat):
        took, _value = _timed(call)
        result.times_ms.append(took)
    _measure_floor(path, result, repeat=repeat, warm=warm)
    return result


def _measure_floor(path: Path, result: Result, *, repeat: int, warm: int) -> None:
    if not path.floor_sql:
        return
    with connection.cursor() as cursor:
        for _n in range(warm + repeat):
            took, rows = _timed(lambda: _fetch(cursor, path.floor_sql, path.floor_params))
            result.floor_ms.append(took)
            result.floor_rows = len(rows)
    result.floor_ms = result.floor_ms[warm:]


def _fetch(cursor: Any, sql: str, params: Sequence[Any]) -> list[Any]:
    cursor.execute(sql, params)
    return list(cursor.fetchall())
