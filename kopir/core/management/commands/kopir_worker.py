"""The background worker: django-tasks-db's db_worker plus Kopir's periodic-job scheduler."""

from __future__ import annotations

import threading
import uuid
from argparse import ArgumentParser
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from kopir.core.periodic import run_scheduler
from kopir.core.worker_recovery import requeue_orphaned_tasks, worker_heartbeat


class Command(BaseCommand):
    help = "Run background tasks and enqueue periodic jobs when they are due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--tick", type=float, default=30.0, help="Seconds between checks.")

    def handle(self, *args: Any, tick: float, **options: Any) -> None:
        # One id per worker process: the heartbeat and the tasks it claims carry it, so a task
        # left running by a worker that died can be told from one a live worker is running.
        worker_id = f"kopir-{uuid.uuid4().hex[:16]}"
        worker_heartbeat(worker_id)
        requeue_orphaned_tasks()
        stop = threading.Event()
        scheduler = threading.Thread(
            target=run_scheduler,
            args=(stop, tick, worker_id),
            name="kopir-scheduler",
            daemon=True,
        )
        scheduler.start()
        try:
            call_command(
                "db_worker",
                "--no-reload",
                "--interval",
                "1",
                "--queue-name",
                "*",
                "--worker-id",
                worker_id,
            )
        finally:
            stop.set()
