"""Background tasks of rehabilitation.

Tasks take record ids, never names or addresses, and log ids and counts only: the task queue is
stored in the database and must not become another copy of personal data.
"""

from __future__ import annotations

import logging

from django_tasks import task

from kopir.rehabilitation.services.deadlines import measures_sweep_deadlines

logger = logging.getLogger(__name__)


@task()
def sweep_measure_deadlines() -> str:
    """Set the at-risk and overdue flags of the measures and escalate the overdue ones."""
    run = measures_sweep_deadlines()
    logger.info("measure deadlines: %s", run)
    return str(run)
