"""What test_read_replica.py runs in a Kopir process configured with a primary and a replica.

Run as `manage.py shell -c "from kopir.council.tests.replica_scenario import run; run()"` with
DATABASE_URL and DATABASE_REPLICA_URL pointing at a primary and its streaming replica. It prints
one JSON object of observations; the test asserts on them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.db import connections
from django.test import Client

from kopir.core.db_router import reads_from_replica
from kopir.council.models import Council
from kopir.council.tests.factories import CouncilFactory

PUBLIC_LIST = "/kk/council/public/"


def _on_replica(slug: str) -> bool:
    return Council.objects.using("replica").filter(slug=slug).exists()


def _wait_until_replicated(slug: str, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _on_replica(slug):
            return True
        time.sleep(0.05)
    return False


def _replay(action: str) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute(f"SELECT pg_wal_replay_{action}()")


def _listed(client: Client, council: Council) -> bool:
    response = client.get(PUBLIC_LIST)
    assert response.status_code == 200, response.status_code
    return council.slug in response.content.decode()


def run() -> None:
    seen: dict[str, Any] = {}
    with connections["replica"].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        seen["replica_in_recovery"] = cursor.fetchone()[0]
    client = Client(SERVER_NAME="localhost")

    first: Council = CouncilFactory.create(slug="replicated-first")
    seen["first_replicated"] = _wait_until_replicated(first.slug)
    seen["first_listed"] = _listed(client, first)

    # Stop the replica replaying: what the primary writes now, the replica does not have.
    _replay("pause")
    try:
        second: Council = CouncilFactory.create(slug="written-while-paused")
        seen["second_on_primary"] = Council.objects.filter(slug=second.slug).exists()
        seen["second_on_replica_while_paused"] = _on_replica(second.slug)
        seen["second_listed_while_paused"] = _listed(client, second)
        # A write inside the replica scope still goes to the primary.
        with reads_from_replica():
            third: Council = CouncilFactory.create(slug="written-in-replica-scope")
        seen["third_on_primary"] = Council.objects.using("default").filter(slug=third.slug).exists()
    finally:
        _replay("resume")
    seen["second_replicated"] = _wait_until_replicated(second.slug)
    seen["second_listed_after_replay"] = _listed(client, second)
    print(json.dumps(seen))
