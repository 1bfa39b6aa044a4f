from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from kopir.core.checks import production_configuration_check

ROOT = Path(__file__).resolve().parents[3]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("KOPIR_", "DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        "KOPIR_ENVIRONMENT": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kopir.example.kz",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    env.update(overrides)
    return env


def test_check_deploy_passes_with_production_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_with_the_demo_flag():
    result = run_manage("check", **production_env(KOPIR_DEMO="on"))
    assert result.returncode != 0
    assert "kopir.E001" in result.stderr


def test_production_refuses_to_start_with_the_development_secret():
    env = production_env()
    del env["SECRET_KEY"]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "kopir.E002" in result.stderr


def test_a_malformed_boolean_stops_start_up_naming_the_variable():
    result = run_manage("check", KOPIR_DEMO="perhaps")
    assert result.returncode != 0
    assert "KOPIR_DEMO" in result.stderr


def test_development_has_no_production_errors(settings: pytest.FixtureRequest):
    assert production_configuration_check() == []


def test_production_check_lists_every_unsafe_setting(settings):
    settings.PRODUCTION = True
    settings.KOPIR_DEMO = True
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.DEBUG = True
    settings.KOPIR_REQUIRE_2FA = False
    settings.ALLOWED_HOSTS = []
    ids = {error.id for error in production_configuration_check()}
    assert ids == {"kopir.E001", "kopir.E002", "kopir.E003", "kopir.E004", "kopir.E005"}


def test_sqlite_runs_with_wal_immediate_transactions_and_a_busy_timeout():
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("SQLite-only settings; this run uses PostgreSQL")
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    assert "journal_mode=WAL" in options["init_command"]
