"""The OpenAPI descriptions of the measure Task endpoint (api_fhir.py): parameters, examples and the
FHIR resources each status answers with. The report example is the one docs/fhir.md shows."""

from __future__ import annotations

from typing import Any

from kopir.assessment.api_docs import (
    IDEMPOTENCY_HEADER,
    OPERATION_OUTCOME_SCHEMA,
    RETRY_AFTER,
    THROTTLED_JSON,
    fhir_resource_schema,
)


def _fhir(schema: dict[str, Any] = OPERATION_OUTCOME_SCHEMA, **examples: Any) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if examples:
        media["examples"] = {name: {"value": value} for name, value in examples.items()}
    return {"content": {"application/fhir+json": media}}


_THROTTLED = {"description": THROTTLED_JSON["description"], **RETRY_AFTER, **_fhir()}

EXAMPLE_TASK: dict[str, Any] = {
    "resourceType": "Task",
    "id": "1042",
    "meta": {
        "versionId": "2",
        "lastUpdated": "2026-12-02T10:15:00+05:00",
        "profile": ["https://kopir.example/api/fhir/StructureDefinition/kopir-measure-task"],
    },
    "contained": [
        {
            "resourceType": "Patient",
            "id": "person",
            "identifier": [{"system": "urn:kz:iin", "value": "850412490216"}],
            "name": [{"use": "official", "family": "Сынақова", "given": ["Әлия", "Қуанышқызы"]}],
            "telecom": [{"system": "phone", "value": "+77010000000"}],
            "address": [{"text": "Орал қ., Достық даңғылы, 1"}],
            "extension": [{"url": "urn:kopir:accessibility-need", "valueCode": "sign_language"}],
        }
    ],
    "basedOn": [
        {
            "type": "CarePlan",
            "identifier": {"system": "urn:kopir:programme-number", "value": "IRP-2026-000118"},
            "display": "IRP-2026-000118",
        }
    ],
    "status": "accepted",
    "businessStatus": {
        "coding": [
            {"system": "urn:kopir:measure-status", "code": "accepted", "display": "Accepted"}
        ]
    },
    "intent": "order",
    "code": {
        "coding": [
            {"system": "urn:kopir:measure", "code": "hearing-aid", "display": "Hearing aid"},
            {"system": "http://snomed.info/sct", "code": "6012004", "display": "Hearing aid"},
        ],
        "text": "Hearing aid",
    },
    "for": {
        "reference": "#person",
        "type": "Patient",
        "identifier": {"system": "urn:kz:iin", "value": "850412490216"},
        "display": "Сынақова Әлия Қуанышқызы",
    },
    "authoredOn": "2026-12-01T10:15:00+05:00",
    "lastModified": "2026-12-02T10:15:00+05:00",
    "owner": {
        "type": "Organization",
        "identifier": {"system": "urn:kz:bin", "value": "000740001307"},
        "display": "Employment and social programmes office",
    },
    "restriction": {"period": {"end": "2027-01-14"}},
}

# Posted as it is by a test (test_fhir_tasks.py) after the measure was accepted.
EXAMPLE_DELIVERED_REPORT: dict[str, Any] = {
    "resourceType": "Parameters",
    "parameter": [
        {"name": "report", "valueCode": "delivered"},
        {"name": "delivered-on", "valueDate": "2027-01-10"},
        {"name": "serial-number", "valueString": "HA-2026-0042"},
        {"name": "supplier", "valueString": "ЖШС «Есту әлемі»"},
        {"name": "item-details", "valueString": "Behind-the-ear, right ear"},
    ],
}

EXAMPLE_NOT_DELIVERED_REPORT: dict[str, Any] = {
    "resourceType": "Parameters",
    "parameter": [
        {"name": "report", "valueCode": "not_delivered"},
        {
            "name": "reason",
            "valueCodeableConcept": {
                "coding": [
                    {"system": "urn:kopir:measure-not-delivered-reason", "code": "unreachable"}
                ]
            },
        },
    ],
}

TASK_SEARCH_OPENAPI: dict[str, Any] = {
    "description": "The measures your system's organisation holds, as FHIR R4 Task resources "
    "(profile kopir-measure-task) in a searchset Bundle, by due date then id. Follow the "
    "Bundle's `next` link for the next page. Parameters: `status` (Task.status, several "
    "separated by commas), `_lastUpdated` (prefix ge, gt, le or lt), `owner:identifier` "
    "(urn:kz:bin|<BIN>: another organisation's finds nothing), `code` (urn:kopir:measure|<code> "
    "or a standard coding the profile lists), `_count` (1 to 200). Each task carries the "
    "person's contacts, never a diagnosis; every read is audited. An unknown parameter or a "
    "value that cannot be read is a 400 OperationOutcome naming it.",
    "parameters": [
        {"in": "query", "name": "status", "schema": {"type": "string"}, "example": "requested"},
        {
            "in": "query",
            "name": "_lastUpdated",
            "schema": {"type": "string"},
            "example": "ge2026-12-01",
        },
        {
            "in": "query",
            "name": "owner:identifier",
            "schema": {"type": "string"},
            "example": "urn:kz:bin|000740001307",
        },
        {
            "in": "query",
            "name": "code",
            "schema": {"type": "string"},
            "example": "urn:kopir:measure|hearing-aid",
        },
        {
            "in": "query",
            "name": "_count",
            "schema": {"type": "integer", "minimum": 1, "maximum": 200},
        },
        {
            "in": "query",
            "name": "_cursor",
            "schema": {"type": "string"},
            "description": "Set by the `next` link; do not build it yourself.",
        },
    ],
    "responses": {
        200: _fhir(
            fhir_resource_schema("Bundle"),
            page={
                "resourceType": "Bundle",
                "type": "searchset",
                "link": [
                    {"relation": "self", "url": "https://kopir.example/api/fhir/Task?_count=1"},
                    {
                        "relation": "next",
                        "url": "https://kopir.example/api/fhir/Task?_count=1&_cursor=2027-01-14%2C1042",
                    },
                ],
                "entry": [
                    {
                        "fullUrl": "https://kopir.example/api/fhir/Task/1042",
                        "resource": EXAMPLE_TASK,
                        "search": {"mode": "match"},
                    }
                ],
            },
        ),
        400: _fhir(),
        401: _fhir(),
        429: _THROTTLED,
    },
}

TASK_READ_OPENAPI: dict[str, Any] = {
    "description": 'One measure your organisation holds, as a Task, with `ETag: W/"<versionId>"`'
    ": send it back as If-Match with $report. Another organisation's measure, or a redirected "
    "one, answers 404. The read is audited.",
    "responses": {
        200: _fhir(fhir_resource_schema("Task"), task=EXAMPLE_TASK),
        401: _fhir(),
        404: _fhir(),
        429: _THROTTLED,
    },
}

REPORT_OPENAPI: dict[str, Any] = {
    "description": "The executing organisation's report on a measure, as a FHIR Parameters "
    "resource (OperationDefinition kopir-task-report): `report` is accepted, scheduled "
    "(scheduled-on), delivered (delivered-on and the evidence the measure asks for: document, "
    "serial-number, supplier, item-details), not_delivered (reason, a coding of "
    "urn:kopir:measure-not-delivered-reason; text with other) or redirected (redirect-to, the "
    "BIN as urn:kz:bin; the reason as text). Send the task's ETag as If-Match: a stale one "
    "answers 412 and changes nothing; without it, 428. Needs an Idempotency-Key: a repeat "
    "answers what the first did. A move the measure's state does not allow answers 409. The "
    "answer is the task as it now stands.",
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": True,
            "schema": {"type": "string", "maxLength": 255},
            **IDEMPOTENCY_HEADER,
        },
        {
            "in": "header",
            "name": "If-Match",
            "required": True,
            "schema": {"type": "string"},
            "example": 'W/"2"',
            "description": "The ETag of the task as you read it.",
        },
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/fhir+json": {
                "schema": fhir_resource_schema("Parameters"),
                "examples": {
                    "delivered": {"value": EXAMPLE_DELIVERED_REPORT},
                    "not_delivered": {"value": EXAMPLE_NOT_DELIVERED_REPORT},
                },
            }
        },
    },
    "responses": {
        200: _fhir(fhir_resource_schema("Task"), task=EXAMPLE_TASK),
        **{status: _fhir() for status in (400, 401, 404, 409, 412, 413, 415, 422, 428)},
        429: _THROTTLED,
    },
}

CODE_SYSTEM_OPENAPI: dict[str, Any] = {
    "description": "One of Kopir's code systems for measures (kopir-measure, "
    "kopir-measure-status, kopir-measure-not-delivered-reason, kopir-measure-evidence), with "
    "Kazakh and Russian designations. Needs no token.",
    "security": [],
    "responses": {200: _fhir(fhir_resource_schema("CodeSystem")), 404: _fhir()},
}

OPERATION_DEFINITION_OPENAPI: dict[str, Any] = {
    "description": "The definition of Task/{id}/$report (kopir-task-report). Needs no token.",
    "security": [],
    "responses": {200: _fhir(fhir_resource_schema("OperationDefinition")), 404: _fhir()},
}
