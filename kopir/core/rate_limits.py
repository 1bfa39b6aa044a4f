"""Kopir's one rate limiter: so many requests per so many seconds for one key within one scope.

Used by the API (per external system, and per client address without a valid token), the
public petition form and the citizen status page (per client address). Each caller keeps its own
answer when a limit is reached (a 429 in the API's JSON or FHIR shape, a page with a message);
this module only counts.

The count is a sliding window: the times of the key's recent requests, newest first, kept in
Django's cache under the scope and a keyed hash of the key, so the cache holds no list of
clients' addresses. With the default local-memory cache the limits are per process (decision 6);
a shared cache backend makes them hold across processes. A lock keeps two threads of one process
from both reading the same history and losing one request; across processes on a shared cache
such a race can let a request or two more through, never fewer.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from kopir.core.client import client_address

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
RATE_SHAPE = re.compile(r"(?P<count>[1-9][0-9]*)/(?P<multiple>[1-9][0-9]*)?(?P<period>[a-z]+)")
_lock = threading.Lock()


@dataclass(frozen=True)
class Rate:
    """`limit` requests per `seconds`."""

    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Read "<count>/<period>" (period s, m, h or d, or sec, min, hour, day, optionally with a
        multiple: "100/5m"), the shape the KOPIR_API_*RATE settings are checked against."""
        match = RATE_SHAPE.fullmatch(text)
        if match is None or match["period"] not in PERIODS:
            raise ValueError(f"not a rate such as 120/m or 1000/h: {text!r}")
        multiple = int(match["multiple"] or 1)
        return cls(limit=int(match["count"]), seconds=multiple * PERIODS[match["period"]])


def request_client_key(request: HttpRequest) -> str:
    """The key of the client behind `request`: its address, read past the trusted proxies."""
    return client_address(request) or "unknown"


class RateLimit:
    """A rate within a scope ("api-system", "petition", ...). Ask `wait(key)` before the work and
    `hit(key)` for a request that counts, or `attempt(key)` to do both at once."""

    # The clock, a class attribute so that tests can move time by hand.
    timer: ClassVar[Callable[[], float]] = time.time

    def __init__(self, scope: str, rate: Rate | str) -> None:
        self.scope = scope
        self.rate = rate if isinstance(rate, Rate) else Rate.parse(rate)

    def _cache_key(self, key: str) -> str:
        digest = salted_hmac("kopir.rate-limit", f"{self.scope}:{key}").hexdigest()[:32]
        return f"kopir:rate:{self.scope}:{digest}"

    def _history(self, key: str, now: float) -> list[float]:
        history: list[float] = cache.get(self._cache_key(key), [])
        # Newest first: the requests that have left the window are at the end.
        return [at for at in history if at > now - self.rate.seconds]

    def _wait(self, history: list[float], now: float) -> int:
        if len(history) < self.rate.limit:
            return 0
        # There is room once every request older than the limit-th newest has left the window.
        leaves_at = history[self.rate.limit - 1] + self.rate.seconds
        return max(1, math.ceil(leaves_at - now))

    def wait(self, key: str) -> int:
        """Whole seconds until `key` may make one more request: 0 if it may now. Counts nothing."""
        now = type(self).timer()
        return self._wait(self._history(key, now), now)

    def hit(self, key: str) -> None:
        """Count one request of `key`, whether or not it was within the limit."""
        with _lock:
            now = type(self).timer()
            history = [now, *self._history(key, now)]
            cache.set(self._cache_key(key), history, self.rate.seconds)

    def attempt(self, key: str) -> int:
        """Count a request of `key` if it is within the limit and return 0; otherwise count
        nothing and return the seconds to wait."""
        with _lock:
            now = type(self).timer()
            history = self._history(key, now)
            wait = self._wait(history, now)
            if wait == 0:
                cache.set(self._cache_key(key), [now, *history], self.rate.seconds)
            return wait

    def reset(self, key: str) -> None:
        """Forget `key`'s requests in this scope."""
        cache.delete(self._cache_key(key))


class QuantityLimit(RateLimit):
    """A rate of things rather than of requests: so many referrals per so many seconds, each
    request counting as many as it carries (decision 13: a batch of the API counts its
    referrals). The window keeps one entry per request, its time and its quantity, so a
    request of 500 costs the cache one entry, not 500."""

    def _quantities(self, key: str, now: float) -> list[tuple[float, int]]:
        history: list[tuple[float, int]] = cache.get(self._cache_key(key), [])
        return [(at, count) for at, count in history if at > now - self.rate.seconds]

    def take(self, key: str, quantity: int) -> int:
        """Count `quantity` for `key` if it fits in the window and return 0; otherwise count
        nothing and return the whole seconds until it would fit."""
        with _lock:
            now = type(self).timer()
            history = self._quantities(key, now)
            used = sum(count for _at, count in history)
            if used + quantity <= self.rate.limit:
                cache.set(self._cache_key(key), [(now, quantity), *history], self.rate.seconds)
                return 0
            # Room comes as the oldest entries leave the window (newest first: walk from the end).
            for at, count in reversed(history):
                used -= count
                if used + quantity <= self.rate.limit:
                    return max(1, math.ceil(at + self.rate.seconds - now))
            return self.rate.seconds  # more than the whole limit: never (the settings forbid it)
