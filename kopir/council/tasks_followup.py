"""Background tasks of the council's follow-up: the daily deadline check for recommendations."""

from __future__ import annotations

import logging

from django_tasks import task

from kopir.council.services.recommendation_alerts import recommendations_check_deadlines

logger = logging.getLogger(__name__)


@task()
def check_recommendation_deadlines() -> str:
    """Remind addressees before an answer is due and escalate once it is overdue (each once)."""
    run = recommendations_check_deadlines()
    # Numbers of recommendations are not personal data; they let an operator trace a message.
    logger.info("recommendation deadlines: %s", run)
    return str(run)
