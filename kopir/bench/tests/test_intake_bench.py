"""The intake benchmark creates what it says through the API (one a request and in batches)
and bulk files (several files at once, and one file in parts), from several clients at once,
and reports rates and queries per referral."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from kopir.assessment.models import BulkUpload, IntakeChannel, Referral
from kopir.assessment.tests.factories import Icd10CodeFactory
from kopir.bench.intake import _persons
from kopir.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_intake_benchmark_creates_every_referral_and_reports_its_cost(tmp_path: Path):
    for code in ("H54.0", "H90.3", "G80.0"):
        Icd10CodeFactory.create(code=code)
    call_command("kopir_generate", persons=60, years=1, seed=3, yes=True, verbosity=0)
    before = Referral.objects.count()
    report = tmp_path / "intake.json"

    # SQLite's shared in-memory test database locks whole tables: one client there (and the
    # bulk runs in threads; on PostgreSQL in worker processes).
    clients = 2 if connection.vendor == "postgresql" else 1

    call_command(
        "kopir_bench",
        intake=6,
        intake_clients=clients,
        intake_workers=clients,
        json=report,
        verbosity=0,
    )

    runs = {run["channel"]: run for run in json.loads(report.read_text())["intake"]}
    assert set(runs) == {"api", "bulk", "bulk-draft", "api-batch100", "bulk-parts"}
    for run in runs.values():
        assert (run["referrals"], run["created"], run["failed"], run["clients"]) == (
            6,
            6,
            0,
            clients,
        )
        assert run["referrals_per_second"] > 0
        assert 0 < run["queries_per_referral"] < 100
        assert run["cpu_ms_per_referral"] > 0
        assert {"load_before", "load_after"} <= set(run)
    assert Referral.objects.count() == before + 30
    assert Referral.objects.filter(channel=IntakeChannel.API).count() == 12
    assert Referral.objects.filter(channel=IntakeChannel.BULK).count() == 18
    files = list(BulkUpload.objects.order_by("id"))
    assert [upload.rows_created for upload in files] == [6 // clients] * 2 * clients + [6]
    # The last file was received in one part a client (one part: by its first task).
    assert len(files[-1].parts) == (clients if clients > 1 else 0)


def test_the_benchmark_takes_the_persons_again_from_the_first_when_there_are_too_few():
    first, second, third = (PersonFactory.create() for _ in range(3))

    persons = _persons(5, offset=2)

    assert [person.pk for person in persons] == [third.pk, first.pk, second.pk, third.pk, first.pk]


def test_the_intake_benchmark_refuses_a_channel_it_does_not_know():
    with pytest.raises(CommandError, match="bulk-sent"):
        call_command("kopir_bench", intake=6, intake_only="bulk,bulk-sent", verbosity=0)

    assert not BulkUpload.objects.exists()


def test_the_intake_benchmark_refuses_whole_files_longer_than_a_part():
    # 2 workers × 2,001 rows: each file would be split into parts and counted as failed rows.
    with pytest.raises(CommandError, match="bulk-parts"):
        call_command("kopir_bench", intake=4002, intake_only="bulk-draft", verbosity=0)

    assert not BulkUpload.objects.exists()
