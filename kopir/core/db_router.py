"""Reads of read-heavy pages from a PostgreSQL read replica, everything else from the primary.

With `DATABASE_REPLICA_URL` set, settings add a second database alias, `replica`, a streaming
replica of `default`. Reads go there only inside `reads_from_replica()` (or a view decorated with
`replica_reads`): an explicit opt-in by the pages that can bear a replica's lag of a second —
the public pages, statistics and exports — never by model, so a person who has just saved
something never reads an older copy of it. Inside that scope:

- every write goes to the primary (a replica is read-only);
- a read inside a transaction on the primary stays on the primary (it must see its own writes);
- accounts, sessions, lockouts, second factors and the audit log are always read from the
  primary: signing in, lockout and the hash chain must never see a stale row.

Without a replica the router answers nothing and Django uses `default`, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpResponseBase, StreamingHttpResponse

REPLICA = "replica"

# App labels whose tables are read from the primary even inside a replica scope.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "audit",
        "auth",
        "axes",
        "django_tasks_database",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)

_replica_reads: ContextVar[bool] = ContextVar("kopir_replica_reads", default=False)

P = ParamSpec("P")
R = TypeVar("R", bound=HttpResponseBase)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Read from the replica (where one is configured) until the block ends."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def _streamed_from_replica(content: Iterator[Any]) -> Iterator[Any]:
    # A streaming answer reads its rows after the view has returned: read them in the scope too.
    with reads_from_replica():
        yield from content


def replica_reads(view: Callable[P, R]) -> Callable[P, R]:
    """Decorate a view whose reads may come from the replica, streamed content included."""

    @wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with reads_from_replica():
            response = view(*args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and replica_configured():
            content = cast(Iterator[bytes], response.streaming_content)  # a WSGI view's: not async
            response.streaming_content = _streamed_from_replica(content)
        return response

    return wrapper


class ReplicaRouter:
    """Django's database router for the replica (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        if not _replica_reads.get() or not replica_configured():
            return None
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        # Explicitly the primary: left unanswered, Django would save a row read from the replica
        # back to the replica, which refuses it.
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: a relation between their objects is one database.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica follows the primary's schema through replication; never migrate it.
        return db != REPLICA
