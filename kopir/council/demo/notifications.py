"""Demo notifications: the answers the demo's agencies still owe, as the daily job tells them.

The demo's dates lie in the past, so the job itself would find no answer due in three working
days; each awaited answer is told once here as the job told it on its day (the same `once_key`,
so loading the demo again adds nothing). The other events (a petition, votes, recommendations,
a rejected answer, minutes to sign) were notified by the services as the demo was loaded.
"""

from __future__ import annotations

from django.db import transaction

from kopir.council.models import Recommendation
from kopir.council.services.recommendation_alerts import AWAITING_ANSWER
from kopir.council.services.staff_alerts import recommendation_due_notify


def load() -> str:
    awaited = Recommendation.objects.filter(
        status__in=AWAITING_ANSWER, answered_on__isnull=True, answer_due_on__isnull=False
    ).select_related("council")
    told = 0
    for recommendation in awaited:
        with transaction.atomic():
            told += recommendation_due_notify(recommendation)
    return f"{told} due-date notifications"
