"""Background delivery of webhooks. Tasks carry no payload: the outbox is the one copy."""

from __future__ import annotations

import logging

from django_tasks import task

from kopir.exchange.delivery import deliver_due

logger = logging.getLogger(__name__)


@task()
def deliver_due_webhooks() -> int:
    """Deliver what is due: enqueued after each publish commits, and run periodically to retry
    failed deliveries once their backoff has passed and catch up anything never enqueued."""
    attempted = deliver_due()
    if attempted:
        logger.info("webhook delivery attempted %d deliveries", attempted)
    return attempted
