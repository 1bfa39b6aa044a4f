"""The worker's scheduler: the loop that enqueues the apps' periodic jobs when they are due.

The jobs are the apps' (`registry.jobs`, registered in each app's `AppConfig.ready()`), each with a
schedule on the local clock of Asia/Oral (see `core/registry.py`).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from kopir.core.models import PeriodicJob
from kopir.core.registry import registry

logger = logging.getLogger(__name__)


def enqueue_due_jobs(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic job whose current slot has not been enqueued; return their names.

    Each job's row is locked while it is checked and stamped, and the task is enqueued in the same
    transaction, so concurrent workers enqueue a due job exactly once.
    """
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in registry.periodic_tasks():
        with transaction.atomic():
            row, _ = PeriodicJob.objects.get_or_create(name=job.task_path)
            row = PeriodicJob.objects.select_for_update().get(pk=row.pk)
            if not job.is_due(row.last_enqueued_at, now):
                continue
            import_string(job.task_path).enqueue()
            row.last_enqueued_at = now
            row.save(update_fields=["last_enqueued_at"])
            enqueued.append(job.task_path)
    return enqueued


def run_scheduler(stop: threading.Event, tick_seconds: float = 30.0, worker_id: str = "") -> None:
    """Check for due jobs every tick until `stop` is set. Runs in a thread of the worker, whose
    heartbeat it also stamps, putting back on the queue any task a dead worker left running."""
    from kopir.core.worker_recovery import requeue_orphaned_tasks, worker_heartbeat

    while not stop.is_set():
        try:
            if worker_id:
                worker_heartbeat(worker_id)
                requeue_orphaned_tasks()
            names = enqueue_due_jobs()
            if names:
                logger.info("enqueued periodic jobs: %s", ", ".join(names))
        except Exception:  # the loop must survive a locked database or a bad job
            logger.exception("periodic scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(tick_seconds)
