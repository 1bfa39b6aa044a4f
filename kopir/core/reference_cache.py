"""Small reference tables kept in each process's memory, with a version every process checks.

The completeness rules in force, the steps' periods, the working-day overrides and the exchange's
subscriptions change a few times a year but were read on every referral sent (three to four
statements of each API create). A `ReferenceCache` keeps what was read in the process, tagged with
the version it was read under; a use first asks the shared cache (`KOPIR_CACHE_URL`, Redis)
for the current version, a fraction of a millisecond and no SQL, and reads the table again when
the version differs. Within a request the versions of every table are asked for together, in one
`get_many` at the first use, and kept to the request's end (`request_started` and
`request_finished` open and close that memo, `connect_request_scope`): one round trip a request
instead of one a use (an API create that sends used four tables, one to three times each). A write to the table calls `changed()`, which gives the
version a new random value once the writing transaction commits, so the next use in any process
(web processes, workers) reads the table again.

- The version is set after the commit, and a process reads the version before the table: a use
  that overlaps a write may keep the new rows under the old version (read again at the next use,
  harmless), never the old rows under the new one.
- A request sees the versions as they were at its first use: a write another process commits
  meanwhile is read from the next request on (outside a request, a task or a command, every use
  asks as before). A request's own write is read by its later uses: its commit drops the table's
  version from the memo, which the next use asks for again.
- A version is a random value, not a counter: a Redis that lost its keys (restarted, flushed)
  gives a new value, never one a process has seen.
- Without a shared cache (the embedded default, `KOPIR_CACHE_URL` unset) the web process and the
  worker are separate processes with separate local-memory caches, and one could not tell the
  other: nothing is kept then, every use reads the table, as before.
- A write that bypasses the services and the models' signals (raw SQL, a restore) is seen after
  at most `MAX_AGE` seconds, when a kept copy is read again whatever the version.
"""

from __future__ import annotations

import threading
import time
import uuid
import weakref
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.signals import request_finished, request_started
from django.db import transaction
from django.db.models import Model

T = TypeVar("T")

# Seconds a kept copy is used at most, whatever the version says.
MAX_AGE = 300.0
# Copies kept per table (one per day asked about, for the rules in force): the oldest go first.
MAX_ENTRIES = 32


def shared_store() -> BaseCache | None:
    """The cache every process shares, or None when there is none (local memory only)."""
    return caches["default"] if settings.KOPIR_CACHE_URL else None


# The versions this request has read, by key; None outside a request. A context variable: each
# thread serving requests has its own.
_request_versions: ContextVar[dict[str, str] | None] = ContextVar(
    "kopir_reference_versions", default=None
)
# Every table kept this way in the process, whose versions a request reads together.
_tables: weakref.WeakSet[ReferenceCache[Any]] = weakref.WeakSet()


def request_begins(**_kwargs: Any) -> None:
    _request_versions.set({})


def request_ends(**_kwargs: Any) -> None:
    _request_versions.set(None)


def connect_request_scope() -> None:
    """Each request reads the tables' versions once (core's `ready()`)."""
    request_started.connect(request_begins, dispatch_uid="kopir.core.reference_versions")
    request_finished.connect(request_ends, dispatch_uid="kopir.core.reference_versions")


class ReferenceCache(Generic[T]):
    """One table's copies in this process, each under a key (a day, or None) and a version.

    `store` gives the shared cache (tests give each simulated process a client of its own).
    """

    def __init__(self, name: str, store: Callable[[], BaseCache | None] = shared_store) -> None:
        self.name = name
        self.version_key = f"kopir:reference-version:{name}"
        self._store = store
        self._entries: dict[Hashable, tuple[str, float, T]] = {}
        self._lock = threading.Lock()
        _tables.add(self)

    def _version(self, store: BaseCache) -> str:
        known = _request_versions.get()
        if known is None:
            return self._read_version(store)
        version = known.get(self.version_key)
        if version is None:
            # The request's first use: every table's version not yet read, in one round trip.
            keys = sorted({self.version_key, *(table.version_key for table in list(_tables))})
            found = store.get_many([key for key in keys if key not in known])
            known.update((key, str(value)) for key, value in found.items() if value is not None)
            version = known.get(self.version_key)
            if version is None:
                version = known[self.version_key] = self._read_version(store)
        return version

    def _read_version(self, store: BaseCache) -> str:
        version = store.get(self.version_key)
        if version is None:
            # The first process to ask (or the first after Redis lost its keys) sets one.
            store.add(self.version_key, uuid.uuid4().hex, timeout=None)
            version = store.get(self.version_key)
        return str(version)

    def get(self, key: Hashable, load: Callable[[], T]) -> T:
        """The copy kept under `key` if it is current, else `load()`'s answer, kept.

        What is kept is shared by the process's threads: callers only read it.
        """
        store = self._store()
        if store is None:
            return load()
        version = self._version(store)
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] == version and now - entry[1] < MAX_AGE:
            return entry[2]
        value = load()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                oldest = min(self._entries, key=lambda each: self._entries[each][1])
                del self._entries[oldest]
            self._entries[key] = (version, now, value)
        return value

    def changed(self) -> None:
        """The table has been written: once the transaction commits (at once, outside one),
        every process reads it again at its next use. Call it after the write, never before:
        outside a transaction a version set before the write could tag the old rows.
        A Redis that fails here is logged, not raised: the write is committed, and copies are
        read again after MAX_AGE."""
        store = self._store()
        if store is None:
            return

        def publish() -> None:
            known = _request_versions.get()
            if known is not None:
                known.pop(self.version_key, None)  # this request's later uses read its write
            store.set(self.version_key, uuid.uuid4().hex, None)

        transaction.on_commit(publish, robust=True)

    def forget(self) -> None:
        """Drop this process's copies (tests)."""
        with self._lock:
            self._entries.clear()


def changed_on_write(cache: ReferenceCache[Any], *models: type[Model]) -> None:
    """Connect `cache.changed` to every save and delete of `models` (the admin site, loaders,
    fixtures); a service that writes them with `update()` or `bulk_create` calls it itself."""
    from django.db.models.signals import post_delete, post_save

    def receiver(**_kwargs: Any) -> None:
        cache.changed()

    for model in models:
        uid = f"reference-cache:{cache.name}:{model._meta.label}"
        post_save.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=uid)
