from __future__ import annotations

import datetime as dt
import threading
import time
import zoneinfo

import pytest
from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kopir.core.models import PeriodicJob
from kopir.core.periodic import enqueue_due_jobs
from kopir.core.registry import DailyAt, Every, PeriodicTask, Registry, registry

ORAL = zoneinfo.ZoneInfo("Asia/Oral")
UTC = dt.UTC


def oral(
    year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0
) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=ORAL)


@pytest.fixture
def only_job(monkeypatch: pytest.MonkeyPatch):
    """Let the scheduler see just one job, so a test counts the runs of that job alone."""

    def install(job: PeriodicTask) -> PeriodicTask:
        test_registry = Registry()
        test_registry.add_jobs(job)
        monkeypatch.setattr("kopir.core.periodic.registry", test_registry)
        return job

    return install


def test_a_daily_job_is_due_at_its_local_time_not_at_the_utc_one():
    # 06:00 in Oral is 01:00 UTC: a schedule read in UTC would run five hours late.
    schedule = DailyAt(dt.time(6, 0))
    assert schedule.latest_slot(dt.datetime(2026, 11, 20, 1, 0, tzinfo=UTC)) == oral(
        2026, 11, 20, 6, 0
    )
    assert schedule.latest_slot(dt.datetime(2026, 11, 20, 0, 59, tzinfo=UTC)) == oral(
        2026, 11, 19, 6, 0
    )


def test_a_run_at_two_at_night_local_time_falls_on_the_previous_utc_day():
    # 02:00 on 20 November in Oral is 21:00 UTC on the 19th.
    job = PeriodicTask("kopir.core.tasks.prune_finished_task_results", DailyAt(dt.time(2, 0)))
    yesterdays_run = oral(2026, 11, 19, 2, 0)

    assert not job.is_due(yesterdays_run, dt.datetime(2026, 11, 19, 20, 59, tzinfo=UTC))
    assert job.is_due(yesterdays_run, dt.datetime(2026, 11, 19, 21, 0, tzinfo=UTC))


def test_oral_keeps_utc_plus_five_when_europe_moves_its_clocks():
    # 29 March and 25 October 2026: Europe changes time, Kazakhstan does not.
    schedule = DailyAt(dt.time(6, 0))
    for day in (dt.date(2026, 3, 28), dt.date(2026, 3, 30), dt.date(2026, 10, 26)):
        noon = dt.datetime.combine(day, dt.time(12), tzinfo=UTC)
        slot = schedule.latest_slot(noon)
        assert slot.astimezone(UTC) == dt.datetime.combine(day, dt.time(1), tzinfo=UTC)


def test_every_two_minutes_is_aligned_to_the_clock_not_to_the_workers_start():
    job = PeriodicTask("kopir.notices.tasks.deliver_due_notices", Every(dt.timedelta(minutes=2)))
    started = oral(2026, 11, 20, 9, 3, 41)  # a worker that started at an odd second

    assert job.schedule.latest_slot(started) == oral(2026, 11, 20, 9, 2)
    assert not job.is_due(started, oral(2026, 11, 20, 9, 3, 59))
    assert job.is_due(started, oral(2026, 11, 20, 9, 4))


def test_every_six_hours_runs_at_midnight_six_noon_and_eighteen_local_time():
    schedule = Every(dt.timedelta(hours=6))
    assert schedule.latest_slot(oral(2026, 11, 20, 5, 59)) == oral(2026, 11, 20, 0, 0)
    assert schedule.latest_slot(oral(2026, 11, 20, 13, 0)) == oral(2026, 11, 20, 12, 0)


def test_an_interval_that_does_not_divide_the_day_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        Every(dt.timedelta(minutes=7))


@pytest.mark.django_db
def test_a_missed_run_is_caught_up_once_on_the_next_tick(only_job):
    job = only_job(
        PeriodicTask("kopir.council.tasks.check_recommendation_deadlines", DailyAt(dt.time(6)))
    )
    PeriodicJob.objects.create(name=job.task_path, last_enqueued_at=oral(2026, 11, 18, 6, 0))

    # No worker ran on the morning of the 19th; it comes back at 14:00.
    assert enqueue_due_jobs(oral(2026, 11, 19, 14, 0)) == [job.task_path]
    assert enqueue_due_jobs(oral(2026, 11, 19, 14, 1)) == []
    assert enqueue_due_jobs(oral(2026, 11, 20, 5, 59)) == []
    assert enqueue_due_jobs(oral(2026, 11, 20, 6, 0)) == [job.task_path]
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_every_registered_job_is_enqueued_once_then_not_again_in_the_same_slot():
    now = oral(2026, 11, 20, 9, 0, 30)
    first = enqueue_due_jobs(now)
    assert sorted(first) == sorted(job.task_path for job in registry.periodic_tasks())
    assert DBTaskResult.objects.count() == len(first)

    assert enqueue_due_jobs(now + dt.timedelta(seconds=30)) == []
    assert sorted(enqueue_due_jobs(oral(2026, 11, 20, 9, 2))) == [
        "kopir.exchange.tasks.deliver_due_webhooks",
        "kopir.notices.tasks.deliver_due_notices",
    ]


@pytest.mark.usefixtures("committing_db")
def test_two_workers_ticking_at_once_enqueue_a_due_run_exactly_once(only_job):
    job = only_job(
        PeriodicTask("kopir.core.tasks.clear_expired_sessions", Every(dt.timedelta(hours=1)))
    )
    now = timezone.now()
    start = threading.Barrier(2)
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def worker() -> None:
        # Like run_scheduler, a worker that finds the database locked tries again at its next
        # tick. (SQLite's shared in-memory test database reports a lock at once instead of
        # waiting; PostgreSQL waits on the row lock.)
        try:
            start.wait()
            for _ in range(200):
                try:
                    results.append(enqueue_due_jobs(now))
                    return
                except OperationalError:
                    time.sleep(0.01)
        except BaseException as error:  # reported below, so a failure is not lost in the thread
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(results) == [[], [job.task_path]]
    assert DBTaskResult.objects.count() == 1


def test_housekeeping_tasks_remove_only_what_has_expired(db):
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
