"""Tasks left RUNNING by a worker that died go back on the queue: none is lost, none repeated.

django-tasks-db's worker runs only READY tasks and marks a claimed one RUNNING with its worker id;
if that worker is killed (a deploy, the out-of-memory killer, a power cut) the task stays RUNNING
for ever and never runs. Each Kopir worker therefore stamps a heartbeat every scheduler tick, and
any worker puts back to READY the RUNNING tasks whose last worker has not been seen for
`STALE_AFTER`. A live worker's task is never touched, so a task is not run twice at once; a
killed task's own transaction was rolled back with it, and Kopir's tasks are idempotent, so
running it again repeats nothing that was done.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kopir.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Several scheduler ticks (30 s each): a worker busy with one long task still ticks in its
# scheduler thread, so only a dead worker stays silent this long.
STALE_AFTER = dt.timedelta(minutes=3)


def worker_heartbeat(worker_id: str, now: dt.datetime | None = None) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": now or timezone.now()}
    )


def requeue_orphaned_tasks(now: dt.datetime | None = None) -> list[str]:
    """Put back on the queue every RUNNING task whose worker is no longer alive; return their ids.

    Rows are locked while they are checked, so two workers recovering at once requeue a task once.
    """
    now = now or timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - STALE_AFTER).values_list(
            "worker_id", flat=True
        )
    )
    requeued: list[str] = []
    with transaction.atomic():
        running = DBTaskResult.objects.select_for_update().filter(status=TaskResultStatus.RUNNING)
        for result in running:
            last_worker = result.worker_ids[-1] if result.worker_ids else ""
            if last_worker in alive:
                continue
            result.status = TaskResultStatus.READY
            result.started_at = None
            result.save(update_fields=["status", "started_at"])
            requeued.append(str(result.id))
    if requeued:
        logger.warning("requeued %d task(s) left running by a worker that stopped", len(requeued))
    # Heartbeats of workers long gone are only noise.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - 10 * STALE_AFTER).delete()
    return requeued
