"""Measure Kopir's main paths on the generated data, each beside its floor (docs/performance.md).

    manage.py kopir_bench --repeat 30 --json var/bench.json

For every path: p50/p95/p99 server time in this process, the number of queries, and the median
time of a hand-written SQL query that returns the same rows (the floor); `healthz` is the floor of
the stack itself. Run it after `manage.py kopir_generate` on the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path as FilePath
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import Role, RoleAssignment, User
from kopir.assessment.models import ExpertAssignment, Referral
from kopir.assessment.selectors.measures import time_to_decision
from kopir.assessment.selectors.queue import OPEN_STATUSES
from kopir.bench.measure import Path, measure
from kopir.people.models import Person, PersonLink
from kopir.rehabilitation.models import Measure
from kopir.rehabilitation.models.execution import OPEN_MEASURE_STATUSES

QUEUE_COLUMNS = (
    "SELECT r.id, r.number, r.status, r.route, r.step_due_on, r.returns_count, o.name_kk, "
    "c.code, p.birth_date FROM assessment_referral r "
    "JOIN directory_organisation o ON o.id = r.medical_organisation_id "
    "JOIN assessment_icd10code c ON c.id = r.primary_diagnosis_id "
    "JOIN people_person p ON p.id = r.person_id "
)


# The surname search's page by hand: the persons whose folded name begins with the surname and
# whom the organisation is linked to, in the page's order.
SURNAME_FLOOR = (
    "SELECT p.id, p.last_name, p.first_name FROM people_person p WHERE {key} LIKE %s "
    "AND EXISTS (SELECT 1 FROM people_personlink l WHERE l.person_id = p.id "
    "AND l.organisation_id = %s) ORDER BY {key}, p.id LIMIT 26"
)


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{value}'" for value in values) + ")"


def paths() -> list[Path]:
    """The paths measured, as the busiest user of each kind sees them."""
    division = (
        Referral.objects.values("mse_division_id").annotate(n=Count("id")).order_by("-n").first()
    )
    clinic = (
        Referral.objects.values("medical_organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    expert = (
        ExpertAssignment.objects.values("expert_id").annotate(n=Count("id")).order_by("-n").first()
    )
    if not (division and clinic and expert):
        raise CommandError("No generated data here: run manage.py kopir_generate first.")
    division_id, clinic_id = division["mse_division_id"], clinic["medical_organisation_id"]
    head = _user(division_id, Role.MSE_HEAD)
    clinician = _user(clinic_id, Role.CLINICIAN)
    expert_user = User.objects.get(pk=expert["expert_id"])
    admin = _administrator()
    today = timezone.localdate()
    person = Person.objects.filter(links__organisation_id=clinic_id).order_by("id").first()
    assert person is not None
    case = Referral.objects.filter(mse_division_id=division_id).order_by("-id").first()
    assert case is not None
    open_statuses = _in(OPEN_STATUSES)
    queue = reverse("assessment:division_queue")
    return [
        *_mse_paths(locals()),
        _measure_path(),
        *_agency_paths(),
        *_oversight_paths(admin, today),
    ]


def _measure_path() -> Path:
    """The oversight measure over the whole country: no page shows it yet, so its function."""
    return Path(
        "MSE time-to-decision measure, national",
        "assessment.selectors.measures.time_to_decision",
        None,
        "SELECT first_sent_at, decided_at FROM assessment_referral "
        "WHERE first_sent_at IS NOT NULL AND decided_at IS NOT NULL",
        call=time_to_decision,
    )


def _agency_paths() -> list[Path]:
    """The executing organisation with the most open measures, as its officer sees them."""
    busiest = (
        Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES)
        .values("organisation_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        return []
    organisation_id = busiest["organisation_id"]
    officer = _user(organisation_id, Role.AGENCY_OFFICER)
    work_list = reverse("rehabilitation:agency_work_list")
    columns = (
        "SELECT m.id, m.due_on, m.status, m.overdue, m.at_risk, p.last_name, p.first_name, "
        "t.name_kk FROM rehabilitation_measure m JOIN people_person p ON p.id = m.person_id "
        "JOIN rehabilitation_measuretype t ON t.id = m.measure_type_id "
    )
    open_measures = _in(tuple(str(status) for status in OPEN_MEASURE_STATUSES))
    return [
        Path(
            "agency work list, open, page 1",
            work_list,
            officer.username,
            columns + f"WHERE m.organisation_id = %s AND m.status IN {open_measures} "
            "ORDER BY m.due_on, m.id LIMIT 26",
            [organisation_id],
        ),
        Path(
            "agency work list, overdue only",
            work_list + "?overdue=on",
            officer.username,
            columns + f"WHERE m.organisation_id = %s AND m.status IN {open_measures} "
            "AND m.overdue ORDER BY m.due_on, m.id LIMIT 26",
            [organisation_id],
        ),
        Path(
            "agency work list, any status, page 20",
            work_list + "?status=all",
            officer.username,
            deep=19,
        ),
    ]


def _oversight_paths(admin: User, today: dt.date) -> list[Path]:
    """The council's dashboards over the whole country, for this year and this quarter (an
    administrator reads them as a council member does). The floor is the one GROUP BY each
    dashboard's figures come from; the employment and council dashboards have none (theirs are
    several small reads, none of which dominates)."""
    start = dt.datetime(today.year, 1, 1, tzinfo=timezone.get_default_timezone())
    until = start.replace(year=today.year + 1)
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    mse, rehabilitation = reverse("oversight:mse"), reverse("oversight:rehabilitation")
    employment, council = reverse("oversight:employment"), reverse("oversight:council")
    referrals_by_clinic = (
        "SELECT medical_organisation_id, COUNT(*), "
        "COUNT(*) FILTER (WHERE returns_count > 0), SUM(returns_count) "
        "FROM assessment_referral WHERE route = 'in_absentia' "
        "AND first_sent_at >= %s AND first_sent_at < %s GROUP BY medical_organisation_id"
    )
    measures_by_cell = (
        "SELECT organisation_id, measure_type_id, status, COUNT(*) FROM rehabilitation_measure "
        "WHERE due_on BETWEEN %s AND %s AND status <> 'cancelled' "
        "GROUP BY organisation_id, measure_type_id, status"
    )
    year = (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    return [
        Path(
            "oversight: MSE dashboard, this year",
            f"{mse}?period={today.year}",
            admin.username,
            referrals_by_clinic,
            [start, until],
        ),
        Path("oversight: MSE dashboard, this quarter", f"{mse}?period={quarter}", admin.username),
        Path(
            "oversight: rehabilitation dashboard, this year",
            f"{rehabilitation}?period={today.year}",
            admin.username,
            measures_by_cell,
            list(year),
        ),
        Path(
            "oversight: rehabilitation dashboard, this quarter",
            f"{rehabilitation}?period={quarter}",
            admin.username,
        ),
        *(
            Path(
                f"oversight: {name} dashboard, this {length}",
                f"{url}?period={period}",
                admin.username,
            )
            for name, url in (("employment", employment), ("council", council))
            for length, period in (("year", today.year), ("quarter", quarter))
        ),
    ]


def _surname_path(name: str, user: User, organisation_id: int) -> Path:
    """The search by a surname of one of the organisation's persons (the generator's surnames are
    few, so it is a common one), beside the same page of rows by hand-written SQL."""
    person = Person.objects.filter(links__organisation_id=organisation_id).order_by("id").first()
    assert person is not None
    # The page's order: the folded name by code point ("C" on PostgreSQL; SQLite's own order).
    key = 'p.search_name COLLATE "C"' if connection.vendor == "postgresql" else "p.search_name"
    return Path(
        name,
        reverse("people:search"),
        user.username,
        SURNAME_FLOOR.format(key=key),
        [person.search_name.split(" ")[0] + "%", organisation_id],
        data={"q": person.last_name},
    )


def _mse_paths(found: dict[str, Any]) -> list[Path]:
    division_id, clinic_id, today = found["division_id"], found["clinic_id"], found["today"]
    head, clinician, expert_user = found["head"], found["clinician"], found["expert_user"]
    admin, person, case = found["admin"], found["person"], found["case"]
    open_statuses, queue = found["open_statuses"], found["queue"]
    return [
        Path("trivial view (healthz)", "/healthz", None),
        Path(
            "division queue, open, page 1",
            queue,
            head.username,
            QUEUE_COLUMNS + f"WHERE r.mse_division_id = %s AND r.status IN {open_statuses} "
            "AND r.first_sent_at IS NOT NULL ORDER BY r.step_due_on, r.id LIMIT 26",
            [division_id],
        ),
        Path(
            "division queue, overdue only",
            queue + "?overdue=on",
            head.username,
            QUEUE_COLUMNS + f"WHERE r.mse_division_id = %s AND r.status IN {open_statuses} "
            "AND r.step_due_on < %s ORDER BY r.step_due_on, r.id LIMIT 26",
            [division_id, today],
        ),
        Path(
            "division queue, all statuses, page 1",
            queue + "?status=all",
            head.username,
            QUEUE_COLUMNS + "WHERE r.mse_division_id = %s AND r.first_sent_at IS NOT NULL "
            "ORDER BY r.step_due_on, r.id LIMIT 26",
            [division_id],
        ),
        Path(
            "division queue, all statuses, page 20", queue + "?status=all", head.username, deep=19
        ),
        Path(
            "clinic list, page 1",
            reverse("assessment:clinic_list"),
            clinician.username,
            "SELECT r.id, r.number, r.status, r.created_at, p.last_name, p.first_name "
            "FROM assessment_referral r JOIN people_person p ON p.id = r.person_id "
            "WHERE r.medical_organisation_id = %s ORDER BY r.id DESC LIMIT 26",
            [clinic_id],
        ),
        Path(
            "clinic list, page 20", reverse("assessment:clinic_list"), clinician.username, deep=19
        ),
        Path(
            "expert work list",
            reverse("assessment:expert_worklist"),
            expert_user.username,
            "SELECT a.id, r.number, a.assigned_at, r.step_due_on FROM assessment_expertassignment a "
            "JOIN assessment_referral r ON r.id = a.referral_id "
            "WHERE a.expert_id = %s AND a.submitted_at IS NULL ORDER BY r.step_due_on, a.id LIMIT 50",
            [expert_user.pk],
        ),
        Path(
            "division case page",
            reverse("assessment:division_case", args=[case.pk]),
            head.username,
            QUEUE_COLUMNS + "WHERE r.id = %s",
            [case.pk],
        ),
        Path(
            "person search by IIN",
            reverse("people:search"),
            clinician.username,
            "SELECT p.id, p.last_name FROM people_person p JOIN people_personlink l "
            "ON l.person_id = p.id WHERE p.iin = %s AND l.organisation_id = %s",
            [person.iin, clinic_id],
            data={"q": person.iin},
        ),
        _surname_path("person search by surname", clinician, clinic_id),
        # An MSE division is linked to every person it examined in person or registered:
        # ~30,000 at the national scale, the largest organisation a name search runs for.
        _surname_path("person search by surname, largest organisation", head, division_id),
        Path(
            "audit search, no filter",
            reverse("audit:search"),
            admin.username,
            "SELECT * FROM audit_auditevent ORDER BY id DESC LIMIT 51",
        ),
        Path(
            "audit search, user and 3 months",
            reverse("audit:search")
            + f"?username={head.username}&date_from={today - dt.timedelta(days=91):%Y-%m-%d}",
            admin.username,
            "SELECT * FROM audit_auditevent WHERE actor_username = %s AND at >= %s "
            "ORDER BY id DESC LIMIT 51",
            [head.username, timezone.now() - dt.timedelta(days=91)],
        ),
    ]


def _time_sweep(on: dt.date | None) -> dict[str, Any]:
    """One run of the measures' deadline sweep, as the daily job runs it (on `on`: as it would
    run that day, so that a later day finds more to escalate)."""
    from kopir.rehabilitation.services.deadlines import measures_sweep_deadlines

    measures = Measure.objects.count()
    now = timezone.now()
    if on is not None:
        now = dt.datetime.combine(on, dt.time(6), tzinfo=timezone.get_default_timezone())
    started = time.perf_counter()
    run = measures_sweep_deadlines(today=timezone.localdate(now), now=now)
    return {
        "on": timezone.localdate(now).isoformat(),
        "measures": measures,
        "seconds": round(time.perf_counter() - started, 2),
        "batches": run.batches,
        "flagged": run.flagged,
        "escalated": len(run.escalated),
    }


def _user(organisation_id: int, role: str) -> User:
    user = User.objects.filter(organisation_id=organisation_id, role_assignments__role=role).first()
    if user is None:
        raise CommandError(f"no {role} in organisation {organisation_id}")
    return user


def _clinic_with_clinician() -> int:
    clinic = (
        User.objects.filter(role_assignments__role=Role.CLINICIAN, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
        .order_by("organisation_id")
        .first()
    )
    if clinic is None:
        raise CommandError("no clinician in the database: run kopir_generate first")
    return clinic


def _administrator() -> User:
    user, created = User.objects.get_or_create(username="syn-bench-administrator")
    if created:
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.ADMINISTRATOR)
    return user


# The intake benchmark's runs, in the order they run (`--intake-only`).
INTAKE_CHANNELS = ("api", "bulk", "bulk-draft", "api-batch", "bulk-parts")


class Command(BaseCommand):
    help = "Measure the main paths on generated data, each beside its SQL floor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--warm", type=int, default=3)
        parser.add_argument("--json", type=FilePath, help="write the results here as JSON")
        parser.add_argument("--only", default="", help="measure the paths whose name contains this")
        parser.add_argument(
            "--freeze-gc",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="after each path's warm-up, leave the objects alive then out of the garbage "
            "collector's runs (gc.freeze), as the web process does after warming up (decision "
            "14; on by default); --no-freeze-gc measures a process that does not",
        )
        parser.add_argument(
            "--sweep",
            action="store_true",
            help="also time the measures' deadline sweep over the whole table (it writes: the "
            "flags and escalations it finds due)",
        )
        parser.add_argument(
            "--sweep-on",
            type=dt.date.fromisoformat,
            default=None,
            metavar="YYYY-MM-DD",
            help="run the timed sweep as on that day (a later day escalates more)",
        )
        parser.add_argument(
            "--outbox",
            type=int,
            default=0,
            metavar="N",
            help="instead of the pages, publish N events for a local receiver and time their "
            "delivery by the worker's code (it writes: the events, a disabled subscription)",
        )
        parser.add_argument(
            "--outbox-workers", type=int, default=2, help="delivery worker processes (default 2)"
        )
        parser.add_argument(
            "--intake",
            type=int,
            default=0,
            metavar="N",
            help="instead of the pages, create N referrals through the JSON API, N through its "
            "batch endpoint, N from bulk files (sent, drafts, and one file in parts), and print "
            "referrals/s and queries per referral (it writes: the referrals)",
        )
        parser.add_argument(
            "--intake-clients",
            type=int,
            default=4,
            help="API client threads, one clinic's system each (default 4)",
        )
        parser.add_argument(
            "--intake-workers",
            type=int,
            default=2,
            help="worker processes receiving the bulk files and the parts of one file at once, "
            "as many as the deployment runs (default 2, one a core of a 2-core machine)",
        )
        parser.add_argument(
            "--intake-only",
            default="",
            metavar="CHANNELS",
            help="run only these intake channels, comma-separated: api, bulk, bulk-draft, "
            "api-batch, bulk-parts (default: all)",
        )

        parser.add_argument(
            "--intake-http",
            type=int,
            default=0,
            metavar="N",
            help="instead of the pages, start web processes and post N referrals to the JSON API "
            "one a request and N in batches, over HTTP from --intake-clients client processes, "
            "and print referrals/s, p50/p95, errors and CPU per referral (it writes: the "
            "referrals)",
        )
        parser.add_argument(
            "--intake-processes", type=int, default=2, help="web processes (default 2)"
        )
        parser.add_argument(
            "--intake-threads", type=int, default=8, help="threads per web process (default 8)"
        )
        parser.add_argument(
            "--intake-port", type=int, default=8600, help="the first web process's port"
        )
        parser.add_argument(
            "--intake-batch", type=int, default=100, help="referrals per batch request"
        )
        parser.add_argument(
            "--intake-batch-referrals",
            type=int,
            default=0,
            metavar="M",
            help="with --intake-http, M referrals through the batch endpoint (default N)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        results = []
        outbox: dict[str, Any] | None = None
        if options["outbox"]:
            outbox = self._outbox(options["outbox"], options["outbox_workers"])
        intake: list[dict[str, Any]] | None = None
        if options["intake"]:
            intake = self._intake(
                options["intake"],
                options["intake_clients"],
                options["intake_workers"],
                [name for name in options["intake_only"].split(",") if name],
            )
        if options["intake_http"]:
            intake = (intake or []) + self._intake_http(options)
        measure_pages = not (options["outbox"] or options["intake"] or options["intake_http"])
        # The benchmark signs in with force_login; a second factor would only add a constant.
        with translation.override("kk"), override_settings(KOPIR_REQUIRE_2FA=False):
            for path in paths() if measure_pages else []:
                if options["only"] and options["only"] not in path.name:
                    continue
                client = Client(HTTP_HOST="localhost")
                if path.username:
                    client.force_login(User.objects.get(username=path.username))
                result = measure(
                    path,
                    client,
                    repeat=options["repeat"],
                    warm=options["warm"],
                    freeze_gc=options["freeze_gc"],
                )
                summary = result.summary()
                results.append(summary)
                self.stdout.write(
                    f"{summary['name']:<42} {summary['status']:>3} {summary['queries']:>3}q "
                    f"p50 {summary['p50_ms']:>8.1f}  p95 {summary['p95_ms']:>8.1f}  "
                    f"floor {summary['floor_p50_ms']:>7.1f}  ratio {summary['ratio'] or '-'}"
                )
        sweep: dict[str, Any] | None = None
        if options["sweep"]:
            sweep = _time_sweep(options["sweep_on"])
            self.stdout.write(
                f"deadline sweep on {sweep['on']} over {sweep['measures']:,} measures: "
                f"{sweep['seconds']:.1f} s, {sweep['batches']} batches, {sweep['flagged']:,} "
                f"flags changed, {sweep['escalated']:,} escalated"
            )
        if options["json"]:
            report = {
                "when": timezone.now().isoformat(),
                "machine": {"platform": platform.platform(), "python": platform.python_version()},
                "database": connection.vendor,
                "counts": {
                    "persons": Person.objects.count(),
                    "referrals": Referral.objects.count(),
                    "person_links": PersonLink.objects.count(),
                },
                "debug": settings.DEBUG,
                "results": results,
                "sweep": sweep,
                "outbox": outbox,
                "intake": intake,
            }
            options["json"].write_text(json.dumps(report, indent=2, ensure_ascii=False))

    def _intake(
        self, count: int, clients: int, workers: int, only: list[str]
    ) -> list[dict[str, Any]]:
        from kopir.bench.intake import BATCH_SIZE, run_api, run_bulk, run_bulk_parts

        unknown = set(only) - set(INTAKE_CHANNELS)
        if unknown:
            raise CommandError(f"unknown intake channels: {', '.join(sorted(unknown))}")
        from kopir.assessment.services.bulk import PART_ROWS

        whole_files = {"bulk", "bulk-draft"} & set(only or INTAKE_CHANNELS)
        if whole_files and -(-count // workers) > PART_ROWS:
            # Each worker's file must be received whole: a longer one is split into parts,
            # which is the bulk-parts channel, and would be counted here as failed rows.
            raise CommandError(
                f"--intake {count} gives each of the {workers} workers a file of more than "
                f"{PART_ROWS} rows, which is received in parts: use --intake-only bulk-parts, "
                f"or at most {PART_ROWS * workers} referrals"
            )
        uploader = _user(_clinic_with_clinician(), Role.CLINICIAN)
        # Each run takes other persons than the others, so none measures another's links.
        planned: dict[str, Callable[[], Any]] = {
            "api": lambda: run_api(count=count, clients=clients),
            "bulk": lambda: run_bulk(count=count, workers=workers, uploader=uploader),
            "bulk-draft": lambda: run_bulk(
                count=count, workers=workers, uploader=uploader, send=False
            ),
            "api-batch": lambda: run_api(
                count=count, clients=clients, batch=BATCH_SIZE, offset=3 * count
            ),
            "bulk-parts": lambda: run_bulk_parts(
                count=count, workers=workers, uploader=uploader, offset=4 * count
            ),
        }
        # The throttle is part of what is measured: each client is a system with its own limit.
        with translation.override("kk"):
            runs = [run() for name, run in planned.items() if not only or name in only]
        for run in runs:
            self.stdout.write(
                f"intake {run.channel:<10} {run.referrals:,} referrals, {run.clients} at once: "
                f"{run.seconds:.1f} s, {run.per_second:,.1f}/s, "
                f"{run.queries_per_referral:.1f} queries and {run.cpu_ms_per_referral:.2f} ms of "
                f"CPU per referral; created {run.created:,}, failed {run.failed:,}; load "
                f"{run.load[0]:.1f}-{run.load[1]:.1f}"
            )
        return [run.summary() for run in runs]

    def _intake_http(self, options: dict[str, Any]) -> list[dict[str, Any]]:
        from kopir.bench.intake_http import run_intake_http

        runs = run_intake_http(
            count=options["intake_http"],
            clients=options["intake_clients"],
            processes=options["intake_processes"],
            port=options["intake_port"],
            threads=options["intake_threads"],
            batch=options["intake_batch"],
            batch_count=options["intake_batch_referrals"] or options["intake_http"],
        )
        summaries = [run.summary() for run in runs]
        for run in summaries:
            self.stdout.write(
                f"intake {run['channel']:<12} {run['referrals']:,} referrals from "
                f"{run['clients']} client processes to {run['web_processes']} web processes: "
                f"{run['seconds']:.1f} s, {run['referrals_per_second']:,.1f}/s; per request p50 "
                f"{run['p50_ms']:.0f} ms, p95 {run['p95_ms']:.0f} ms; errors {run['errors']}; "
                f"CPU per referral: web {run['cpu_ms_per_referral_web']:.1f} ms, database "
                f"{run['cpu_ms_per_referral_database']:.1f} ms, clients "
                f"{run['cpu_ms_per_referral_clients']:.1f} ms; load "
                f"{run['load_before']:.1f}-{run['load_after']:.1f}"
            )
        if any(run["errors"] for run in summaries):
            raise CommandError("the API answered errors: see the statuses in the JSON")
        return summaries

    def _outbox(self, count: int, workers: int) -> dict[str, Any]:
        from kopir.bench.outbox import run_outbox

        run = run_outbox(count=count, workers=workers, actor=_administrator())
        self.stdout.write(
            f"outbox: {run.events:,} events published in {run.publish_seconds:.1f} s, delivered "
            f"by {run.workers} worker(s) in {run.deliver_seconds:.1f} s: {run.per_second:,.0f}/s; "
            f"received {run.received:,}, duplicates {run.duplicates}, unexpected "
            f"{run.unexpected}, bad signatures {run.bad_signatures}, delivered after one attempt "
            f"{run.delivered_once:,}"
        )
        if not run.exactly_once:
            raise CommandError("the receiver did not get every event exactly once, signed")
        return run.summary()
