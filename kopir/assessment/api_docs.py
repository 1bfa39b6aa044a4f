"""What the OpenAPI document says about the referral API beyond its schemas: request and response
examples, the Idempotency-Key header, and the FHIR endpoint's body (read by hand, not by ninja).

The examples are synthetic: the IIN has a valid check digit and belongs to nobody.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kopir.assessment.api_schemas import (
    EXAMPLE_IIN,
    EXAMPLE_NUMBER,
    KEPT_AS_DRAFT_EXAMPLE,
    PERSON_EXAMPLE,
    REFERRAL_EXAMPLE,
)

PDF_BASE64 = REFERRAL_EXAMPLE["attachments"][0]["data"]
PATIENT_URL = "urn:uuid:4f6e0c1a-8a6f-4d8e-9a51-0c8f3d2b7a01"
CONDITION_URL = "urn:uuid:4f6e0c1a-8a6f-4d8e-9a51-0c8f3d2b7a02"


def _error_example(detail: str, field: str, reason: str) -> dict[str, Any]:
    return {"value": {"detail": detail, "errors": [{"field": field, "reason": reason}]}}


def _json(examples: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"examples": examples}}}


# Responses are keyed by the status as a number, as ninja keys the ones it generates from
# `response=`: deep-merged with them, each status is written once, with its schema and examples.


UNSUPPORTED_MEDIA_TYPE = (
    "The body was not sent as JSON: send it with the Content-Type header the operation names."
)
TOO_MANY_REQUESTS = (
    "Too many requests. Wait the number of seconds in the Retry-After header, then send the "
    "request again."
)
# Every endpoint answers 429 past the rate limits (per system, and per address without a token).
RETRY_AFTER: dict[str, Any] = {
    "headers": {
        "Retry-After": {
            "description": "Seconds to wait before the next request will be accepted.",
            "schema": {"type": "integer", "minimum": 1},
            "example": 12,
        }
    }
}
THROTTLED_JSON: dict[str, Any] = {
    "description": "Too many requests from your system (or, without a valid token, from your "
    "address) within the rate limit's window.",
    **RETRY_AFTER,
    **_json({"throttled": {"value": {"detail": TOO_MANY_REQUESTS, "errors": []}}}),
}

IDEMPOTENCY_HEADER = {
    "description": "A unique value per referral (a UUID, say), reused unchanged when you retry. "
    "The same key with the same body returns the first answer (with the header "
    "Idempotent-Replayed: true) and creates nothing more; the same key with a different body is "
    "refused with 409. Only successful answers are kept: after an error the key may be reused.",
    "example": "3f9d2a8e-5b1c-4e7a-9d0f-6c2b8a4e1f70",
}

# A complete referral, sent at once: what a create answers (and a batch's item with it).
SENT_EXAMPLE: dict[str, Any] = {
    "number": EXAMPLE_NUMBER,
    "external_id": "MIS-ORAL1-2026-000451",
    "status": "sent",
    "status_label": "Sent to MSE",
    "sent": True,
    "missing": [],
    "url": f"/api/referrals/{EXAMPLE_NUMBER}",
}

POST_OPENAPI: dict[str, Any] = {
    "description": "Creates the referral as a draft of your clinic and, with `send: true`, sends "
    "it to the MSE division. If the completeness rules find something missing, the referral "
    "stays a draft and `missing` lists what to add. `person` always carries the IIN, names, "
    "date of birth, sex and territory; a person not yet in Kopir's registry is registered from "
    "it, and for a registered one the names and date of birth must match. Documents go inline as base64 (PDF, JPG, PNG, DOCX; at most "
    "10 MB each, and the whole request at most 2.5 MB). Labels and error reasons are in the "
    "language of the Accept-Language header (kk, ru or en).",
    "requestBody": _json(
        {
            "complete": {
                "summary": "A referral with findings and a document, sent at once",
                "value": REFERRAL_EXAMPLE,
            },
            "known_person": {
                "summary": "A person already in the registry: named in full, as every person is",
                "value": {
                    "external_id": "MIS-ORAL1-2026-000452",
                    "person": {
                        key: PERSON_EXAMPLE[key]
                        for key in (
                            "iin",
                            "last_name",
                            "first_name",
                            "birth_date",
                            "sex",
                            "territory_kato",
                        )
                    },
                    "purpose": "re_examination",
                    "route": "in_person",
                    "primary_code": "H90.3",
                },
            },
        }
    ),
    "responses": {
        201: _json(
            {
                "sent": {
                    "summary": "Complete: sent to the MSE division",
                    "value": SENT_EXAMPLE,
                },
                "kept_as_draft": {
                    "summary": "Incomplete: kept as a draft, with what is missing",
                    "value": KEPT_AS_DRAFT_EXAMPLE,
                },
            }
        ),
        400: _json(
            {
                "no_key": _error_example(
                    "The request was not accepted: correct the fields listed.",
                    "Idempotency-Key",
                    "Field required",
                )
            }
        ),
        401: _json(
            {
                "no_token": {
                    "value": {
                        "detail": "Send the token issued to your system as “Authorization: "
                        "Bearer <token>”. The token is missing, wrong or revoked.",
                        "errors": [],
                    }
                }
            }
        ),
        415: {
            "description": UNSUPPORTED_MEDIA_TYPE,
            **_json(
                {
                    "not_json": _error_example(
                        "The request was not accepted: correct the fields listed.",
                        "",
                        "Send the body as JSON with the header Content-Type: application/json.",
                    )
                }
            ),
        },
        409: _json(
            {
                "key_reused": _error_example(
                    "This Idempotency-Key was already used for a different request. Use a new "
                    "key for a new referral.",
                    "Idempotency-Key",
                    "This Idempotency-Key was already used for a different request. Use a new "
                    "key for a new referral.",
                ),
                "already_received": _error_example(
                    f"Your clinic already sent a referral with this external_id: {EXAMPLE_NUMBER}.",
                    "external_id",
                    f"Your clinic already sent a referral with this external_id: {EXAMPLE_NUMBER}.",
                ),
            }
        ),
        422: _json(
            {
                "invalid": {
                    "value": {
                        "detail": "The referral was not accepted: correct the fields listed.",
                        "errors": [
                            {
                                "field": "person.iin",
                                "reason": "The check digit (the last one) does not match: there "
                                "is a typo in the number.",
                            },
                            {
                                "field": "primary_code",
                                "reason": "H54 is a group of diagnoses: choose a code within it.",
                            },
                        ],
                    }
                }
            }
        ),
        429: THROTTLED_JSON,
    },
}

BATCH_OPENAPI: dict[str, Any] = {
    "description": "Creates up to 500 referrals of your clinic in one request, each as "
    "`POST /api/referrals` would: a referral with `send: true` that the completeness rules find "
    "complete is sent, an incomplete one is kept as a draft with `missing`. The answer is 200 "
    "with one result per referral in the request's order, each with its own status: 201 "
    "created (with what a single create answers), 409 its external_id was already received "
    "(the referral's number in `detail`; a retried batch creates nothing twice), 422 not "
    "accepted (`errors` names each field), 403 not allowed. A referral refused does not stop "
    "the others. A body that is not a list of referrals, or has more than 500, is refused "
    "whole (422). The Idempotency-Key replays the whole answer. The batch counts as one "
    "request of your system's request rate and as its referrals of your system's referral rate "
    "(a single create counts one); a batch that does not fit in what is left of the referral "
    "rate is refused whole with 429 and Retry-After.",
    "requestBody": _json(
        {
            "two": {
                "summary": "Two referrals, the second for a person already in the registry",
                "value": {
                    "referrals": [
                        REFERRAL_EXAMPLE,
                        {
                            **REFERRAL_EXAMPLE,
                            "external_id": "MIS-ORAL1-2026-000452",
                            "attachments": [],
                        },
                    ]
                },
            }
        }
    ),
    "responses": {
        200: _json(
            {
                "mixed": {
                    "summary": "One created and sent, one already received",
                    "value": {
                        "results": [
                            {
                                "index": 0,
                                "external_id": "MIS-ORAL1-2026-000451",
                                "status": 201,
                                "referral": SENT_EXAMPLE,
                                "detail": "",
                                "errors": [],
                            },
                            {
                                "index": 1,
                                "external_id": "MIS-ORAL1-2026-000452",
                                "status": 409,
                                "referral": None,
                                "detail": "Your clinic already sent a referral with this "
                                "external_id: MSE-2026-000124.",
                                "errors": [
                                    {
                                        "field": "external_id",
                                        "reason": "Your clinic already sent a referral with "
                                        "this external_id: MSE-2026-000124.",
                                    }
                                ],
                            },
                        ]
                    },
                }
            }
        ),
    },
}


GET_OPENAPI: dict[str, Any] = {
    "description": "Only your clinic's referrals: any other number answers 404. The answer has "
    "no personal data: the status, the current step with its deadline in working days, and what "
    "is missing when the referral was returned.",
    "responses": {
        404: _json(
            {
                "not_yours": {
                    "value": {
                        "detail": "Your clinic sent no referral with this number.",
                        "errors": [],
                    }
                }
            }
        ),
        429: THROTTLED_JSON,
    },
}

FHIR_BUNDLE_EXAMPLE: dict[str, Any] = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": PATIENT_URL,
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": "urn:kz:iin", "value": EXAMPLE_IIN}],
                "name": [
                    {"use": "official", "family": "Сынақова", "given": ["Әлия", "Қуанышқызы"]}
                ],
                "gender": "female",
                "birthDate": "1985-04-12",
                "telecom": [{"system": "phone", "value": "+77010000000"}],
                "communication": [
                    {"language": {"coding": [{"system": "urn:ietf:bcp:47", "code": "kk"}]}}
                ],
                "address": [
                    {
                        "text": "Oral",
                        "extension": [{"url": "urn:kz:kato", "valueCode": "271010000"}],
                    }
                ],
            },
            "request": {"method": "POST", "url": "Patient"},
        },
        {
            "fullUrl": CONDITION_URL,
            "resource": {
                "resourceType": "Condition",
                "subject": {"reference": PATIENT_URL},
                "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10", "code": "H54.0"}]},
            },
            "request": {"method": "POST", "url": "Condition"},
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "subject": {"reference": PATIENT_URL},
                "code": {"coding": [{"system": "urn:kopir:finding-kind", "code": "visual_acuity"}]},
                "bodySite": {"coding": [{"system": "urn:kopir:side", "code": "right"}]},
                "effectiveDateTime": "2026-11-02",
                "valueQuantity": {"value": 0.03},
            },
            "request": {"method": "POST", "url": "Observation"},
        },
        {
            "resource": {
                "resourceType": "Observation",
                "status": "final",
                "subject": {"reference": PATIENT_URL},
                "code": {
                    "coding": [{"system": "urn:kopir:life-limitation", "code": "orientation"}]
                },
                "valueInteger": 2,
            },
            "request": {"method": "POST", "url": "Observation"},
        },
        {
            "resource": {
                "resourceType": "ServiceRequest",
                "status": "active",
                "intent": "order",
                "identifier": [
                    {"system": "urn:oid:1.2.398.7.1.9.1", "value": "MIS-ORAL1-2026-000453"}
                ],
                "code": {"coding": [{"system": "urn:kopir:mse-purpose", "code": "primary"}]},
                "orderDetail": [
                    {"coding": [{"system": "urn:kopir:mse-route", "code": "in_absentia"}]}
                ],
                "subject": {"reference": PATIENT_URL},
                "authoredOn": "2026-11-10",
                "requisition": {"value": "ВКК-118"},
                "reasonReference": [{"reference": CONDITION_URL}],
                "note": [{"text": "Persistent pronounced impairment of visual function."}],
            },
            "request": {"method": "POST", "url": "ServiceRequest"},
        },
        {
            "resource": {
                "resourceType": "DocumentReference",
                "status": "current",
                "subject": {"reference": PATIENT_URL},
                "type": {
                    "coding": [
                        {"system": "urn:kopir:document-type", "code": "ophthalmologist_report"}
                    ]
                },
                "date": "2026-11-02T09:00:00+05:00",
                "content": [
                    {
                        "attachment": {
                            "contentType": "application/pdf",
                            "title": "ophthalmologist.pdf",
                            "data": PDF_BASE64,
                        }
                    }
                ],
            },
            "request": {"method": "POST", "url": "DocumentReference"},
        },
    ],
}

# The implementation guide's example (docs/fhir.md), posted as it is by a test.
FHIR_STANDARD_EXAMPLE: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "fhir-example-standard.json").read_text(encoding="utf-8")
)

OPERATION_OUTCOME_EXAMPLE: dict[str, Any] = {
    "resourceType": "OperationOutcome",
    "issue": [
        {
            "severity": "error",
            "code": "required",
            "diagnostics": "Give the IIN as an identifier with system urn:kz:iin.",
            "expression": ["Bundle.entry[0].resource.identifier"],
        },
        {
            "severity": "error",
            "code": "structure",
            "diagnostics": "Value error, Date value string does not match spec regex.",
            "expression": ["Bundle.entry[0].resource.birthDate"],
        },
    ],
}


# What every FHIR error answer is (api_common.outcome_answer): a client, and the API's fuzz test,
# read each error by this schema.
OPERATION_OUTCOME_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType", "issue"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["OperationOutcome"]},
        "issue": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["severity", "code"],
                "properties": {
                    "severity": {"type": "string"},
                    "code": {"type": "string"},
                    "diagnostics": {"type": "string"},
                    "expression": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
    },
}
BUNDLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["resourceType"],
    "properties": {"resourceType": {"type": "string", "enum": ["Bundle"]}},
}


def _fhir(
    examples: dict[str, Any] | None = None, schema: dict[str, Any] = OPERATION_OUTCOME_SCHEMA
) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": schema}
    if examples:
        media["examples"] = examples
    return {"content": {"application/fhir+json": media}}


FHIR_OPENAPI: dict[str, Any] = {
    "description": "An HL7 FHIR R4 Bundle (transaction or collection) with one Patient (IIN as "
    "identifier system urn:kz:iin), Conditions (ICD-10, system "
    "http://hl7.org/fhir/sid/icd-10), Observations (findings in LOINC or SNOMED CT as the "
    "profile lists, or in urn:kopir:finding-kind; bodySite in SNOMED CT, text or urn:kopir:side; "
    "limitations in urn:kopir:life-limitation), one ServiceRequest (purpose in "
    "urn:kopir:mse-purpose or named in code.text, else primary; route in urn:kopir:mse-route or "
    "named in orderDetail.text, else in person; status active sends, draft keeps a draft) and "
    "DocumentReferences (type in LOINC or urn:kopir:document-type) with inline base64 data. "
    "What Kopir reads is published at /api/fhir/metadata and /api/fhir/StructureDefinition/{id}. "
    "Needs the Idempotency-Key header. Errors are OperationOutcome resources whose expression "
    "names the element at fault; an unknown coding's diagnostics list the accepted ones.",
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": True,
            "schema": {"type": "string", "maxLength": 255},
            **IDEMPOTENCY_HEADER,
        }
    ],
    "requestBody": {
        "required": True,
        "content": {
            "application/fhir+json": {
                "schema": {"type": "object"},
                "examples": {
                    "referral": {
                        "summary": "A referral for in-absentia MSE",
                        "value": FHIR_BUNDLE_EXAMPLE,
                    },
                    "standard_codings": {
                        "summary": "The same with standard codings only (LOINC, SNOMED CT, text)",
                        "value": FHIR_STANDARD_EXAMPLE,
                    },
                },
            }
        },
    },
    "responses": {
        201: _fhir(
            schema=BUNDLE_SCHEMA,
            examples={
                "created": {
                    "value": {
                        "resourceType": "Bundle",
                        "type": "transaction-response",
                        "entry": [
                            {
                                "resource": {
                                    "resourceType": "ServiceRequest",
                                    "id": EXAMPLE_NUMBER,
                                    "identifier": [
                                        {
                                            "system": "urn:kopir:referral-number",
                                            "value": EXAMPLE_NUMBER,
                                        },
                                        {"value": "MIS-ORAL1-2026-000453"},
                                    ],
                                    "status": "active",
                                    "intent": "order",
                                },
                                "response": {
                                    "status": "201 Created",
                                    "location": f"ServiceRequest/{EXAMPLE_NUMBER}",
                                },
                            }
                        ],
                    }
                }
            },
        ),
        # Every error is an OperationOutcome (the statuses' descriptions come from ninja).
        **{status: _fhir() for status in (400, 401, 409, 413)},
        415: {"description": UNSUPPORTED_MEDIA_TYPE, **_fhir()},
        422: _fhir({"invalid": {"value": OPERATION_OUTCOME_EXAMPLE}}),
        429: {
            "description": THROTTLED_JSON["description"],
            **RETRY_AFTER,
            **_fhir(
                {
                    "throttled": {
                        "value": {
                            "resourceType": "OperationOutcome",
                            "issue": [
                                {
                                    "severity": "error",
                                    "code": "throttled",
                                    "diagnostics": TOO_MANY_REQUESTS,
                                }
                            ],
                        }
                    }
                }
            ),
        },
    },
}


def fhir_resource_schema(name: str) -> dict[str, Any]:
    """The OpenAPI schema of a FHIR resource of the type `name` (its body is FHIR's own)."""
    return {
        "type": "object",
        "required": ["resourceType"],
        "properties": {"resourceType": {"type": "string", "enum": [name]}},
    }


METADATA_OPENAPI: dict[str, Any] = {
    "description": "The CapabilityStatement of the FHIR endpoint: the resources, interactions "
    "and profiles Kopir reads. Needs no token.",
    "security": [],
    "responses": {200: _fhir(schema=fhir_resource_schema("CapabilityStatement"))},
}

STRUCTURE_DEFINITION_OPENAPI: dict[str, Any] = {
    "description": "A profile (StructureDefinition) of a resource in a referral bundle: the "
    "elements Kopir reads and the codings it accepts. The ids are listed in the "
    "CapabilityStatement at /api/fhir/metadata. Needs no token.",
    "security": [],
    "responses": {
        200: _fhir(schema=fhir_resource_schema("StructureDefinition")),
        404: {"description": "No profile with this id.", **_fhir()},
    },
}
