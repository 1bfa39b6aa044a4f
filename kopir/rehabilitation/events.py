"""The one place rehabilitation announces its domain events to other systems.

Services call `publish(kind, record)` inside their transaction, once per event; this module turns
the record into the event's payload and writes it to the exchange's transactional outbox
(`kopir.exchange.services.event_publish`), which delivers it as a signed webhook to the
subscribed systems of the audience. The audience of a measure's event is the organisation that
holds the measure (and, for a redirect, the one that passed it on); of an approved programme, the
MSE division that issued it. A measure's payload names the person by IIN only, which the
executing organisation already holds through its access link; it never carries the diagnosis.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from ninja import Schema

from kopir.exchange.catalogue import EventKind
from kopir.exchange.services import event_publish, event_publish_many


class MeasurePayload(Schema):
    measure_id: int
    measure_code: str
    status: str
    programme_number: str
    person_iin: str
    organisation_code: str
    due_on: dt.date
    overdue: bool
    escalation_tier: int
    previous_organisation_code: str | None = None
    not_delivered_reason: str | None = None
    delivered_on: dt.date | None = None


class ProgrammeApprovedPayload(Schema):
    programme_number: str
    version: int
    division_code: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    measure_codes: list[str]


# The events rehabilitation publishes (name: when).
_MEASURE_EVENTS: dict[str, Any] = {
    "measure.assigned": _("A measure was routed to an executing organisation."),
    "measure.redirected": _("An organisation passed a measure to another one."),
    "measure.accepted": _("The executing organisation took a measure on."),
    "measure.scheduled": _("The executing organisation set a date for a measure."),
    "measure.delivered": _("A measure was reported delivered."),
    "measure.failed": _("A measure was reported not delivered, with a coded reason."),
    "measure.disputed": _("The person disputed a reported result; the measure is open again."),
    "measure.escalated": _("An overdue measure was escalated to the next level."),
    "measure.cancelled": _(
        "A measure was closed undelivered: its programme ended, or a new version dropped it."
    ),
}
EVENT_KINDS: dict[str, Any] = {
    "programme.approved": _("An IRP version was approved."),
    **_MEASURE_EVENTS,
}
EXCHANGE_KINDS = tuple(
    EventKind(
        f"rehabilitation.{name}",
        description,
        ProgrammeApprovedPayload if name == "programme.approved" else MeasurePayload,
    )
    for name, description in EVENT_KINDS.items()
)


def publish(kind: str, record: models.Model) -> None:
    """Write the event `kind` about `record` (a Measure, or a ProgrammeVersion for
    "programme.approved") to the outbox, in the caller's transaction."""
    if kind not in EVENT_KINDS:
        raise ValueError(f"unknown rehabilitation event {kind!r}")
    if kind == "programme.approved":
        _publish_programme(record)
    else:
        _publish_measure(kind, record)


def _publish_programme(version: Any) -> None:
    programme = version.programme
    event_publish(
        kind="rehabilitation.programme.approved",
        subject=f"rehabilitation.programme:{programme.number}",
        payload={
            "programme_number": programme.number,
            "version": version.sequence,
            "division_code": programme.division.code,
            "valid_from": version.valid_from,
            "valid_until": version.valid_until,
            "measure_codes": list(
                version.lines.order_by("position", "id").values_list(
                    "measure_type__code", flat=True
                )
            ),
        },
        audience=[programme.division],
    )


# The columns of a measure its payload is made of (names as `QuerySet.values()` gives them), so a
# step that changes many measures reads these rather than whole instances.
MEASURE_PAYLOAD_COLUMNS = (
    "id",
    "measure_type__code",
    "status",
    "programme__number",
    "person__iin",
    "organisation_id",
    "organisation__code",
    "due_on",
    "overdue",
    "escalation_tier",
    "not_delivered_reason",
    "delivered_on",
)


def _measure_row(measure: Any) -> dict[str, Any]:
    return {
        "id": measure.pk,
        "measure_type__code": measure.measure_type.code,
        "status": measure.status,
        "programme__number": measure.programme.number,
        "person__iin": measure.person.iin,
        "organisation_id": measure.organisation_id,
        "organisation__code": measure.organisation.code,
        "due_on": measure.due_on,
        "overdue": measure.overdue,
        "escalation_tier": measure.escalation_tier,
        "not_delivered_reason": measure.not_delivered_reason,
        "delivered_on": measure.delivered_on,
    }


def _measure_payload(row: dict[str, Any], previous: Any = None) -> dict[str, Any]:
    return {
        "measure_id": row["id"],
        "measure_code": row["measure_type__code"],
        "status": row["status"],
        "programme_number": row["programme__number"],
        "person_iin": row["person__iin"],
        "organisation_code": row["organisation__code"],
        "due_on": row["due_on"],
        "overdue": row["overdue"],
        "escalation_tier": row["escalation_tier"],
        "previous_organisation_code": previous.code if previous is not None else None,
        "not_delivered_reason": row["not_delivered_reason"] or None,
        "delivered_on": row["delivered_on"],
    }


def _publish_measure(kind: str, measure: Any) -> None:
    audience = [measure.organisation]
    previous = None
    if kind == "measure.redirected":
        handoff = (
            measure.handoffs.order_by("-at", "-id").select_related("from_organisation").first()
        )
        previous = handoff.from_organisation if handoff is not None else None
        if previous is not None:
            audience.append(previous)
    event_publish(
        kind=f"rehabilitation.{kind}",
        subject=f"rehabilitation.measure:{measure.pk}",
        payload=_measure_payload(_measure_row(measure), previous),
        audience=audience,
    )


def publish_many(kind: str, rows: list[dict[str, Any]]) -> None:
    """`publish(kind, measure)` for many measures at once (the same payloads and audience), for a
    step that changes many measures in one transaction. Each row holds a measure's
    `MEASURE_PAYLOAD_COLUMNS` as they are after the change. Not for "measure.redirected", whose
    audience is read per measure."""
    if kind not in _MEASURE_EVENTS or kind == "measure.redirected":
        raise ValueError(f"{kind!r} is not published in bulk")
    event_publish_many(
        kind=f"rehabilitation.{kind}",
        events=[
            (
                f"rehabilitation.measure:{row['id']}",
                _measure_payload(row),
                [row["organisation_id"]],
            )
            for row in rows
        ],
    )
