"""What an executing organisation does with a measure: accept it, schedule it, report it delivered
(with the evidence the catalogue asks for) or not delivered (with a coded reason), or redirect it
to the organisation that is responsible.

Every status change goes through the one engine (`MEASURE_WORKFLOW.transition`), which checks the
version the user read (a stale edit is a `ConflictError`, 409, and writes nothing), writes the
measure's timeline and the audit record. The web pages and the agency systems' API call these same
functions, so both check the same things. Each publishes its domain event in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditChannel
from kopir.core.actors import is_signed_in
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.transitions import InvalidTransition
from kopir.core.uploads import DOCUMENT_EXTENSIONS, check_upload
from kopir.directory.models import Organisation
from kopir.notices.services import notice_queue, organisation_recipient
from kopir.rehabilitation.events import publish
from kopir.rehabilitation.models import (
    EvidenceItem,
    Measure,
    MeasureStatus,
    NotDeliveredReason,
)
from kopir.rehabilitation.notice_topics import MEASURE_REDIRECTED
from kopir.rehabilitation.services import staff_alerts
from kopir.rehabilitation.services.deadlines import measure_refresh_flags
from kopir.rehabilitation.services.routing import (
    handoff_acknowledge,
    handoff_answer,
    handoff_record,
    holder_release,
    measure_executors,
)
from kopir.rehabilitation.workflow import MEASURE_WORKFLOW

S = MeasureStatus

# A reported result no longer counts against the deadline: the sweep's marks are cleared.
_CLOSED_MARKS: dict[str, Any] = {"at_risk": False, "overdue": False}


def _check_holder(actor: Any, measure: Measure) -> None:
    """Only the organisation that holds the measure now acts on it (access.py already said so
    for the pages; the API and any other caller get the same check here)."""
    if getattr(actor, "organisation_id", None) != measure.organisation_id:
        raise AccessDenied(_("Only the organisation that holds this measure may act on it."))


def _check_move(measure: Measure, target: str) -> None:
    """Refuse a move the table does not allow before checking its input: a closed measure is
    told it is closed, not that its evidence is missing. The engine checks the stored status
    again."""
    if not MEASURE_WORKFLOW.allows(measure.status, target):
        raise InvalidTransition(MEASURE_WORKFLOW.refuse(measure.status, target))


def _context(actor: Any) -> dict[str, Any]:
    return {"organisation": getattr(actor, "organisation", None)}


def _move(
    measure: Measure,
    to: str,
    event: str | None,
    *,
    actor: Any,
    expected_version: int,
    request: Any,
    channel: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
    **context: Any,
) -> None:
    """Move the measure through the engine (the version, the table, the timeline, the audit
    record) with its `changes`, and publish its domain `event`, in the caller's transaction."""
    MEASURE_WORKFLOW.transition(
        record=measure,
        to=to,
        actor=actor,
        expected_version=expected_version,
        changes=changes or {},
        note=note,
        context={**_context(actor), **context},
        request=request,
        channel=channel,
    )
    if event is not None:
        publish(event, measure)


def measure_accept(
    *,
    actor: Any,
    measure: Measure,
    expected_version: int,
    request: Any = None,
    channel: str = AuditChannel.WEB,
) -> Measure:
    """The organisation takes the measure on; the officer who accepts it is its officer."""
    _check_holder(actor, measure)
    changes: dict[str, Any] = {}
    if measure.officer_id is None and is_signed_in(actor):
        changes["officer"] = actor
    with transaction.atomic():
        _move(
            measure,
            S.ACCEPTED,
            "measure.accepted",
            actor=actor,
            expected_version=expected_version,
            request=request,
            channel=channel,
            changes=changes,
        )
        # The handoff's tracked message: taken up.
        handoff_acknowledge(measure=measure, actor=actor, request=request)
    return measure


def measure_schedule(
    *,
    actor: Any,
    measure: Measure,
    expected_version: int,
    scheduled_on: dt.date,
    note: str = "",
    request: Any = None,
    channel: str = AuditChannel.WEB,
) -> Measure:
    """Set (or move) the date the measure will be delivered on."""
    _check_holder(actor, measure)
    _check_move(measure, S.SCHEDULED)
    if scheduled_on < timezone.localdate():
        raise ValidationError({"scheduled_on": _("The date of delivery must be today or later.")})
    with transaction.atomic():
        _move(
            measure,
            S.SCHEDULED,
            "measure.scheduled",
            actor=actor,
            expected_version=expected_version,
            request=request,
            channel=channel,
            changes={"scheduled_on": scheduled_on},
            note=note.strip(),
        )
    return measure


# What the catalogue's evidence items are recorded in, and what is said when one is missing (here
# and by the delivery form, which marks the fields the measure's catalogue entry requires).
EVIDENCE_FIELDS: dict[str, str] = {
    EvidenceItem.DATE: "delivered_on",
    EvidenceItem.DOCUMENT: "evidence_document",
    EvidenceItem.SERIAL: "serial_number",
    EvidenceItem.SUPPLIER: "supplier",
    EvidenceItem.EMPLOYER: "item_details",
}
MISSING_EVIDENCE: dict[str, Any] = {
    "delivered_on": _("Enter the date the measure was delivered."),
    "evidence_document": _(
        "Attach the supporting document (an act of handover, a contract or a certificate)."
    ),
    "serial_number": _("Enter the serial number of the item delivered."),
    "supplier": _("Enter the supplier of the item or service."),
    "item_details": _("Enter the employer and the position the person was placed in."),
}


def evidence_fields(measure_type: Any) -> set[str]:
    """The delivery's fields that the catalogue requires for this kind of measure (the date
    always: a delivery happened on a day)."""
    required = set(measure_type.evidence_required or [])
    return {"delivered_on"} | {name for item, name in EVIDENCE_FIELDS.items() if item in required}


def evidence_problems(
    *,
    measure: Measure,
    delivered_on: dt.date | None,
    document: Any,
    serial_number: str,
    supplier: str,
    item_details: str,
    today: dt.date | None = None,
) -> dict[str, list[str]]:
    """Each piece of evidence that is missing or wrong, by field, with the reason.

    The date is always asked for (a delivery happened on a day); the catalogue's
    `evidence_required` says which of the document, the serial number, the supplier and the
    employer (named in the item details) must be there too.
    """
    today = today or timezone.localdate()
    required = set(measure.measure_type.evidence_required or [])
    problems: dict[str, list[str]] = {}

    def problem(field: str, message: Any) -> None:
        problems.setdefault(field, []).append(str(message))

    if delivered_on is None:
        problem("delivered_on", MISSING_EVIDENCE["delivered_on"])
    elif delivered_on > today:
        problem("delivered_on", _("The date of delivery cannot be in the future."))
    elif delivered_on < timezone.localdate(measure.assigned_at):
        problem(
            "delivered_on",
            _("The date of delivery cannot be before the measure was assigned to you (%(date)s).")
            % {"date": timezone.localdate(measure.assigned_at).strftime("%d.%m.%Y")},
        )
    if document:
        try:
            check_upload(document, DOCUMENT_EXTENSIONS)
        except ValidationError as error:
            for message in error.messages:
                problem("evidence_document", message)
    elif EvidenceItem.DOCUMENT in required:
        problem("evidence_document", MISSING_EVIDENCE["evidence_document"])
    if EvidenceItem.SERIAL in required and not serial_number.strip():
        problem("serial_number", MISSING_EVIDENCE["serial_number"])
    if EvidenceItem.SUPPLIER in required and not supplier.strip():
        problem("supplier", MISSING_EVIDENCE["supplier"])
    if EvidenceItem.EMPLOYER in required and not item_details.strip():
        problem("item_details", MISSING_EVIDENCE["item_details"])
    return problems


def measure_deliver(
    *,
    actor: Any,
    measure: Measure,
    expected_version: int,
    delivered_on: dt.date | None,
    document: Any = None,
    serial_number: str = "",
    supplier: str = "",
    item_details: str = "",
    request: Any = None,
    channel: str = AuditChannel.WEB,
) -> Measure:
    """Report the measure delivered, with its evidence. Every missing piece is named at once."""
    _check_holder(actor, measure)
    _check_move(measure, S.DELIVERED)
    problems = evidence_problems(
        measure=measure,
        delivered_on=delivered_on,
        document=document,
        serial_number=serial_number,
        supplier=supplier,
        item_details=item_details,
    )
    if problems:
        raise ValidationError(problems)
    changes: dict[str, Any] = {
        "delivered_on": delivered_on,
        "serial_number": serial_number.strip(),
        "supplier": supplier.strip(),
        "item_details": item_details.strip(),
        "closed_at": timezone.now(),
        **_CLOSED_MARKS,
    }
    stored_name = ""
    field = Measure._meta.get_field("evidence_document")
    if document:
        # Stored before the UPDATE that names it; removed again if the move is refused.
        name = field.generate_filename(measure, document.name)
        stored_name = field.storage.save(name, document, max_length=field.max_length)
        changes["evidence_document"] = stored_name
    try:
        with transaction.atomic():
            _move(
                measure,
                S.DELIVERED,
                "measure.delivered",
                actor=actor,
                expected_version=expected_version,
                request=request,
                channel=channel,
                changes=changes,
            )
            handoff_answer(
                measure=measure,
                actor=actor,
                answer=str(
                    _("Delivered on %(date)s.")
                    % {
                        "date": date_format(
                            delivered_on or timezone.localdate(), "SHORT_DATE_FORMAT"
                        )
                    }
                ),
                request=request,
            )
    except BaseException:
        if stored_name:
            field.storage.delete(stored_name)
        raise
    return measure


def measure_not_deliver(
    *,
    actor: Any,
    measure: Measure,
    expected_version: int,
    reason: str,
    text: str = "",
    request: Any = None,
    channel: str = AuditChannel.WEB,
) -> Measure:
    """Report that the measure could not be delivered, with a coded reason (and a text for
    "other")."""
    _check_holder(actor, measure)
    _check_move(measure, S.NOT_DELIVERED)
    text = text.strip()
    if reason not in NotDeliveredReason.values:
        raise ValidationError({"reason": _("Choose why the measure was not delivered.")})
    if reason == NotDeliveredReason.OTHER and not text:
        raise ValidationError(
            {"text": _("Explain why the measure was not delivered: you chose “Other reason”.")}
        )
    with transaction.atomic():
        _move(
            measure,
            S.NOT_DELIVERED,
            "measure.failed",
            actor=actor,
            expected_version=expected_version,
            request=request,
            channel=channel,
            changes={
                "not_delivered_reason": reason,
                "not_delivered_text": text,
                "closed_at": timezone.now(),
                **_CLOSED_MARKS,
            },
        )
        handoff_answer(
            measure=measure,
            actor=actor,
            answer=str(
                _("Not delivered: %(reason)s. %(text)s")
                % {"reason": NotDeliveredReason(reason).label, "text": text}
            ).strip(),
            request=request,
        )
    return measure


def measure_redirect(
    *,
    actor: Any,
    measure: Measure,
    expected_version: int,
    to_organisation: Organisation,
    reason: str,
    request: Any = None,
    channel: str = AuditChannel.WEB,
) -> Measure:
    """Pass the measure to the organisation that is responsible for it (SGB IX §14 style).

    The handoff is recorded; the measure goes back to "assigned" with the new owner, its new due
    date (the clock starts again) and no officer, in the one UPDATE of the move. The new owner gets
    a link to the person and a notice. The old owner keeps its history (the timeline and the
    handoff name it) but the measure leaves its list; its link to the person goes too, unless it
    still holds another measure of that person.
    """
    _check_holder(actor, measure)
    if not measure.is_open:
        raise DomainError(_("Only a measure still being worked may be redirected."))
    reason = reason.strip()
    problems: dict[str, list[str]] = {}
    if not reason:
        problems["reason"] = [str(_("Say why your organisation is not responsible."))]
    if to_organisation.pk == measure.organisation_id:
        problems["to_organisation"] = [
            str(_("Choose another organisation: yours holds the measure now."))
        ]
    elif not measure_executors().filter(pk=to_organisation.pk).exists():
        problems["to_organisation"] = [
            str(_("Choose an organisation that executes rehabilitation measures."))
        ]
    if problems:
        raise ValidationError(problems)
    old_owner_id = measure.organisation_id
    now = timezone.now()
    with transaction.atomic():
        # The handoff that brought the measure here is answered: passed on, and why.
        handoff_answer(
            measure=measure,
            actor=actor,
            answer=str(
                _("Passed to %(organisation)s: %(reason)s")
                % {"organisation": to_organisation.name, "reason": reason}
            ),
            request=request,
        )
        handoff = handoff_record(
            measure=measure,
            to_organisation=to_organisation,
            from_organisation=measure.organisation,
            by=actor,
            reason=reason,
            at=now,
        )
        _move(
            measure,
            S.ASSIGNED,
            None,
            actor=actor,
            expected_version=expected_version,
            request=request,
            channel=channel,
            changes={
                "organisation": to_organisation,
                "due_on": handoff.due_on,
                "assigned_at": now,
                "officer": None,
                "scheduled_on": None,
                "escalation_tier": 0,
                "escalated_at": None,
                **_CLOSED_MARKS,
            },
            note=reason,
            at=now,
        )
        # The new due date may already be close: the flags follow it now, not at the next sweep.
        measure_refresh_flags(measure)
        holder_release(
            measure,
            old_owner_id,
            actor=actor,
            why="measure redirected",
            request=request,
            channel=channel,
        )
        notice_queue(
            recipient=organisation_recipient(to_organisation),
            template=MEASURE_REDIRECTED.template,
            context={"measure": measure, "handoff": handoff},
            topic=MEASURE_REDIRECTED.key,
            related=measure,
            actor=actor,
            request=request,
            channel=channel,
        )
        staff_alerts.measure_redirected(measure, actor=actor, request=request)
        publish("measure.redirected", measure)
    return measure
