"""Demo notifications: the answers due soon, told as the daily job tells them.

Loading the demo runs the daily job itself for the day it is loaded: the secretary and the
agencies' officers hear of each awaited answer due within three working days, and of no other
(an answer long overdue is not "due in three working days"; its escalation is the agency's
notice from `recommendation_alerts`, not a staff notification). The job's `once_key` keeps a
second load from telling anyone twice. The other events (a petition, votes, recommendations,
a rejected answer, minutes to sign) were notified by the services as the demo was loaded.
"""

from __future__ import annotations

from kopir.council.services.staff_alerts import recommendations_notify_due


def load() -> str:
    told = recommendations_notify_due()
    return f"{told} due-date notifications"
