"""Faults injected where a write can fail: nothing half-done is ever left behind.

Every registered workflow, every allowed move, with the database failing at each of the move's
writes (the status UPDATE, the timeline event, the audit record): the move raises and nothing of
it is stored, neither the status nor the version, the event nor the audit record. The fault is
injected in the database layer (`connection.execute_wrapper`), where a full disk, a lost
connection or a refused constraint would come from, not in the engine's own code.

And a worker killed in the middle of a task: what django-tasks-db's worker does with a task left
RUNNING by a worker that is gone.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditEvent
from kopir.core.transitions import Workflow
from kopir.core.worker_recovery import STALE_AFTER, requeue_orphaned_tasks, worker_heartbeat
from tests.test_transition_tables import BUILDERS, WORKFLOWS, _context, _snapshot, ordered_edges

pytestmark = pytest.mark.django_db


@contextmanager
def failing(statement: str, table: str) -> Iterator[list[str]]:
    """Make the database refuse every `statement` ("INSERT INTO", "UPDATE") on `table`."""
    refused: list[str] = []

    def refuse(execute: Callable[..., Any], sql: str, *args: Any) -> Any:
        if sql.lstrip().upper().startswith(statement) and f'"{table}"' in sql.split("(")[0]:
            refused.append(sql)
            raise DatabaseError(f"injected fault: {statement} {table}")
        return execute(sql, *args)

    with connection.execute_wrapper(refuse):
        yield refused


def _steps(workflow: Workflow) -> list[tuple[str, str]]:
    steps = [("UPDATE", workflow.model._meta.db_table)]
    if workflow.event_model is not None:
        steps.append(("INSERT INTO", workflow.event_model._meta.db_table))
    steps.append(("INSERT INTO", AuditEvent._meta.db_table))
    return steps


def _moves_and_faults() -> list[Any]:
    return [
        pytest.param(
            name,
            edge.source,
            edge.target,
            statement,
            table,
            id=f"{name}:{edge.source}->{edge.target}:{statement.split()[0].lower()} {table}",
        )
        for name, workflow in WORKFLOWS.items()
        for edge in ordered_edges(workflow)
        for statement, table in _steps(workflow)
    ]


@pytest.mark.parametrize(("name", "source", "target", "statement", "table"), _moves_and_faults())
def test_a_move_whose_write_fails_leaves_nothing_behind(
    name: str, source: str, target: str, statement: str, table: str
) -> None:
    workflow = WORKFLOWS[name]
    record = BUILDERS[name](source)
    actor = UserFactory.create()
    context = _context(workflow, record, target)
    before = _snapshot(workflow, record)

    with failing(statement, table) as refused, pytest.raises(DatabaseError):
        workflow.transition(
            record=record,
            to=target,
            actor=actor,
            expected_version=before["version"],
            context=context,
        )

    assert refused, f"the move never wrote {statement} {table}: the fault was not injected"
    assert _snapshot(workflow, record) == before


# --- A worker killed in the middle of a task -------------------------------------------------


def _left_running_by(worker_id: str, settings: Any) -> Any:
    """A task as a worker leaves it when it claimed the task and then stopped answering."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from kopir.notices.tasks import deliver_due_notices

    result = deliver_due_notices.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(hours=1),
        worker_ids=[worker_id],
    )
    return result


def test_a_task_left_running_by_a_dead_worker_is_run_again_once(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # django-tasks-db alone never runs a RUNNING task again: it would be lost. Kopir's worker
    # puts it back on the queue once its worker has been silent too long.
    result = _left_running_by("worker-that-died", settings)
    worker_heartbeat("worker-that-died", now=timezone.now() - STALE_AFTER * 2)

    assert requeue_orphaned_tasks() == [str(result.id)]
    assert requeue_orphaned_tasks() == []  # a second worker finds nothing more to do
    # The worker recycles database connections between tasks; here that would close the test's
    # own connection (and, on PostgreSQL, its transaction) under it.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )
    call_command("db_worker", batch=True, stdout=io.StringIO(), stderr=io.StringIO())

    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL
    assert stored.worker_ids[0] == "worker-that-died"
    assert stored.worker_ids[-1] != "worker-that-died"
    assert len(stored.worker_ids) == 2  # run once more, not twice


def test_a_task_a_live_worker_is_running_is_left_alone(settings: Any) -> None:
    result = _left_running_by("busy-worker", settings)
    worker_heartbeat("busy-worker")

    assert requeue_orphaned_tasks() == []
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
