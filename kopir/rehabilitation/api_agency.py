"""The measure API for agency systems: an executing organisation's system lists the measures its
organisation holds, accepts them, schedules them and reports them delivered or not delivered.

It is the web pages' twin: the same services (the same evidence checks, the same 409 on a stale
version), the same access (only the measures the system's organisation holds; any other is 404).
Each system authenticates with its own bearer token (`manage.py issue_api_token`) and acts as its
organisation's technical account; writes need an Idempotency-Key header, as referrals do.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema

from kopir.assessment.api_common import (
    SystemToken,
    error_answer,
    field_problem,
    idempotent,
    json_answer,
)
from kopir.assessment.api_docs import IDEMPOTENCY_HEADER, THROTTLED_JSON
from kopir.assessment.api_schemas import ErrorOut
from kopir.assessment.models import ExternalSystem
from kopir.assessment.services.idempotency import MAX_KEY_LENGTH
from kopir.assessment.services.intake import FieldProblem
from kopir.audit.models import AuditChannel
from kopir.core.errors import ConflictError, DomainError
from kopir.rehabilitation.access import agency_measures
from kopir.rehabilitation.models import Measure, NotDeliveredReason
from kopir.rehabilitation.selectors.execution import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    Cursor,
    WorkFilter,
    work_page,
)
from kopir.rehabilitation.services.execution import (
    measure_accept,
    measure_deliver,
    measure_not_deliver,
    measure_schedule,
)

router = Router(auth=SystemToken(), tags=["Rehabilitation measures"])

EXAMPLE_MEASURE: dict[str, Any] = {
    "id": 1042,
    "version": 2,
    "status": "accepted",
    "status_label": "Accepted",
    "measure_code": "hearing-aid",
    "measure_name": "Hearing aid",
    "part": "social",
    "quantity": "1",
    "unit": "items",
    "details": "Behind-the-ear, right ear.",
    "evidence_required": ["date", "serial", "supplier"],
    "programme_number": "IRP-2026-000118",
    "assigned_at": "2026-12-01T10:15:00+05:00",
    "due_on": "2027-01-14",
    "at_risk": False,
    "overdue": False,
    "scheduled_on": None,
    "delivered_on": None,
    "not_delivered_reason": "",
    "person": {
        "iin": "850412490216",
        "last_name": "Сынақова",
        "first_name": "Әлия",
        "patronymic": "Қуанышқызы",
        "phone": "+77010000000",
        "email": "",
        "address": "Орал қ., Достық даңғылы, 1",
        "accessibility_needs": ["sign_language"],
    },
}


# --- Shapes ----------------------------------------------------------------------------------


class PersonOut(Schema):
    """What the executing organisation needs to reach the person; never a diagnosis."""

    iin: str
    last_name: str
    first_name: str
    patronymic: str
    phone: str
    email: str
    address: str
    accessibility_needs: list[str]


class MeasureOut(Schema):
    id: int
    version: int = Field(..., description="Send it back with your next change of the measure.")
    status: str = Field(..., description="assigned, accepted, scheduled, delivered, …")
    status_label: str
    measure_code: str
    measure_name: str
    part: str
    quantity: Decimal | None
    unit: str
    details: str
    evidence_required: list[str] = Field(
        ..., description="What a report of delivery must carry besides the date."
    )
    programme_number: str
    assigned_at: dt.datetime
    due_on: dt.date
    at_risk: bool
    overdue: bool
    scheduled_on: dt.date | None
    delivered_on: dt.date | None
    not_delivered_reason: str
    person: PersonOut


class MeasureListOut(Schema):
    items: list[MeasureOut]
    next_after: str | None = Field(
        None, description="Pass it as `after` for the next page; null on the last page."
    )


class ListQuery(Schema):
    after: str | None = Field(
        None, description="`next_after` of the page before; omit for the first page."
    )
    limit: int = Field(PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class VersionIn(Schema):
    version: int = Field(..., ge=1, description="The measure's `version` as you last read it.")


class ScheduleIn(VersionIn):
    scheduled_on: dt.date = Field(..., description="The day of delivery: today or later.")
    note: str = Field("", max_length=1000)


class DocumentIn(Schema):
    file_name: str = Field(..., max_length=255, description="With its extension: act.pdf.")
    data: str = Field(..., description="The file, base64 (PDF, JPG, PNG or DOCX; at most 10 MB).")


class DeliveredIn(VersionIn):
    delivered_on: dt.date | None = Field(
        None, description="Not in the future, not before the assignment."
    )
    document: DocumentIn | None = None
    serial_number: str = Field("", max_length=100)
    supplier: str = Field("", max_length=300)
    item_details: str = Field("", max_length=300)


class NotDeliveredIn(VersionIn):
    reason: NotDeliveredReason
    text: str = Field("", max_length=2000, description="Required with reason `other`.")


# --- Answers ---------------------------------------------------------------------------------


def _body(measure: Measure) -> dict[str, Any]:
    person = measure.person
    measure_type = measure.measure_type
    return {
        "id": measure.pk,
        "version": measure.version,
        "status": measure.status,
        "status_label": str(measure.get_status_display()),
        "measure_code": measure_type.code,
        "measure_name": measure_type.name,
        "part": measure_type.part,
        "quantity": str(measure.line.quantity) if measure.line.quantity is not None else None,
        "unit": measure_type.unit,
        "details": measure.line.details,
        "evidence_required": list(measure_type.evidence_required or []),
        "programme_number": measure.programme.number,
        "assigned_at": measure.assigned_at.isoformat(),
        "due_on": measure.due_on.isoformat(),
        "at_risk": measure.at_risk,
        "overdue": measure.overdue,
        "scheduled_on": measure.scheduled_on.isoformat() if measure.scheduled_on else None,
        "delivered_on": measure.delivered_on.isoformat() if measure.delivered_on else None,
        "not_delivered_reason": measure.not_delivered_reason,
        "person": {
            "iin": person.iin,
            "last_name": person.last_name,
            "first_name": person.first_name,
            "patronymic": person.patronymic,
            "phone": person.phone,
            "email": person.email,
            "address": person.address,
            "accessibility_needs": list(person.accessibility_needs or []),
        },
    }


def _problems(error: ValidationError) -> list[FieldProblem]:
    if hasattr(error, "error_dict"):
        return [
            FieldProblem(field, str(message))
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [FieldProblem("body", str(message)) for message in error.messages]


# The service's field names, as the API's body names them.
_API_FIELDS = {"evidence_document": "document"}


def _measure_of(system: ExternalSystem, measure_id: int) -> Measure | None:
    return (
        agency_measures(system.organisation_id)
        .select_related("measure_type", "person", "line", "programme", "officer")
        .filter(pk=measure_id)
        .first()
    )


def _act(
    request: HttpRequest,
    measure_id: int,
    *,
    endpoint: str,
    act: Callable[[ExternalSystem, Measure], object],
) -> HttpResponse:
    """One change of a measure, once per Idempotency-Key, answered as the web pages would."""
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]

    def handle() -> tuple[JsonResponse, None]:
        measure = _measure_of(system, measure_id)
        if measure is None:
            # Another organisation's measure is "not found" too: its existence is not told.
            return error_answer(404, _("Your organisation holds no such measure.")), None
        try:
            act(system, measure)
        except ValidationError as invalid:
            problems = [
                FieldProblem(_API_FIELDS.get(p.field, p.field), p.reason)
                for p in _problems(invalid)
            ]
            return error_answer(
                422, _("The report was not accepted: correct the fields listed."), problems
            ), None
        except ConflictError as conflict:
            return error_answer(409, str(conflict), [FieldProblem("version", str(conflict))]), None
        except DomainError as refused:
            return error_answer(409, str(refused)), None
        return json_answer(_body(measure), status=200), None

    return idempotent(
        request,
        endpoint=endpoint,
        body=json.loads(request.body or b"{}"),
        handle=handle,
        problem=field_problem,
    )


def _change(
    request: HttpRequest,
    measure_id: int,
    payload: VersionIn,
    *,
    action: str,
    service: Callable[..., object],
    converted: Callable[[], dict[str, Any]] | None = None,
) -> HttpResponse:
    """`POST /api/measures/{id}/<action>`: the measure service given the body's fields as they
    are (those `converted` gives, such as a decoded file, read inside the answer so that their
    refusal is a 422 like any other), the system's account and its version."""

    def act(system: ExternalSystem, measure: Measure) -> object:
        inputs = {name: getattr(payload, name) for name in type(payload).model_fields}
        inputs.pop("version")
        inputs.update(converted() if converted is not None else {})
        return service(
            actor=system.account,
            measure=measure,
            expected_version=payload.version,
            request=request,
            channel=AuditChannel.API,
            **inputs,
        )

    endpoint = f"POST /api/measures/{measure_id}/{action}"
    return _act(request, measure_id, endpoint=endpoint, act=act)


def _key_header() -> Any:
    return Header(
        ...,
        alias="Idempotency-Key",
        max_length=MAX_KEY_LENGTH,
        description=IDEMPOTENCY_HEADER["description"],
        examples=[IDEMPOTENCY_HEADER["example"]],
    )


WRITE_RESPONSES: dict[int, Any] = {
    200: MeasureOut,
    400: ErrorOut,
    401: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    413: ErrorOut,
    415: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _write_docs(description: str, example: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description
        + " Only measures your organisation holds: any other id answers 404. A `version` other "
        "than the stored one answers 409 and changes nothing: read the measure again. Labels and "
        "reasons are in the language of the Accept-Language header (kk, ru or en).",
        "requestBody": {
            "content": {"application/json": {"examples": {"example": {"value": example}}}}
        },
        "responses": {
            200: {
                "content": {
                    "application/json": {"examples": {"measure": {"value": EXAMPLE_MEASURE}}}
                }
            },
            409: {
                "content": {
                    "application/json": {
                        "examples": {
                            "stale": {
                                "value": {
                                    "detail": "Someone else changed this measure after you opened it. Nothing was saved; check the latest state and try again.",
                                    "errors": [{"field": "version", "reason": "…"}],
                                }
                            }
                        }
                    }
                }
            },
            429: THROTTLED_JSON,
        },
    }


# --- Operations ------------------------------------------------------------------------------


@router.get(
    "/measures",
    response={200: MeasureListOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="The open measures your organisation holds, the nearest due date first",
    operation_id="measure_list",
    openapi_extra={
        "description": "Assigned, accepted and scheduled measures held by your system's "
        "organisation, by due date then id, paged by keyset: pass `next_after` as `after` for "
        "the next page. A measure redirected to another organisation leaves the list. Each "
        "measure carries the person's contacts (never a diagnosis); every read is audited.",
        "responses": {
            200: {
                "content": {
                    "application/json": {
                        "examples": {
                            "page": {
                                "value": {
                                    "items": [EXAMPLE_MEASURE],
                                    "next_after": "2027-01-14,1042",
                                }
                            }
                        }
                    }
                }
            },
            429: THROTTLED_JSON,
        },
    },
)
def measure_list(request: HttpRequest, query: Query[ListQuery]) -> HttpResponse:
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]
    page = work_page(
        actor=system.account,
        organisation_id=system.organisation_id,
        work=WorkFilter(),
        after=Cursor.parse(query.after),
        limit=query.limit,
        request=request,
        channel=AuditChannel.API,
    )
    return json_answer(
        {"items": [_body(measure) for measure in page.rows], "next_after": page.next_cursor},
        status=200,
    )


@router.post(
    "/measures/{measure_id}/accept",
    response=WRITE_RESPONSES,
    summary="Accept a measure: your organisation takes it on",
    operation_id="measure_accept",
    openapi_extra=_write_docs("Moves an assigned measure to accepted.", {"version": 1}),
)
def measure_accept_post(
    request: HttpRequest, measure_id: int, payload: VersionIn, idempotency_key: str = _key_header()
) -> HttpResponse:
    return _change(request, measure_id, payload, action="accept", service=measure_accept)


@router.post(
    "/measures/{measure_id}/schedule",
    response=WRITE_RESPONSES,
    summary="Schedule (or move) the delivery of an accepted measure",
    operation_id="measure_schedule",
    openapi_extra=_write_docs(
        "Sets the day of delivery (today or later).",
        {"version": 2, "scheduled_on": "2027-01-10", "note": "Fitting at the supplier's."},
    ),
)
def measure_schedule_post(
    request: HttpRequest,
    measure_id: int,
    payload: ScheduleIn,
    idempotency_key: str = _key_header(),
) -> HttpResponse:
    return _change(request, measure_id, payload, action="schedule", service=measure_schedule)


def _document(payload: DeliveredIn) -> ContentFile[bytes] | None:
    if payload.document is None:
        return None
    try:
        data = base64.b64decode(payload.document.data, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValidationError({"evidence_document": _("This is not valid base64.")}) from error
    return ContentFile(data, name=payload.document.file_name)


@router.post(
    "/measures/{measure_id}/delivered",
    response=WRITE_RESPONSES,
    summary="Report a measure delivered, with its evidence",
    operation_id="measure_delivered",
    openapi_extra=_write_docs(
        "Closes an accepted or scheduled measure as delivered. The date is always required; "
        "`evidence_required` of the measure says which of the document (base64), the serial "
        "number, the supplier and the employer (in `item_details`) must be there too. Every "
        "missing piece is named at once.",
        {
            "version": 3,
            "delivered_on": "2027-01-10",
            "serial_number": "HA-2026-0042",
            "supplier": "ЖШС «Есту әлемі»",
            "item_details": "Behind-the-ear, right ear",
        },
    ),
)
def measure_delivered_post(
    request: HttpRequest,
    measure_id: int,
    payload: DeliveredIn,
    idempotency_key: str = _key_header(),
) -> HttpResponse:
    return _change(
        request,
        measure_id,
        payload,
        action="delivered",
        service=measure_deliver,
        converted=lambda: {"document": _document(payload)},
    )


@router.post(
    "/measures/{measure_id}/not-delivered",
    response=WRITE_RESPONSES,
    summary="Report a measure not delivered, with a coded reason",
    operation_id="measure_not_delivered",
    openapi_extra=_write_docs(
        "Closes an accepted or scheduled measure as not delivered: refused, unreachable, "
        "not_available, not_competent, or other with a `text`.",
        {"version": 2, "reason": "unreachable", "text": ""},
    ),
)
def measure_not_delivered_post(
    request: HttpRequest,
    measure_id: int,
    payload: NotDeliveredIn,
    idempotency_key: str = _key_header(),
) -> HttpResponse:
    return _change(
        request, measure_id, payload, action="not-delivered", service=measure_not_deliver
    )
