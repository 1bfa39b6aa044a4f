"""The worker's scheduler: which jobs run periodically, and the loop that enqueues them when due.

Apps add their own jobs to PERIODIC_JOBS (deadline checks, escalations, outbox delivery).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.db import close_old_connections, transaction
from django.utils import timezone

from kopir.core.models import PeriodicJob

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    task_path: str  # "app.module.task_name"
    every: dt.timedelta


PERIODIC_JOBS: list[Schedule] = [
    Schedule("kopir.core.tasks.clear_expired_sessions", dt.timedelta(hours=1)),
    Schedule("kopir.core.tasks.prune_finished_task_results", dt.timedelta(days=1)),
    Schedule("kopir.council.tasks.check_recommendation_deadlines", dt.timedelta(days=1)),
    # Notices whose delivery failed are retried once their pause has passed (see notices.services).
    Schedule("kopir.notices.tasks.deliver_due_notices", dt.timedelta(minutes=2)),
    Schedule("kopir.assessment.tasks_intake.prune_intake_records", dt.timedelta(hours=6)),
]


def _task(path: str) -> Any:
    from django.utils.module_loading import import_string

    return import_string(path)


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose interval has passed; return the names enqueued.

    Each job's row is locked while it is checked and stamped, and the task is enqueued in the same
    transaction, so concurrent workers enqueue a due job exactly once.
    """
    now = now or timezone.now()
    enqueued: list[str] = []
    for schedule in PERIODIC_JOBS:
        with transaction.atomic():
            job, _ = PeriodicJob.objects.get_or_create(name=schedule.task_path)
            job = PeriodicJob.objects.select_for_update().get(pk=job.pk)
            if job.last_enqueued_at and job.last_enqueued_at + schedule.every > now:
                continue
            _task(schedule.task_path).enqueue()
            job.last_enqueued_at = now
            job.save(update_fields=["last_enqueued_at"])
            enqueued.append(schedule.task_path)
    return enqueued


def run_scheduler(stop: threading.Event, tick_seconds: float = 30.0) -> None:
    """Check for due jobs every tick until `stop` is set. Runs in a thread of the worker."""
    while not stop.is_set():
        try:
            names = enqueue_due_jobs()
            if names:
                logger.info("enqueued periodic jobs: %s", ", ".join(names))
        except Exception:  # the loop must survive a locked database or a bad job
            logger.exception("periodic scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick_seconds)
