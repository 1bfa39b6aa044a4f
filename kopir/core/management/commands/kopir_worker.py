"""The background worker: django-tasks-db's db_worker plus Kopir's periodic-job scheduler."""

from __future__ import annotations

import threading
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kopir.core.periodic import run_scheduler


class Command(BaseCommand):
    help = "Run background tasks and enqueue periodic jobs when they are due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args: Any, tick: float, **options: Any) -> None:
        stop = threading.Event()
        scheduler = threading.Thread(
            target=run_scheduler, args=(stop, tick), name="kopir-scheduler", daemon=True
        )
        scheduler.start()
        try:
            call_command("db_worker", "--no-reload", "--interval", "1", "--queue-name", "*")
        finally:
            stop.set()
