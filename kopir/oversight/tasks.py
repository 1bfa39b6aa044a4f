"""Background tasks of oversight: recompute the dashboards' precomputed store."""

from __future__ import annotations

import logging

from django_tasks import task

from kopir.oversight.precomputed import refresh

logger = logging.getLogger(__name__)


@task()
def refresh_dashboards() -> str:
    """Recompute every dashboard's store (`precomputed.py`), each in its own transaction."""
    runs = "; ".join(str(run) for run in refresh())
    logger.info("dashboards recomputed: %s", runs)
    return runs
