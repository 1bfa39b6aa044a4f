"""The intake benchmark (`manage.py kopir_bench --intake N`, docs/performance.md "Intake").

Two measurements on the generated data, both through Kopir's own code:

* the JSON API: N referrals posted by K client threads, each thread a medical information system
  of its own clinic with its own token, through Django's test client (the view, the throttle,
  idempotency, the intake service: everything but the socket);
* the batch endpoint: the same N referrals posted by the K systems in batches of
  `BATCH_SIZE` (`POST /api/referrals/batch`);
* a bulk file of N rows of the same referrals, split into W files processed by W worker
  processes at once with the worker's own code (`bulk_upload_process`), once sent and once as
  drafts;
* one bulk file of N rows received in W parts (`bulk_upload_process_part`) by W worker processes
  at once, as W background workers (`manage.py kopir_worker`, one task at a time each) receive a
  long file.

The bulk runs fork a process per file or part on PostgreSQL, as a deployment runs one worker
process per core; on SQLite (one shared in-memory test database) they run in threads.

Every referral asks to be sent, so the completeness check runs for each. It reports referrals per
second, the queries per referral (every statement the thread's connection ran, savepoints
included), the process's CPU time per referral (every thread's, the benchmark's own work and
Django's test client included, PostgreSQL's not: less sensitive to a busy machine than the rate)
and the load average before and after each run. When the database has fewer persons than the
runs need, the persons are taken again from the first (a person may have several referrals). It writes: the referrals, their persons' links, the tokens of the benchmark's systems.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import multiprocessing
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from kopir.accounts.models import User
from kopir.assessment.demo.bulk_upload import identity_columns
from kopir.assessment.models import BulkUpload, ExternalSystem, Referral
from kopir.assessment.services import bulk
from kopir.assessment.services.bulk import (
    bulk_upload_create,
    bulk_upload_process,
    bulk_upload_process_part,
)
from kopir.assessment.services.bulk_format import COLUMN_NAMES
from kopir.assessment.services.external_systems import external_system_issue_token
from kopir.directory.models import Organisation, OrganisationKind
from kopir.people.models import Person

API_URL = "/api/referrals"
BATCH_URL = "/api/referrals/batch"
# Referrals per batch request in the benchmark: what a clinic's system might send every minute.
BATCH_SIZE = 100


@dataclass(frozen=True)
class Rate:
    """One intake measurement: how many referrals, in how long, at what cost in statements."""

    channel: str
    referrals: int
    clients: int
    # The run's wall time, the process's CPU seconds (every thread) and the load around it.
    clock: Clock
    queries: int
    created: int
    sent: int
    failed: int

    @property
    def seconds(self) -> float:
        return self.clock.seconds

    @property
    def cpu_seconds(self) -> float:
        return self.clock.cpu_seconds

    @property
    def load(self) -> tuple[float, float]:
        return self.clock.load

    @property
    def cpu_ms_per_referral(self) -> float:
        return 1000 * self.cpu_seconds / self.referrals if self.referrals else 0.0

    @property
    def per_second(self) -> float:
        return self.referrals / self.seconds if self.seconds else 0.0

    @property
    def queries_per_referral(self) -> float:
        return self.queries / self.referrals if self.referrals else 0.0

    def summary(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "referrals": self.referrals,
            "clients": self.clients,
            "seconds": round(self.seconds, 2),
            "referrals_per_second": round(self.per_second, 1),
            "queries_per_referral": round(self.queries_per_referral, 1),
            "cpu_ms_per_referral": round(self.cpu_ms_per_referral, 2),
            "load_before": self.load[0],
            "load_after": self.load[1],
            "created": self.created,
            "sent": self.sent,
            "failed": self.failed,
        }


@contextmanager
def _counting(counts: list[int]) -> Iterator[None]:
    """Count the statements this thread's connection runs (cheaper than keeping their text)."""

    def count(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        counts[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield


@dataclass
class Clock:
    """Wall and CPU time (this process, every thread) and the load average around a run."""

    seconds: float = 0.0
    cpu_seconds: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)


@contextmanager
def _clocked(clock: Clock) -> Iterator[None]:
    load = os.getloadavg()[0]
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        clock.seconds = time.perf_counter() - started
        clock.cpu_seconds = time.process_time() - cpu
        clock.load = (round(load, 2), round(os.getloadavg()[0], 2))


def _in_threads(work: list[Callable[[], None]]) -> Clock:
    """Run each callable in a thread of its own, all at once; the time until the last ends."""
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as error:  # reported after the join
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in work]
    clock = Clock()
    with _clocked(clock):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return clock


def _in_processes(work: list[Callable[[], int]]) -> tuple[Clock, int]:
    """Run each callable in a worker process of its own (forked), all at once; the time until
    the last ends, the CPU of them all, and the sum of what they return (their statements).

    On SQLite, whose test database lives in this process, in threads instead."""
    if connection.vendor != "postgresql":
        counted = [0]
        lock = threading.Lock()

        def counting(job: Callable[[], int]) -> Callable[[], None]:
            def run() -> None:
                number = job()
                with lock:
                    counted[0] += number

            return run

        return _in_threads([counting(job) for job in work]), counted[0]
    context = multiprocessing.get_context("fork")
    results: Any = context.SimpleQueue()

    def run(job: Callable[[], int]) -> None:
        cpu = time.process_time()
        try:
            number, error = job(), ""
        except BaseException as failure:  # reported by the parent
            number, error = 0, repr(failure)
        finally:
            connections.close_all()
        results.put((number, time.process_time() - cpu, error))

    # A forked child must not share the parent's connection: each opens its own.
    connections.close_all()
    processes = [context.Process(target=run, args=(job,)) for job in work]
    clock = Clock()
    statements, cpu_seconds, errors = 0, 0.0, []
    with _clocked(clock):
        for process in processes:
            process.start()
        for _process in processes:
            number, cpu, error = results.get()
            statements += number
            cpu_seconds += cpu
            if error:
                errors.append(error)
        for process in processes:
            process.join()
    clock.cpu_seconds += cpu_seconds
    if errors:
        raise RuntimeError(f"a worker process failed: {errors[0]}")
    return clock, statements


def _persons(count: int, offset: int = 0) -> list[Person]:
    """`count` persons whose territory is known from the `offset`-th on, the same ones on every
    run of one dataset; taken again from the first when the database has fewer."""
    persons = list(
        Person.objects.select_related("territory")
        .filter(territory__isnull=False)
        .order_by("id")[: offset + count]
    )
    if not persons:
        raise RuntimeError("the database has no persons: generate some")
    return [persons[(offset + index) % len(persons)] for index in range(count)]


def _clinics(count: int) -> list[Organisation]:
    clinics = list(
        Organisation.objects.filter(kind=OrganisationKind.MEDICAL, is_active=True).order_by("id")[
            :count
        ]
    )
    if len(clinics) < count:
        raise RuntimeError(f"the database has {len(clinics)} clinics, not {count}")
    return clinics


def _content(tested: str, commission: str) -> dict[str, Any]:
    return {
        "purpose": "primary",
        "route": "in_absentia",
        "primary_code": "H54.0",
        "commission_protocol_number": "ВКК-204",
        "commission_date": commission,
        "commission_conclusion": "Referred for MSE after the commission's review.",
        "tested": tested,
    }


def _body(person: Person, tested: str, commission: str) -> dict[str, Any]:
    content = _content(tested, commission)
    del content["tested"]
    return {
        **content,
        "external_id": f"BENCH-{uuid.uuid4().hex[:16]}",
        "person": identity_columns(person),
        "findings": [
            {"kind": kind, "side": side, "value": value, "measured_on": tested}
            for kind, value in (("visual_acuity", "0.03"), ("visual_field", "8"))
            for side in ("right", "left")
        ],
        "limitations": [{"category": "orientation", "degree": 2}],
        "send": True,
    }


def _row(person: Person, tested: str, commission: str) -> dict[str, str]:
    content = _content(tested, commission)
    del content["tested"]
    findings = ";".join(
        f"{kind}:{side}:{value}:{tested}"
        for kind, value in (("visual_acuity", "0.03"), ("visual_field", "8"))
        for side in ("right", "left")
    )
    return {
        **content,
        "external_id": f"BENCH-{uuid.uuid4().hex[:16]}",
        **identity_columns(person),
        "findings": findings,
        "limitations": "orientation:2",
    }


def _dates() -> tuple[str, str]:
    today = timezone.localdate()
    return (
        (today - dt.timedelta(days=12)).isoformat(),
        (today - dt.timedelta(days=4)).isoformat(),
    )


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    return [items[index::parts] for index in range(parts)]


def system_tokens(clients: int) -> list[str]:
    """A token for each of `clients` medical information systems, one clinic's each; a rerun
    gives the benchmark's systems new tokens."""
    return [
        external_system_issue_token(
            name=f"bench-intake-{clinic.pk}",
            organisation=clinic,
            rotate=ExternalSystem.objects.filter(name=f"bench-intake-{clinic.pk}").exists(),
        )[1]
        for clinic in _clinics(clients)
    ]


def request_bodies(persons: list[Person], batch: int = 0) -> list[str]:
    """The JSON bodies that post `persons`' referrals: one a body, or `batch` a body for the
    batch endpoint."""
    tested, commission = _dates()
    if not batch:
        return [json.dumps(_body(person, tested, commission)) for person in persons]
    return [
        json.dumps(
            {
                "referrals": [
                    _body(person, tested, commission) for person in persons[start : start + batch]
                ]
            }
        )
        for start in range(0, len(persons), batch)
    ]


def run_api(*, count: int, clients: int, batch: int = 0, offset: int = 0) -> Rate:
    """Post `count` referrals from `clients` threads, one clinic's system each: one a request,
    or `batch` a request to the batch endpoint. The persons are the `count` after `offset`."""
    persons = _persons(count, offset)
    tokens = system_tokens(clients)
    referrals_before = Referral.objects.count()
    queries = [0]
    lock = threading.Lock()
    outcomes: dict[int, int] = {}

    def client_job(token: str, share: list[Person]) -> Callable[[], None]:
        bodies = request_bodies(share, batch)
        url = BATCH_URL if batch else API_URL

        def job() -> None:
            client = Client(HTTP_HOST="localhost")
            counts = [0]
            statuses: dict[int, int] = {}
            with _counting(counts):
                for body in bodies:
                    response = client.post(
                        url,
                        data=body,
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}",
                        HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                    )
                    answers = (
                        [item["status"] for item in response.json()["results"]]
                        if batch and response.status_code == 200
                        else [response.status_code]
                    )
                    for status in answers:
                        statuses[status] = statuses.get(status, 0) + 1
            with lock:
                queries[0] += counts[0]
                for status, number in statuses.items():
                    outcomes[status] = outcomes.get(status, 0) + number

        return job

    shares = _split(persons, clients)
    clock = _in_threads(
        [client_job(token, share) for token, share in zip(tokens, shares, strict=True)]
    )
    created = Referral.objects.count() - referrals_before
    return Rate(
        channel=f"api-batch{batch}" if batch else "api",
        referrals=count,
        clients=clients,
        clock=clock,
        queries=queries[0],
        created=created,
        sent=0,
        failed=count - outcomes.get(201, 0),
    )


def _csv(rows: list[dict[str, str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMN_NAMES), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(
        "bench.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv"
    )


def run_bulk(*, count: int, workers: int, uploader: User, send: bool = True) -> Rate:
    """Process `count` rows as `workers` files of one clinic, each by a worker process of its own;
    the rows ask to be sent, or (`send=False`) are kept as drafts."""
    tested, commission = _dates()
    # Other persons than the API's run and than each other, so no run measures another's links.
    persons = _persons(count, count if send else 2 * count)
    uploads = [
        bulk_upload_create(
            actor=uploader,
            uploaded_file=_csv([_row(person, tested, commission) for person in share]),
            send=send,
        )
        for share in _split(persons, workers)
    ]

    def worker_job(upload_id: int) -> Callable[[], int]:
        def job() -> int:
            counts = [0]
            with _counting(counts):
                bulk_upload_process(upload_id=upload_id)
            return counts[0]

        return job

    clock, queries = _in_processes([worker_job(upload.pk) for upload in uploads])
    done = BulkUpload.objects.filter(pk__in=[upload.pk for upload in uploads])
    created = sum(done.values_list("rows_created", flat=True))
    sent = sum(done.values_list("rows_sent", flat=True))
    return Rate(
        channel="bulk" if send else "bulk-draft",
        referrals=count,
        clients=workers,
        clock=clock,
        queries=queries,
        created=created,
        sent=sent,
        failed=count - created,
    )


def run_bulk_parts(*, count: int, workers: int, uploader: User, offset: int) -> Rate:
    """Receive one file of `count` rows that ask to be sent in `workers` parts, each by a
    worker process of its own, as `workers` background workers receive a long file: the time
    runs from the file's first task (which plans the parts) to the end of the last part."""
    tested, commission = _dates()
    persons = _persons(count, offset)
    upload = bulk_upload_create(
        actor=uploader,
        uploaded_file=_csv([_row(person, tested, commission) for person in persons]),
        send=True,
    )
    queries = [0]
    part_rows = bulk.PART_ROWS
    bulk.PART_ROWS = -(-count // workers)  # one part a worker
    try:
        clock = Clock()
        counts = [0]
        with _clocked(clock), _counting(counts):
            bulk_upload_process(upload_id=upload.pk)
        queries[0] += counts[0]
        parts = len(BulkUpload.objects.get(pk=upload.pk).parts)

        def part_job(index: int) -> Callable[[], int]:
            def job() -> int:
                counted = [0]
                with _counting(counted):
                    bulk_upload_process_part(upload_id=upload.pk, index=index)
                return counted[0]

            return job

        first = clock
        clock, statements = _in_processes([part_job(index) for index in range(parts)])
        queries[0] += statements
        clock.seconds += first.seconds
        clock.cpu_seconds += first.cpu_seconds
        clock.load = (first.load[0], clock.load[1])
    finally:
        bulk.PART_ROWS = part_rows
    done = BulkUpload.objects.get(pk=upload.pk)
    return Rate(
        channel="bulk-parts",
        referrals=count,
        clients=workers,
        clock=clock,
        queries=queries[0],
        created=done.rows_created,
        sent=done.rows_sent,
        failed=count - done.rows_created,
    )
