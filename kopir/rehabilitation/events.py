"""The one place rehabilitation announces its domain events to other systems.

Services call `publish(kind, record)` inside their transaction, once per event. The interagency
exchange (`kopir/exchange`: transactional outbox, signed webhooks) is connected here, so the
services do not change when the delivery does.
"""

from __future__ import annotations

from django.db import models

# The events rehabilitation publishes (name: when).
EVENT_KINDS: dict[str, str] = {
    "programme.approved": "An IRP version was approved.",
    "measure.assigned": "A measure was routed to an executing organisation.",
    "measure.redirected": "An organisation passed a measure to another one.",
    "measure.accepted": "The executing organisation took a measure on.",
    "measure.scheduled": "The executing organisation set a date for a measure.",
    "measure.delivered": "A measure was reported delivered.",
    "measure.failed": "A measure was reported not delivered, with a coded reason.",
    "measure.disputed": "The person disputed a reported result; the measure is open again.",
    "measure.escalated": "An overdue measure was escalated to the next level.",
}


def publish(kind: str, record: models.Model) -> None:
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown rehabilitation event {kind!r}")
    # Until the exchange app is connected, events are only checked against the catalogue.
    del record
