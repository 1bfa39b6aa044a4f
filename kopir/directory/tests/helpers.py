"""Small helpers the directory's tests share."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def queries_for(client: Client, url: str) -> int:
    """How many database queries one successful request to `url` makes."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)
