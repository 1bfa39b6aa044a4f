"""FHIR R4 intake: POST /api/fhir/Bundle. The bundle is read by hand (not by ninja's schemas) so
that every problem, even a body that is not JSON, is answered as a FHIR OperationOutcome."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from kopir.assessment.api_common import (
    FHIR_CONTENT_TYPE,
    BatchItem,
    SystemToken,
    fhir_base,
    fhir_problem,
    fhir_published,
    idempotent,
    intake,
    json_answer,
    outcome_answer,
    receive_item,
    referrals_refused,
    refused_answer,
)
from kopir.assessment.api_docs import (
    FHIR_OPENAPI,
    METADATA_OPENAPI,
    STRUCTURE_DEFINITION_OPENAPI,
)
from kopir.assessment.api_input import FHIR_JSON_TYPES, BodyRefused, read_json
from kopir.assessment.fhir import BundleInvalid, FhirProblem, MappedBundle, bundle_to_referral
from kopir.assessment.fhir_conformance import (
    capability_statement,
    profile_ids,
    structure_definition,
)
from kopir.assessment.models import IntakeChannel, Referral
from kopir.assessment.services.intake import IntakeResult

fhir_router = Router(auth=SystemToken(), tags=["FHIR"])


def _fhir_created(result: IntakeResult, notes: list[FhirProblem]) -> dict[str, Any]:
    referral = result.referral
    identifiers = [{"system": "urn:kopir:referral-number", "value": referral.number}]
    if referral.external_id:
        identifiers.append({"value": referral.external_id})
    entry: dict[str, Any] = {
        "resource": {
            "resourceType": "ServiceRequest",
            "id": referral.number,
            "identifier": identifiers,
            "status": "active" if result.sent else "draft",
            "intent": "order",
        },
        "response": {"status": "201 Created", "location": f"ServiceRequest/{referral.number}"},
    }
    issues: list[dict[str, Any]] = [
        # What Kopir assumed for an element the bundle left out (a purpose, a route).
        {
            "severity": "information",
            "code": note.code,
            "diagnostics": note.reason,
            "expression": [note.expression],
        }
        for note in notes
    ]
    # Kept as a draft: the outcome says what the completeness rules still require.
    issues += [
        {"severity": "warning", "code": "incomplete", "diagnostics": f"{item.label}: {item.reason}"}
        for item in result.missing
    ]
    if issues:
        entry["response"]["outcome"] = {"resourceType": "OperationOutcome", "issue": issues}
    return {"resourceType": "Bundle", "type": "transaction-response", "entry": [entry]}


@fhir_router.post(
    "/Bundle",
    # The statuses only: their bodies are FHIR resources, documented in FHIR_OPENAPI.
    response=dict.fromkeys((201, 400, 401, 409, 413, 422, 429)),
    summary="Receive a referral as an HL7 FHIR R4 Bundle",
    operation_id="fhir_bundle",
    openapi_extra=FHIR_OPENAPI,
)
def fhir_bundle(request: HttpRequest) -> HttpResponse:
    try:
        raw = read_json(request, FHIR_JSON_TYPES)
    except BodyRefused as refused:
        return refused_answer(request, refused)
    too_many = referrals_refused(request, 1)
    if too_many is not None:
        return too_many

    def handle() -> tuple[JsonResponse, Referral | None]:
        try:
            mapped: MappedBundle = bundle_to_referral(raw)
        except BundleInvalid as invalid:
            return outcome_answer(422, invalid.problems), None
        # Received by the JSON API's rule (`receive_item`), answered in FHIR's own shape.
        item = BatchItem.of(0, mapped.data, [])
        receive_item(item, lambda: intake(request, mapped.data, IntakeChannel.FHIR))
        if item.status is not None:
            code = "forbidden" if item.status == 403 else "conflict"
            return outcome_answer(item.status, [FhirProblem("Bundle", item.detail, code)]), None
        result = item.row.result
        if result is None:
            return outcome_answer(422, mapped.problems(item.row.problems)), None
        if not result.created:
            reason = _("Your clinic already sent a referral with this identifier: %(number)s.") % {
                "number": result.referral.number
            }
            return outcome_answer(
                409, [FhirProblem(mapped.expression("external_id"), reason, "duplicate")]
            ), result.referral
        response = json_answer(
            _fhir_created(result, mapped.notes), status=201, content_type=FHIR_CONTENT_TYPE
        )
        response["Location"] = f"ServiceRequest/{result.referral.number}"
        return response, result.referral

    return idempotent(
        request, endpoint="POST /api/fhir/Bundle", body=raw, handle=handle, problem=fhir_problem
    )


@fhir_router.get(
    "/metadata",
    auth=None,
    response=dict.fromkeys((200,)),
    summary="What the FHIR endpoint reads: its CapabilityStatement",
    operation_id="fhir_metadata",
    openapi_extra=METADATA_OPENAPI,
)
def fhir_metadata(request: HttpRequest) -> HttpResponse:
    return json_answer(
        capability_statement(fhir_base(request)), status=200, content_type=FHIR_CONTENT_TYPE
    )


@fhir_router.get(
    "/StructureDefinition/{path:profile_id}",
    auth=None,
    response=dict.fromkeys((200, 404)),
    summary="One of Kopir's FHIR profiles",
    operation_id="fhir_structure_definition",
    openapi_extra=STRUCTURE_DEFINITION_OPENAPI,
)
def fhir_structure_definition(request: HttpRequest, profile_id: str) -> HttpResponse:
    return fhir_published(
        structure_definition(fhir_base(request), profile_id),
        "StructureDefinition.id",
        lambda: _("Kopir publishes these profiles: %(ids)s.") % {"ids": ", ".join(profile_ids())},
    )
