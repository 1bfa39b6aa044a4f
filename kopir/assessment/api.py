"""The referral API for medical information systems: JSON and FHIR R4 intake, and status.

Each system authenticates with its own bearer token (see `manage.py issue_api_token`) and acts
for one clinic: it creates that clinic's referrals and reads only theirs. Writes need an
Idempotency-Key header: the same key with the same body gives the same answer and one referral.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import fields
from typing import Any, TypeVar

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Header, Router

from kopir.assessment.api_common import (
    BatchItem,
    SystemToken,
    error_answer,
    field_problem,
    idempotent,
    install,
    intake,
    intake_batch,
    json_answer,
    missing_items,
    receive_item,
    referrals_refused,
)
from kopir.assessment.api_docs import (
    BATCH_OPENAPI,
    GET_OPENAPI,
    IDEMPOTENCY_HEADER,
    POST_OPENAPI,
)
from kopir.assessment.api_fhir import fhir_router
from kopir.assessment.api_schemas import (
    ErrorOut,
    ReferralBatchIn,
    ReferralBatchOut,
    ReferralCreatedOut,
    ReferralIn,
    ReferralStatusOut,
)
from kopir.assessment.models import ExternalSystem, IntakeChannel, Referral
from kopir.assessment.selectors.status import referral_status_view
from kopir.assessment.services.idempotency import MAX_KEY_LENGTH
from kopir.assessment.services.intake import (
    AttachmentInput,
    FieldProblem,
    IntakeResult,
    PersonInput,
    ReferralInput,
)
from kopir.assessment.services.referral_inputs import FindingInput, LimitationInput
from kopir.assessment.workflow import status_label
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record

__all__ = ["install", "router"]

router = Router(auth=SystemToken(), tags=["Referrals"])


def _created_body(result: IntakeResult) -> dict[str, Any]:
    referral = result.referral
    return {
        "number": referral.number,
        "external_id": referral.external_id,
        "status": referral.status,
        "status_label": status_label(referral.status),
        "sent": result.sent,
        "missing": missing_items(result.missing),
        "url": f"/api/referrals/{referral.number}",
    }


InputT = TypeVar("InputT")

# --- JSON ------------------------------------------------------------------------------------


def _same_named(cls: type[InputT], source: Any, **given: Any) -> InputT:
    """The input dataclass `cls`, each field read from `source`'s attribute of the same name
    (the JSON schemas name them alike) unless `given`."""
    values = {f.name: getattr(source, f.name) for f in fields(cls) if f.name not in given}  # type: ignore[arg-type]
    return cls(**values, **given)


def _from_json(payload: ReferralIn) -> tuple[ReferralInput, list[FieldProblem]]:
    problems: list[FieldProblem] = []
    attachments = []
    for index, item in enumerate(payload.attachments):
        try:
            content = base64.b64decode(item.data, validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                FieldProblem(f"attachments.{index}.data", _("This is not valid base64."))
            )
            content = b""
        attachments.append(
            AttachmentInput(
                document_type=item.document_type,
                issued_on=item.issued_on,
                file_name=item.file_name,
                content_type=item.content_type,
                data=content,
            )
        )
    person = payload.person
    data = _same_named(
        ReferralInput,
        payload,
        person=_same_named(
            PersonInput,
            person,
            sex=person.sex or "",
            preferred_language=person.preferred_language or "",
        ),
        findings=[_same_named(FindingInput, f, side=f.side or "") for f in payload.findings],
        limitations=[_same_named(LimitationInput, i) for i in payload.limitations],
        attachments=attachments,
        external_id=payload.external_id.strip(),
    )
    return data, problems


# What every write takes and may answer besides its own.
IDEMPOTENCY_KEY: str = Header(
    ...,
    alias="Idempotency-Key",
    max_length=MAX_KEY_LENGTH,
    description=IDEMPOTENCY_HEADER["description"],
    examples=[IDEMPOTENCY_HEADER["example"]],
)
WRITE_ERRORS: dict[int, Any] = dict.fromkeys((400, 401, 409, 413, 422, 429), ErrorOut)


@router.post(
    "/referrals",
    response={
        201: ReferralCreatedOut,
        403: ErrorOut,
        **WRITE_ERRORS,
    },
    summary="Create a referral (and optionally send it)",
    operation_id="referral_create",
    openapi_extra=POST_OPENAPI,
)
def referral_post(
    request: HttpRequest,
    payload: ReferralIn,
    idempotency_key: str = IDEMPOTENCY_KEY,
) -> HttpResponse:
    refused = referrals_refused(request, 1)
    if refused is not None:
        return refused

    def handle() -> tuple[JsonResponse, Referral | None]:
        data, problems = _from_json(payload)
        item = BatchItem.of(0, data, problems)
        if not problems:
            receive_item(item, lambda: intake(request, data, IntakeChannel.API))
        status, detail, named = _outcome(item)
        result = item.row.result
        if status == 201 and result is not None:
            return json_answer(_created_body(result), status=201), result.referral
        return error_answer(status, detail, named), result.referral if result else None

    return idempotent(
        request,
        endpoint="POST /api/referrals",
        body=json.loads(request.body),
        handle=handle,
        problem=field_problem,
    )


def _outcome(item: BatchItem) -> tuple[int, str, list[FieldProblem]]:
    """What the API answers for one referral, alone or in a batch: its status, detail and the
    fields named. 201 for a referral created, 409 for one the clinic already sent, otherwise what
    refused it: 422 naming the fields, or the intake's 403 or 409."""
    result = item.row.result
    if item.status is not None:
        return item.status, item.detail, item.row.problems
    if result is None:
        return (
            422,
            _("The referral was not accepted: correct the fields listed."),
            item.row.problems,
        )
    if not result.created:
        detail = _("Your clinic already sent a referral with this external_id: %(number)s.") % {
            "number": result.referral.number
        }
        return 409, detail, [FieldProblem("external_id", detail)]
    return 201, "", []


def _item_answer(item: BatchItem) -> dict[str, Any]:
    """One referral's answer in a batch: what a single create would have answered."""
    status, detail, problems = _outcome(item)
    result = item.row.result
    return {
        "index": item.index,
        "external_id": item.external_id,
        "status": status,
        "referral": _created_body(result) if status == 201 and result is not None else None,
        "detail": detail,
        "errors": [{"field": p.field, "reason": p.reason} for p in problems],
    }


@router.post(
    "/referrals/batch",
    response={
        200: ReferralBatchOut,
        **WRITE_ERRORS,
    },
    summary="Create up to 500 referrals at once (and optionally send them)",
    operation_id="referral_batch_create",
    openapi_extra=BATCH_OPENAPI,
)
def referral_batch_post(
    request: HttpRequest,
    payload: ReferralBatchIn,
    idempotency_key: str = IDEMPOTENCY_KEY,
) -> HttpResponse:
    # One request against KOPIR_API_RATE (counted before the view), its referrals against
    # KOPIR_API_REFERRAL_RATE: decision 13.
    refused = referrals_refused(request, len(payload.referrals))
    if refused is not None:
        return refused

    def handle() -> tuple[JsonResponse, Referral | None]:
        items = intake_batch(request, [_from_json(referral) for referral in payload.referrals])
        return json_answer({"results": [_item_answer(item) for item in items]}, status=200), None

    return idempotent(
        request,
        endpoint="POST /api/referrals/batch",
        body=json.loads(request.body),
        handle=handle,
        problem=field_problem,
    )


@router.get(
    "/referrals/{number}",
    response={200: ReferralStatusOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="A referral's status, step and deadline",
    operation_id="referral_status",
    openapi_extra=GET_OPENAPI,
)
def referral_get(request: HttpRequest, number: str) -> HttpResponse:
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]
    referral = Referral.objects.filter(
        number=number, medical_organisation_id=system.organisation_id
    ).first()
    if referral is None:
        # Another clinic's referral is "not found" too: its existence is not revealed.
        return error_answer(404, _("Your clinic sent no referral with this number."))
    view = referral_status_view(referral)
    with transaction.atomic():
        audit_record(
            actor=system.account,
            action=AuditAction.VIEW,
            target=referral,
            request=request,
            channel=AuditChannel.API,
            detail="status",
        )
    body = {
        "number": referral.number,
        "external_id": referral.external_id,
        "status": view.status,
        "status_label": view.status_label,
        "step": {
            "status": view.status,
            "label": view.status_label,
            "next_step": view.next_step,
            "started_on": view.step_started_on.isoformat() if view.step_started_on else None,
            "due_on": view.due_on.isoformat() if view.due_on else None,
            "deadline": view.deadline,
        },
        "returns_count": view.returns_count,
        "missing": missing_items(view.missing),
        "first_sent_at": referral.first_sent_at.isoformat() if referral.first_sent_at else None,
        "decided_at": referral.decided_at.isoformat() if referral.decided_at else None,
    }
    return json_answer(body, status=200)


# FHIR intake lives in its own module; it is part of the same API under /api/fhir/.
router.add_router("/fhir", fhir_router)
