"""Housekeeping tasks run by the background worker."""

from __future__ import annotations

import datetime as dt
import logging

from django.contrib.sessions.models import Session
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

TASK_RESULT_RETENTION = dt.timedelta(days=14)


@task()
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    logger.info("cleared %d expired sessions", deleted)
    return deleted


@task()
def prune_finished_task_results() -> int:
    cutoff = timezone.now() - TASK_RESULT_RETENTION
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    logger.info("pruned %d finished task results", deleted)
    return deleted
