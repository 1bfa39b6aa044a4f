"""Query plans in tests (PostgreSQL): whether an index can serve a list's query."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def index_plan(rows: QuerySet[Any]) -> str:
    """EXPLAIN of `rows` with sequential scans and sorts made dear, as text.

    A test's tables are tiny, and a tiny table is cheaper to scan and sort than to read by an
    index; the question a plan test asks is whether an index *can* serve the query in order.
    `SET LOCAL` lasts until the test's transaction ends."""
    sql, params = rows.query.sql_with_params()
    return index_plan_sql(sql, params)


def index_plan_sql(sql: str, params: Sequence[Any] = ()) -> str:
    """`index_plan` of a statement as written, e.g. one a page ran (CaptureQueriesContext)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        # No parameters: the statement is run as written (a captured one has its % literal).
        cursor.execute("EXPLAIN " + sql, params or None)
        return "\n".join(row[0] for row in cursor.fetchall())
