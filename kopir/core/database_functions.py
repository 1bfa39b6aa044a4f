"""What SQLite lacks and Kopir asks of every database, given to each SQLite connection in Python:
a lower() that folds Cyrillic (`core/search.py`). PostgreSQL does it in SQL. Connected in core's
`ready()`."""

from __future__ import annotations

from typing import Any

from django.db.backends.signals import connection_created

from kopir.core.search import SQLITE_FOLD, fold


def _sqlite_fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


def register_sqlite_functions(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(SQLITE_FOLD, 1, _sqlite_fold, deterministic=True)


def connect_sqlite_functions() -> None:
    connection_created.connect(register_sqlite_functions, dispatch_uid="kopir.core.sqlite")
