from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kopir.core.periodic import PERIODIC_JOBS, enqueue_due_jobs

pytestmark = pytest.mark.django_db


def test_every_job_is_enqueued_once_then_not_again_until_its_interval_passes():
    now = timezone.now()
    first = enqueue_due_jobs(now)
    assert sorted(first) == sorted(job.task_path for job in PERIODIC_JOBS)
    assert DBTaskResult.objects.count() == len(PERIODIC_JOBS)

    assert enqueue_due_jobs(now + dt.timedelta(minutes=1)) == []

    later = enqueue_due_jobs(now + dt.timedelta(hours=1, seconds=1))
    assert "kopir.core.tasks.clear_expired_sessions" in later
    assert set(later) == {
        job.task_path for job in PERIODIC_JOBS if job.every <= dt.timedelta(hours=1)
    }


def test_housekeeping_tasks_remove_only_what_has_expired():
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from kopir.core.tasks import clear_expired_sessions

    alive = SessionStore()
    alive.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - dt.timedelta(minutes=1)
    )

    assert clear_expired_sessions.call() == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [alive.session_key]
