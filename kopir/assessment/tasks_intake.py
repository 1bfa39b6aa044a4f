"""Background tasks of the intake channels and the citizen status page.

Tasks take record ids only: the task queue is stored in the database and must not become another
copy of personal data.
"""

from __future__ import annotations

import logging

from django_tasks import task

from kopir.assessment.services.bulk import bulk_upload_process, bulk_upload_process_part
from kopir.assessment.services.citizen import citizen_records_prune
from kopir.assessment.services.idempotency import idempotency_prune

logger = logging.getLogger(__name__)


@task()
def process_bulk_upload(upload_id: int) -> str:
    return bulk_upload_process(upload_id=upload_id)


@task()
def process_bulk_upload_part(upload_id: int, index: int) -> str:
    return bulk_upload_process_part(upload_id=upload_id, index=index)


@task()
def prune_intake_records() -> int:
    """Delete what is kept only for a while: used or expired status codes, the status page's
    request log once its rate-limit windows have passed, and old idempotency records."""
    deleted = citizen_records_prune() + idempotency_prune()
    logger.info("pruned %d intake records", deleted)
    return deleted
