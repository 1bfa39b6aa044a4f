"""The replica router's rules, and the settings that configure it (core/db_router.py).

The replica itself, in streaming replication, is tested in council/tests/test_read_replica.py.
"""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from kopir.core import db_router
from kopir.core.db_router import ReplicaRouter, reads_from_replica, replica_reads

SETTINGS_FILE = Path(__file__).resolve().parents[2] / "settings.py"
router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch: pytest.MonkeyPatch) -> None:
    # As if DATABASE_REPLICA_URL were set; the real replica is council's test_read_replica.py.
    monkeypatch.setattr(db_router, "replica_configured", lambda: True)


def test_without_a_replica_every_read_is_left_to_default(settings: Any) -> None:
    assert "replica" not in settings.DATABASES
    with reads_from_replica():
        assert router.db_for_read(ContentType) is None


@pytest.mark.usefixtures("with_replica")
def test_reads_go_to_the_replica_only_inside_the_scope() -> None:
    assert router.db_for_read(ContentType) is None
    with reads_from_replica():
        assert router.db_for_read(ContentType) == "replica"
    assert router.db_for_read(ContentType) is None


@pytest.mark.usefixtures("with_replica")
def test_sessions_accounts_and_audit_are_read_from_the_primary() -> None:
    with reads_from_replica():
        assert router.db_for_read(Session) == "default"
    assert {"sessions", "accounts", "audit", "axes", "otp_totp"} <= db_router.PRIMARY_ONLY_APPS


@pytest.mark.django_db
@pytest.mark.usefixtures("with_replica")
def test_a_read_inside_a_transaction_stays_on_the_primary() -> None:
    # pytest-django wraps the test in a transaction: inside it a read must see its own writes.
    with reads_from_replica(), transaction.atomic():
        assert router.db_for_read(ContentType) == "default"


@pytest.mark.usefixtures("with_replica")
def test_writes_always_go_to_the_primary_and_the_replica_is_never_migrated() -> None:
    with reads_from_replica():
        assert router.db_for_write(ContentType) == "default"
    assert router.allow_migrate("replica", "council") is False
    assert router.allow_migrate("default", "council") is True


@pytest.mark.usefixtures("with_replica")
def test_a_streamed_answer_reads_its_rows_in_the_scope() -> None:
    seen: list[str | None] = []

    def rows() -> Any:
        for _ in range(2):
            seen.append(router.db_for_read(ContentType))
            yield b"row\n"

    @replica_reads
    def view(request: HttpRequest) -> StreamingHttpResponse:
        return StreamingHttpResponse(rows())

    response = view(HttpRequest())
    assert seen == []  # nothing read yet: the rows are read as the answer is sent
    assert b"".join(response.streaming_content) == b"row\nrow\n"  # type: ignore[arg-type]
    assert seen == ["replica", "replica"]


@pytest.mark.usefixtures("with_replica")
def test_a_decorated_view_reads_from_the_replica_and_the_scope_ends_with_it() -> None:
    seen: list[str | None] = []

    @replica_reads
    def view(request: HttpRequest) -> HttpResponse:
        seen.append(router.db_for_read(ContentType))
        return HttpResponse("ok")

    view(HttpRequest())
    assert seen == ["replica"]
    assert router.db_for_read(ContentType) is None


def _settings_with(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_settings_add_the_replica_as_a_mirror_in_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    values = _settings_with(
        monkeypatch,
        DATABASE_URL="postgres://kopir@db-primary:5432/kopir",
        DATABASE_REPLICA_URL="postgres://kopir@db-replica:5432/kopir",
    )
    replica = values["DATABASES"]["replica"]
    assert replica["HOST"] == "db-replica"
    assert replica["TEST"] == {"MIRROR": "default"}
    assert values["DATABASE_ROUTERS"] == ["kopir.core.db_router.ReplicaRouter"]


def test_a_replica_on_another_engine_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="DATABASE_REPLICA_URL"):
        _settings_with(
            monkeypatch,
            DATABASE_URL="postgres://kopir@db-primary:5432/kopir",
            DATABASE_REPLICA_URL="sqlite:///:memory:",
        )


def test_db_pool_replaces_persistent_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    values = _settings_with(
        monkeypatch, DATABASE_URL="postgres://kopir@db-primary:5432/kopir", DB_POOL="8"
    )
    default = values["DATABASES"]["default"]
    assert default["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8}
    assert default["CONN_MAX_AGE"] == 0


def test_without_db_pool_connections_persist(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DB_POOL", raising=False)
    values = _settings_with(monkeypatch, DATABASE_URL="postgres://kopir@db-primary:5432/kopir")
    default = values["DATABASES"]["default"]
    assert "pool" not in default.get("OPTIONS", {})
    assert default["CONN_MAX_AGE"] == 60
