"""Small helpers the directory's tests share."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def queries_for(client: Client, url: str) -> int:
    """How many database queries one successful request to `url` makes."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)
