"""What Kopir's FHIR intake reads, published as FHIR resources: a CapabilityStatement at
/api/fhir/metadata and one StructureDefinition (a constraint profile) per resource of a referral
bundle at /api/fhir/StructureDefinition/<id>.

They are built from the same constants and coding table the mapper reads (fhir_mapping.py,
fhir_codings.py), so the published profile cannot drift from what is accepted. Each is checked
against fhir.resources' R4B models before it is served (R4B shares R4's structure for these).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.structuredefinition import StructureDefinition

from kopir.assessment import fhir_codings
from kopir.assessment.fhir_mapping import (
    ACCEPTED_CONTENT_TYPES,
    BUNDLE_TYPES,
    ICD10_SYSTEM,
    IIN_SYSTEM,
    KATO_EXTENSION,
    PURPOSE_SYSTEM,
    REHABILITATION_EXTENSION,
    RESOURCE_TYPES,
    ROUTE_SYSTEM,
    TREATMENT_EXTENSION,
)

FHIR_VERSION = "4.0.1"
PUBLISHER = "Kopir"
# The date the profiles last changed (with the coding table's version).
PUBLISHED = "2026-12-06"


@dataclass(frozen=True)
class Element:
    path: str
    short: str
    min: int | None = None
    max: str | None = None
    binding: str = ""  # the codings read, as text (the table has no ValueSet of its own)


@dataclass(frozen=True)
class Profile:
    id: str
    type: str
    title: str
    description: str
    elements: list[Element] = field(default_factory=list)


@dataclass(frozen=True)
class ConformanceSection:
    """What an app above assessment serves on the FHIR endpoint (rehabilitation: measures as
    Task), registered from its `ready()`: its profiles, published here beside the referral's, and
    its entries of the CapabilityStatement's `rest.resource` (given the server's base URL)."""

    profiles: Callable[[], list[Profile]]
    resources: Callable[[str], list[dict[str, Any]]]


_SECTIONS: list[ConformanceSection] = []


def register_conformance_section(section: ConformanceSection) -> None:
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def _profiles() -> list[Profile]:
    return [
        *_referral_profiles(),
        *(profile for section in _SECTIONS for profile in section.profiles()),
    ]


def _referral_profiles() -> list[Profile]:
    observation_codes = fhir_codings.accepted_observation_codes()
    return [
        Profile(
            "kopir-referral-bundle",
            "Bundle",
            "Kopir referral bundle",
            "One MSE referral: exactly one Patient and one ServiceRequest, with its Conditions, "
            "Observations and DocumentReferences. POST it to Bundle with an Idempotency-Key.",
            [
                Element("Bundle.type", f"One of: {', '.join(BUNDLE_TYPES)}", 1, "1"),
                Element("Bundle.entry", "The referral's resources", 2, "*"),
                Element("Bundle.entry.fullUrl", "Used to resolve references inside the bundle"),
                Element(
                    "Bundle.entry.resource",
                    f"One of: {', '.join(RESOURCE_TYPES)}; any other resource is refused",
                    1,
                    "1",
                ),
            ],
        ),
        Profile(
            "kopir-referral-patient",
            "Patient",
            "Person referred for MSE",
            "The person, registered in Kopir from it if new; names and date of birth must match "
            "the registry for a known IIN.",
            [
                Element("Patient.identifier", f"The IIN, with system {IIN_SYSTEM}", 1, "*"),
                Element("Patient.name", "family; given[0] first name, given[1] patronymic", 1),
                Element("Patient.gender", "male or female", 1),
                Element("Patient.birthDate", "Date of birth", 1),
                Element("Patient.telecom", "phone, sms or email"),
                Element("Patient.communication.language", "kk or ru (BCP 47)"),
                Element("Patient.address.text", "Address as written"),
                Element("Patient.address.extension", f"KATO code, extension {KATO_EXTENSION}", 1),
            ],
        ),
        Profile(
            "kopir-diagnosis-condition",
            "Condition",
            "Diagnosis of a referral",
            "The one the ServiceRequest's reasonReference points to first is the main diagnosis; "
            "the others are further diagnoses.",
            [
                Element("Condition.code", "ICD-10 code", 1, "1", f"system {ICD10_SYSTEM}"),
                Element("Condition.subject", "The bundle's Patient", 1, "1"),
            ],
        ),
        Profile(
            "kopir-finding-observation",
            "Observation",
            "Clinical finding or limitation of life activity",
            "A clinical finding (coded in LOINC or SNOMED CT as listed, or in "
            "urn:kopir:finding-kind) or a limitation of life activity (urn:kopir:life-limitation, "
            "valueInteger 1-3). An unknown coding is refused with an OperationOutcome naming it.",
            [
                Element("Observation.code", "Kind of finding", 1, "1", observation_codes),
                Element("Observation.subject", "The bundle's Patient", 1, "1"),
                Element("Observation.effective[x]", "Date of the test (effectiveDateTime)", 0),
                Element(
                    "Observation.bodySite",
                    "Side (right, left or both) by SNOMED CT, urn:kopir:side or text such as "
                    "'right eye', 'OS', 'левый глаз', 'сол құлақ'; must agree with a code that "
                    "names the eye",
                    binding=fhir_codings.accepted_body_sites(),
                ),
                Element(
                    "Observation.value[x]",
                    "valueQuantity for measured findings (visual acuity as a decimal; a logMAR "
                    "quantity or a Snellen fraction in valueString is converted), valueString for "
                    "described ones, valueInteger for a limitation's degree",
                ),
            ],
        ),
        Profile(
            "kopir-referral-servicerequest",
            "ServiceRequest",
            "Referral for medical-social expertise",
            "The referral. Purpose and route in Kopir's systems, or named in code.text and "
            "orderDetail.text (English, Kazakh or Russian); left out, the referral is recorded as "
            "a primary examination in person and the answer says so.",
            [
                Element("ServiceRequest.identifier", "The sender's own identifier of the referral"),
                Element("ServiceRequest.status", "active sends the referral; draft keeps a draft"),
                Element("ServiceRequest.subject", "The bundle's Patient", 1, "1"),
                Element(
                    "ServiceRequest.code",
                    "Purpose: coding or text; default primary examination",
                    binding=f"{PURPOSE_SYSTEM}, or code.text naming the purpose",
                ),
                Element(
                    "ServiceRequest.orderDetail",
                    "Route: coding or text; default in person",
                    binding=f"{ROUTE_SYSTEM}, or text naming the route",
                ),
                Element("ServiceRequest.reasonReference", "The main diagnosis's Condition"),
                Element("ServiceRequest.requisition", "The medical advisory commission's protocol"),
                Element("ServiceRequest.authoredOn", "Date of the commission's protocol"),
                Element("ServiceRequest.note", "The commission's conclusion"),
                Element(
                    "ServiceRequest.extension",
                    f"{TREATMENT_EXTENSION} and {REHABILITATION_EXTENSION} (valueString)",
                ),
            ],
        ),
        Profile(
            "kopir-document-reference",
            "DocumentReference",
            "Document of a referral",
            "A medical document, inline as base64 (links are not followed).",
            [
                Element(
                    "DocumentReference.type",
                    "Kind of document",
                    1,
                    "1",
                    fhir_codings.accepted_document_types(),
                ),
                Element("DocumentReference.date", "Date of the document", 1),
                Element("DocumentReference.content", "Exactly the first is read", 1),
                Element(
                    "DocumentReference.content.attachment.contentType",
                    f"One of: {', '.join(ACCEPTED_CONTENT_TYPES)}",
                    1,
                ),
                Element("DocumentReference.content.attachment.data", "The file, base64", 1),
            ],
        ),
    ]


def profile_ids() -> list[str]:
    return [profile.id for profile in _profiles()]


def profile_url(base: str, profile_id: str) -> str:
    return f"{base}/StructureDefinition/{profile_id}"


def _element(element: Element) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": element.path,
        "path": element.path,
        "short": element.short,
        "mustSupport": True,
    }
    if element.min is not None:
        body["min"] = element.min
    if element.max is not None:
        body["max"] = element.max
    if element.binding:
        body["binding"] = {"strength": "required", "description": f"Read: {element.binding}"}
    return body


def structure_definition(base: str, profile_id: str) -> dict[str, Any] | None:
    """The profile as a StructureDefinition (validated), or None for an unknown id."""
    profile = next((p for p in _profiles() if p.id == profile_id), None)
    if profile is None:
        return None
    body = {
        "resourceType": "StructureDefinition",
        "id": profile.id,
        "url": profile_url(base, profile.id),
        "version": fhir_codings.table_version(),
        "name": "".join(part.capitalize() for part in profile.id.split("-")),
        "title": profile.title,
        "status": "active",
        "date": PUBLISHED,
        "publisher": PUBLISHER,
        "description": profile.description,
        "fhirVersion": FHIR_VERSION,
        "kind": "resource",
        "abstract": False,
        "type": profile.type,
        "baseDefinition": f"http://hl7.org/fhir/StructureDefinition/{profile.type}",
        "derivation": "constraint",
        "differential": {"element": [_element(e) for e in profile.elements]},
    }
    StructureDefinition.model_validate(body)
    return body


def capability_statement(base: str) -> dict[str, Any]:
    """What the FHIR endpoint does, for a client to read before it sends (validated)."""
    by_type: dict[str, list[str]] = {p.type: [] for p in _referral_profiles()}
    for profile in _referral_profiles():
        by_type[profile.type].append(profile_url(base, profile.id))
    inside = "Read only inside a Bundle posted to Bundle; no interaction of its own."
    resources: list[dict[str, Any]] = [
        {
            "type": "Bundle",
            "profile": by_type["Bundle"][0],
            "interaction": [
                {
                    "code": "create",
                    "documentation": "POST a referral bundle with an Idempotency-Key header; the "
                    "answer is a transaction-response Bundle (201) or an OperationOutcome.",
                }
            ],
        },
        *(
            {"type": name, "supportedProfile": by_type[name], "documentation": inside}
            for name in RESOURCE_TYPES
        ),
        *(resource for section in _SECTIONS for resource in section.resources(base)),
        {
            "type": "StructureDefinition",
            "interaction": [{"code": "read", "documentation": "The profiles above; no token."}],
        },
    ]
    body = {
        "resourceType": "CapabilityStatement",
        "id": "kopir",
        "url": f"{base}/metadata",
        "version": fhir_codings.table_version(),
        "name": "KopirReferralIntake",
        "title": "Kopir: referrals for medical-social expertise",
        "status": "active",
        "date": PUBLISHED,
        "publisher": PUBLISHER,
        "description": "Kopir receives MSE referrals from medical information systems as FHIR R4 "
        "bundles, and gives agency systems the rehabilitation measures they execute as Task "
        "resources, which they report on. The codings it reads are listed in its profiles.",
        "kind": "instance",
        "software": {"name": "Kopir"},
        "implementation": {"description": "Kopir FHIR intake", "url": base},
        "fhirVersion": FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Errors are OperationOutcome resources whose expression names "
                "the element at fault.",
                "security": {
                    "description": "Writes need the bearer token issued to your system "
                    "(Authorization: Bearer <token>) and an Idempotency-Key header. The "
                    "metadata and the profiles need no token."
                },
                "resource": resources,
            }
        ],
    }
    CapabilityStatement.model_validate(body)
    return body
