"""Fill the database with a synthetic national dataset (docs/performance.md).

    manage.py kopir_generate --persons 750000 --years 4 --seed 1

Deterministic for a seed and scale; resumable: a re-run skips the regions already written.
Never run it on a production database: it refuses unless KOPIR_DEMO is on or --yes is given.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from kopir.assessment.models import Icd10Code
from kopir.bench.synthetic import cases, rehabilitation, world


class Command(BaseCommand):
    help = "Generate a deterministic synthetic national dataset for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--persons",
            type=int,
            default=10_000,
            help="persons with disabilities (national: 750000)",
        )
        parser.add_argument("--years", type=int, default=3, help="years of history")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--yes", action="store_true", help="confirm: this database is for benchmarks"
        )
        parser.add_argument(
            "--no-rehabilitation", action="store_true", help="skip IRPs and measures"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if os.environ.get("KOPIR_DEMO") != "on" and not options["yes"]:
            raise CommandError("This writes synthetic persons: pass --yes on a benchmark database.")
        persons, years, seed = options["persons"], options["years"], options["seed"]
        if persons < len(world.REGIONS):
            raise CommandError(f"--persons must be at least {len(world.REGIONS)} (one per region).")
        today = timezone.localdate()
        started = time.monotonic()
        if not Icd10Code.objects.exists():
            call_command("load_icd10", verbosity=0)
        if not world.country_written():
            with transaction.atomic():
                world.write_country(persons=persons, seed=seed)
            self._say(f"country: {len(world.REGIONS)} regions written")
        country = world.read_world()
        writer = cases.CaseWriter(world=country, seed=seed, years=years, today=today)
        per_region = _shares(persons, len(country.regions))
        counts = dict(zip(country.regions, per_region, strict=True))
        total = self._write_regions(
            "cases",
            country.regions,
            written=lambda region: cases.region_written(country, region),
            write=lambda region: writer.write_region(region, counts[region]),
        )
        if not options["no_rehabilitation"]:
            total += self._write_regions(
                "rehabilitation",
                country.regions,
                written=rehabilitation.rehabilitation_written,
                write=lambda region: rehabilitation.write_region_programmes(
                    world=country, region=region, seed=seed, today=today
                ),
            )
        self._analyze()
        # A bulk change: the dashboards' precomputed figures follow it now, not at the next hour.
        call_command("oversight_refresh", stdout=self.stdout, verbosity=options["verbosity"])
        took = time.monotonic() - started
        self._say(f"done: {total:,} rows in {took:,.0f} s ({total / max(took, 1e-6):,.0f} rows/s)")

    def _write_regions(
        self,
        part: str,
        regions: Sequence[int],
        *,
        written: Callable[[int], bool],
        write: Callable[[int], dict[str, int]],
    ) -> int:
        """Write `part` for each region not written yet (a re-run resumes), telling the progress;
        the rows written."""
        total = 0
        for n, region in enumerate(regions, start=1):
            if written(region):
                self._progress(n, len(regions), part, "already written")
                continue
            tick = time.monotonic()
            rows = sum(write(region).values())
            total += rows
            rate = rows / max(time.monotonic() - tick, 1e-6)
            self._progress(n, len(regions), part, f"{rows:,} rows, {rate:,.0f} rows/s")
        return total

    def _analyze(self) -> None:
        """Give PostgreSQL's planner the statistics of the rows just written, and the visibility
        map, as autovacuum would on a production server. Without statistics (a server with
        autovacuum off, or a bench run before autovacuum's turn) it guesses every range and join,
        and the benchmark measures plans no production database would choose: the surname search
        measured 1.8 s on a never-analysed national registry, 0.09 s after. Without the
        visibility map no index-only scan skips the table: a very large organisation's capped
        count of a surname read 28,000 access links from the heap, 22 ms, against 2 ms from the
        indexes after VACUUM (docs/performance.md). VACUUM cannot run inside a transaction (the
        query-plan test generates inside one): ANALYZE alone there."""
        if connection.vendor != "postgresql":
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(command)
        self._say(f"statistics: {command} done")

    def _progress(self, n: int, of: int, part: str, note: str) -> None:
        bar = "#" * (20 * n // of)
        self._say(f"[{bar:<20}] {part} {n}/{of}: {note}")

    def _say(self, text: str) -> None:
        self.stdout.write(text)
        sys.stdout.flush()


def _shares(total: int, parts: int) -> list[int]:
    """`total` split into `parts` by a fixed, uneven pattern (regions differ in size)."""
    weights = [3 + (i * 7) % 5 for i in range(parts)]
    shares = [total * w // sum(weights) for w in weights]
    shares[0] += total - sum(shares)
    return shares
