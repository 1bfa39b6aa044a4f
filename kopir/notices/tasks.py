"""Background delivery of notices.

Tasks take a notice's id, never its address or text: the task queue is stored in the database and
must not become another copy of personal data.
"""

from __future__ import annotations

import logging

from django_tasks import task

from kopir.notices.services import due_notice_ids, notice_deliver

logger = logging.getLogger(__name__)


@task()
def deliver_notice(notice_id: int) -> str:
    """One delivery attempt for one notice (a failed attempt is retried by the sweep)."""
    return notice_deliver(notice_id=notice_id)


@task()
def deliver_due_notices() -> int:
    """The sweep: retry what failed once its pause has passed, and anything never enqueued.

    Runs periodically (kopir.core.periodic). Delivers in this task rather than enqueuing one task
    per notice, so a backlog is worked through by the same worker without flooding the queue.
    """
    attempted = 0
    for notice_id in due_notice_ids():
        notice_deliver(notice_id=notice_id)
        attempted += 1
    if attempted:
        logger.info("delivery sweep attempted %d notices", attempted)
    return attempted
