"""The API's request and response shapes, with the examples the OpenAPI document shows.

Every person in the examples is synthetic: the IINs have a valid check digit and belong to nobody.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from kopir.assessment.models import (
    DocumentType,
    FindingKind,
    LimitationCategory,
    ReferralPurpose,
    Route,
    Side,
)
from kopir.people.models import ContactLanguage, Sex

EXAMPLE_IIN = "850412490216"
EXAMPLE_NUMBER = "MSE-2026-000123"

PERSON_EXAMPLE: dict[str, Any] = {
    "iin": EXAMPLE_IIN,
    "last_name": "Сынақова",
    "first_name": "Әлия",
    "patronymic": "Қуанышқызы",
    "birth_date": "1985-04-12",
    "sex": "female",
    "territory_kato": "271010000",
    "phone": "+77010000000",
    "preferred_language": "kk",
    "consent_to_processing": True,
}

REFERRAL_EXAMPLE: dict[str, Any] = {
    "external_id": "MIS-ORAL1-2026-000451",
    "person": PERSON_EXAMPLE,
    "purpose": "primary",
    "route": "in_absentia",
    "primary_code": "H54.0",
    "secondary_codes": ["E11.3"],
    "commission_protocol_number": "ВКК-118",
    "commission_date": "2026-03-10",
    "commission_conclusion": "Persistent pronounced impairment of visual function.",
    "treatment_history": "Observed by an ophthalmologist since 2019.",
    "rehabilitation_history": "",
    "findings": [
        {"kind": "visual_acuity", "side": "right", "value": "0.03", "measured_on": "2026-03-02"},
        {"kind": "visual_acuity", "side": "left", "value": "0.02", "measured_on": "2026-03-02"},
    ],
    "limitations": [{"category": "orientation", "degree": 2}],
    "attachments": [
        {
            "document_type": "ophthalmologist_report",
            "issued_on": "2026-03-02",
            "file_name": "ophthalmologist.pdf",
            "content_type": "application/pdf",
            "data": "JVBERi0xLjQKJcOkw7zDtsOfCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==",
        }
    ],
    "send": True,
}

MISSING_EXAMPLE: dict[str, Any] = {
    "kind": "finding",
    "code": "visual_field:right",
    "label": "Visual field, right eye",
    "reason": "missing",
}


class PersonIn(Schema):
    """The person: IIN, surname, first name, date of birth, sex and the KATO code of the place of
    residence are always required. For someone already in Kopir's registry the names and date of
    birth must match it; the answer is the same whether or not the IIN is known."""

    iin: str = Field(..., description="Individual identification number: 12 digits.")
    last_name: str = Field("", max_length=100)
    first_name: str = Field("", max_length=100)
    patronymic: str = Field("", max_length=100)
    birth_date: dt.date | None = None
    sex: Sex | None = None
    territory_kato: str = Field("", description="KATO code of the place of residence (9 digits).")
    address: str = Field("", max_length=255)
    phone: str = Field("", max_length=30, description="Notices go here by SMS if no e-mail.")
    email: str = Field("", max_length=254)
    preferred_language: ContactLanguage | None = Field(None, description="Language for notices.")
    consent_to_processing: bool = Field(
        False, description="The person or their representative signed consent."
    )


class FindingIn(Schema):
    kind: FindingKind
    measured_on: dt.date = Field(..., description="Date of the test.")
    side: Side | None = Field(None, description="For findings per eye, ear or limb.")
    value: Decimal | None = Field(None, description="For measured findings.")
    unit: str = Field("", max_length=20)
    text: str = Field("", description="The written result, for described findings.")
    name: str = Field("", max_length=200, description="The test's name, for other_test.")


class LimitationIn(Schema):
    category: LimitationCategory
    degree: Literal[1, 2, 3]


class AttachmentIn(Schema):
    document_type: DocumentType
    issued_on: dt.date
    file_name: str = Field(..., max_length=255)
    content_type: str = Field(
        ..., description="application/pdf, image/jpeg, image/png or the DOCX media type."
    )
    data: str = Field(..., description="The file's bytes in base64. At most 10 MB per file.")


class ReferralIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [REFERRAL_EXAMPLE]})

    external_id: str = Field(
        "",
        max_length=100,
        description="Your system's own id for the referral. The same id twice from your clinic "
        "is the same referral: the second is refused with 409 and the referral's number.",
    )
    person: PersonIn
    purpose: ReferralPurpose
    route: Route
    primary_code: str = Field(..., description="The main diagnosis, an ICD-10 code such as H54.0.")
    secondary_codes: list[str] = Field(default_factory=list)
    commission_protocol_number: str = Field("", max_length=50)
    commission_date: dt.date | None = None
    commission_conclusion: str = ""
    treatment_history: str = ""
    rehabilitation_history: str = ""
    findings: list[FindingIn] = Field(default_factory=list)
    limitations: list[LimitationIn] = Field(default_factory=list)
    attachments: list[AttachmentIn] = Field(default_factory=list)
    send: bool = Field(
        False,
        description="Send the referral to the MSE division at once. If something the rules "
        "require is missing, the referral is kept as a draft and `missing` lists what to add.",
    )


class MissingItemOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [MISSING_EXAMPLE]})

    kind: str = Field(..., description="finding, document or field")
    code: str
    label: str = Field(..., description="In the language of the Accept-Language header.")
    reason: str


# An incomplete referral kept as a draft: the schema's example and the API guide's.
KEPT_AS_DRAFT_EXAMPLE: dict[str, Any] = {
    "number": EXAMPLE_NUMBER,
    "external_id": "MIS-ORAL1-2026-000451",
    "status": "draft",
    "status_label": "Draft",
    "sent": False,
    "missing": [MISSING_EXAMPLE],
    "url": f"/api/referrals/{EXAMPLE_NUMBER}",
}


class ReferralCreatedOut(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [KEPT_AS_DRAFT_EXAMPLE]})

    number: str
    external_id: str
    status: str
    status_label: str
    sent: bool
    missing: list[MissingItemOut]
    url: str


class StepOut(Schema):
    status: str
    label: str
    next_step: str
    started_on: dt.date | None
    due_on: dt.date | None = Field(..., description="Counted in Kazakhstan's working days.")
    deadline: Literal["on_time", "at_risk", "overdue", "none"]


class ReferralStatusOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": EXAMPLE_NUMBER,
                    "external_id": "MIS-ORAL1-2026-000451",
                    "status": "returned",
                    "status_label": "Returned for completion",
                    "step": {
                        "status": "returned",
                        "label": "Returned for completion",
                        "next_step": "The clinic must add what is missing and send the referral again.",
                        "started_on": "2026-03-16",
                        "due_on": "2026-03-23",
                        "deadline": "on_time",
                    },
                    "returns_count": 1,
                    "missing": [MISSING_EXAMPLE],
                    "first_sent_at": "2026-03-12T10:15:00+05:00",
                    "decided_at": None,
                }
            ]
        }
    )

    number: str
    external_id: str
    status: str
    status_label: str
    step: StepOut
    returns_count: int
    missing: list[MissingItemOut]
    first_sent_at: dt.datetime | None
    decided_at: dt.datetime | None


class ErrorItem(Schema):
    field: str = Field(..., description="Path of the field in the request, e.g. person.iin.")
    reason: str


class ErrorOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "detail": "The referral was not accepted: correct the fields listed.",
                    "errors": [
                        {
                            "field": "person.iin",
                            "reason": "The check digit (the last one) does not match: there is a typo in the number.",
                        },
                        {
                            "field": "findings.1.value",
                            "reason": "Visual acuity with correction must be between 0 and 2.",
                        },
                    ],
                }
            ]
        }
    )

    detail: str
    errors: list[ErrorItem] = Field(default_factory=list)


# Referrals one batch request may carry: a medical information system's usual batch, and a body
# (without documents) well inside the request size limit.
MAX_BATCH = 500


class ReferralBatchIn(Schema):
    referrals: list[ReferralIn] = Field(
        ...,
        min_length=1,
        max_length=MAX_BATCH,
        description="Up to 500 referrals, each with its own external_id. An external_id your "
        "clinic already sent is answered 409 with its number, so a retried batch creates "
        "nothing twice.",
    )


class BatchItemOut(Schema):
    index: int = Field(..., description="The referral's position in the request, from 0.")
    external_id: str
    status: int = Field(
        ...,
        description="201 created (sent or kept as a draft), 409 already received, 422 not "
        "accepted (errors lists each field), 403 not allowed.",
    )
    referral: ReferralCreatedOut | None = Field(
        None, description="For 201: what a single create answers."
    )
    detail: str = ""
    errors: list[ErrorItem] = Field(default_factory=list)


class ReferralBatchOut(Schema):
    results: list[BatchItemOut] = Field(
        ..., description="One per referral, in the request's order."
    )
