"""What the measure Task endpoint does, published as FHIR resources: the Task profile (served with
the referral's profiles at /api/fhir/StructureDefinition/<id>), Kopir's CodeSystems of measures,
their states, the reasons for not delivering and the evidence of delivery
(/api/fhir/CodeSystem/<id>), the OperationDefinition of `$report`, and the Task entry of the
CapabilityStatement at /api/fhir/metadata (registered with assessment's conformance from
`apps.py`). Built from the constants and tables the endpoint reads (fhir.py, fhir_codings.py), and
each checked against fhir.resources' R4B models before it is served.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.operationdefinition import OperationDefinition

from kopir.assessment.fhir_conformance import (
    PUBLISHED,
    PUBLISHER,
    ConformanceSection,
    Element,
    Profile,
    profile_url,
)
from kopir.rehabilitation import fhir, fhir_codings
from kopir.rehabilitation.models import MeasureStatus, MeasureType, NotDeliveredReason

REPORT_OPERATION = "kopir-task-report"


def _standard_measure_codes() -> str:
    rows = fhir_codings.task_codings().by_measure
    return "; ".join(f"{c.system}|{c.code} ({measure})" for measure, cs in rows.items() for c in cs)


def task_profiles() -> list[Profile]:
    return [
        Profile(
            fhir.TASK_PROFILE,
            "Task",
            "Kopir rehabilitation measure",
            "One measure of a person's individual rehabilitation programme, held by the executing "
            "organisation whose system reads it. Read with GET Task and GET Task/{id}; reported "
            "on with POST Task/{id}/$report. Never carries a diagnosis.",
            [
                Element("Task.meta.versionId", 'The measure\'s version; the ETag is W/"<it>"', 1),
                Element("Task.contained", "The Patient the task is for", 1, "1"),
                Element(
                    "Task.basedOn",
                    f"The programme (IRP) by its number, identifier system {fhir.PROGRAMME_SYSTEM}",
                    1,
                    "1",
                ),
                Element(
                    "Task.status",
                    "From the measure's state: assigned requested, accepted and scheduled "
                    "accepted, delivered completed, not delivered failed, cancelled cancelled",
                    1,
                    "1",
                ),
                Element(
                    "Task.businessStatus",
                    "The measure's state",
                    1,
                    "1",
                    f"system {fhir.STATUS_SYSTEM}",
                ),
                Element(
                    "Task.statusReason",
                    "Why it was not delivered (text: the explanation)",
                    binding=f"system {fhir.REASON_SYSTEM}",
                ),
                Element("Task.intent", "order", 1, "1"),
                Element(
                    "Task.code",
                    "The measure",
                    1,
                    "1",
                    f"system {fhir.MEASURE_SYSTEM}; beside it the verified standard codings "
                    f"{_standard_measure_codes() or '(none)'}",
                ),
                Element(
                    "Task.for",
                    f"The person: identifier system {fhir.IIN_SYSTEM}, reference #person to the "
                    "contained Patient (name, telecom, address, language, accessibility needs as "
                    f"extension {fhir.ACCESSIBILITY_EXTENSION})",
                    1,
                    "1",
                ),
                Element(
                    "Task.owner",
                    f"The organisation holding it, identifier system {fhir.BIN_SYSTEM}",
                    1,
                    "1",
                ),
                Element("Task.restriction.period.end", "The due date", 1, "1"),
                Element("Task.executionPeriod", "start: the day scheduled; end: the day delivered"),
                Element("Task.input", "quantity: the programme's quantity and unit"),
                Element(
                    "Task.output",
                    "The evidence of delivery",
                    binding=f"system {fhir.EVIDENCE_SYSTEM}",
                ),
            ],
        )
    ]


def task_resources(base: str) -> list[dict[str, Any]]:
    """The CapabilityStatement's entries for Task, CodeSystem and OperationDefinition."""
    return [
        {
            "type": "Task",
            "profile": profile_url(base, fhir.TASK_PROFILE),
            "documentation": "The rehabilitation measures your system's organisation holds, for "
            "agency systems (their own bearer token). Another organisation's task is not found.",
            "interaction": [
                {
                    "code": "read",
                    "documentation": 'The answer carries ETag W/"<versionId>"; send it back as '
                    "If-Match with $report.",
                },
                {
                    "code": "search-type",
                    "documentation": "Your organisation's tasks by due date, then id; paged with "
                    "the Bundle's next link.",
                },
            ],
            "versioning": "versioned",
            "readHistory": False,
            "updateCreate": False,
            "searchParam": [
                {
                    "name": "status",
                    "type": "token",
                    "documentation": "Task.status; several separated by commas",
                },
                {"name": "_lastUpdated", "type": "date", "documentation": "Prefix ge, gt, le, lt"},
                {
                    "name": "owner",
                    "type": "reference",
                    "documentation": f"With :identifier, {fhir.BIN_SYSTEM}|<BIN>",
                },
                {
                    "name": "code",
                    "type": "token",
                    "documentation": f"{fhir.MEASURE_SYSTEM}|<code> or a standard coding of the "
                    "profile",
                },
                {"name": "_count", "type": "number", "documentation": "1 to 200; 25 if left out"},
            ],
            "operation": [
                {
                    "name": "report",
                    "definition": f"{base}/OperationDefinition/{REPORT_OPERATION}",
                    "documentation": "POST Task/{id}/$report with If-Match and an "
                    "Idempotency-Key: accepted, scheduled, delivered, not_delivered or "
                    "redirected.",
                }
            ],
        },
        {
            "type": "CodeSystem",
            "interaction": [
                {"code": "read", "documentation": f"{', '.join(code_system_ids())}; no token."}
            ],
        },
        {
            "type": "OperationDefinition",
            "interaction": [{"code": "read", "documentation": f"{REPORT_OPERATION}; no token."}],
        },
    ]


SECTION = ConformanceSection(profiles=task_profiles, resources=task_resources)


# --- CodeSystems -----------------------------------------------------------------------------


def _translated(codes: Any) -> list[dict[str, Any]]:
    """Concepts of a Django choices class, displayed in English with kk and ru designations."""
    from django.utils import translation

    concepts = []
    for value, _label in codes.choices:
        labels = {}
        for language in ("en", "kk", "ru"):
            with translation.override(language):
                labels[language] = str(codes(value).label)
        concepts.append(_concept(str(value), labels))
    return concepts


def _concept(code: str, labels: dict[str, str]) -> dict[str, Any]:
    concept: dict[str, Any] = {"code": code, "display": labels["en"]}
    designations = [
        {"language": language, "value": labels[language]}
        for language in ("kk", "ru")
        if labels.get(language)
    ]
    if designations:
        concept["designation"] = designations
    return concept


def _measure_concepts() -> list[dict[str, Any]]:
    from kopir.rehabilitation.services.catalogue import active_catalogue

    catalogue = active_catalogue()
    if catalogue is None:
        return []
    types = MeasureType.objects.filter(catalogue=catalogue).order_by("position", "code")
    return [
        _concept(t.code, {"en": t.name_en or t.name_kk, "kk": t.name_kk, "ru": t.name_ru})
        for t in types
    ]


_CODE_SYSTEMS: dict[str, tuple[str, str, str]] = {
    "kopir-measure": (
        fhir.MEASURE_SYSTEM,
        "Kopir rehabilitation measures",
        "The measures of Kopir's active measure catalogue (Task.code).",
    ),
    "kopir-measure-status": (
        fhir.STATUS_SYSTEM,
        "Kopir states of a rehabilitation measure",
        "The state of a measure (Task.businessStatus); $report's `report` uses them, and "
        "`redirected` for a measure passed to the responsible organisation.",
    ),
    "kopir-measure-not-delivered-reason": (
        fhir.REASON_SYSTEM,
        "Kopir reasons a measure was not delivered",
        "Why a measure was not delivered (Task.statusReason; $report's `reason`). `other` needs "
        "the explanation as text.",
    ),
    "kopir-measure-evidence": (
        fhir.EVIDENCE_SYSTEM,
        "Kopir evidence of a delivered measure",
        "The evidence of delivery (Task.output types; the $report parameters of the same names).",
    ),
}


def code_system_ids() -> list[str]:
    return list(_CODE_SYSTEMS)


def code_system(code_system_id: str) -> dict[str, Any] | None:
    """One of Kopir's CodeSystems (validated), or None for an unknown id."""
    if code_system_id not in _CODE_SYSTEMS:
        return None
    url, title, description = _CODE_SYSTEMS[code_system_id]
    if code_system_id == "kopir-measure":
        concepts = _measure_concepts()
    elif code_system_id == "kopir-measure-status":
        concepts = [
            *_translated(MeasureStatus),
            _concept("redirected", {"en": "Redirected to the responsible organisation"}),
        ]
    elif code_system_id == "kopir-measure-not-delivered-reason":
        concepts = _translated(NotDeliveredReason)
    else:
        concepts = [_concept(code, {"en": text}) for code, text in fhir.EVIDENCE_DISPLAY.items()]
    body = {
        "resourceType": "CodeSystem",
        "id": code_system_id,
        "url": url,
        "version": fhir_codings.task_codings().version,
        "name": "".join(part.capitalize() for part in code_system_id.split("-")),
        "title": title,
        "status": "active",
        "date": PUBLISHED,
        "publisher": PUBLISHER,
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
    }
    if concepts:  # FHIR's JSON has no empty arrays (no active catalogue: no measures)
        body["concept"] = concepts
    CodeSystem.model_validate(body)
    return body


# --- $report ---------------------------------------------------------------------------------


def report_operation(base: str) -> dict[str, Any]:
    """The OperationDefinition of Task/{id}/$report (validated)."""

    # (name, type, documentation, min, use)
    parameters: list[tuple[str, str, str, int, str]] = [
        (
            "report",
            "code",
            "accepted | scheduled | delivered | not_delivered | redirected",
            1,
            "in",
        ),
        ("scheduled-on", "date", "scheduled: the day of delivery, today or later", 0, "in"),
        ("note", "string", "scheduled: a note for the timeline", 0, "in"),
        ("delivered-on", "date", "delivered: not in the future", 0, "in"),
        (
            "document",
            "Attachment",
            "delivered: the supporting document, inline base64 data with title (file name)",
            0,
            "in",
        ),
        ("serial-number", "string", "delivered: the item's serial number", 0, "in"),
        ("supplier", "string", "delivered: the supplier", 0, "in"),
        ("item-details", "string", "delivered: item details; employer and position", 0, "in"),
        (
            "reason",
            "CodeableConcept",
            f"not_delivered: a coding of {fhir.REASON_SYSTEM} (text required with other); "
            "redirected: the reason as text",
            0,
            "in",
        ),
        (
            "redirect-to",
            "Identifier",
            f"redirected: the responsible organisation, system {fhir.BIN_SYSTEM}",
            0,
            "in",
        ),
        ("return", "Task", "The task as it now stands", 1, "out"),
    ]
    body = {
        "resourceType": "OperationDefinition",
        "id": REPORT_OPERATION,
        "url": f"{base}/OperationDefinition/{REPORT_OPERATION}",
        "version": fhir_codings.task_codings().version,
        "name": "KopirTaskReport",
        "title": "Report on a rehabilitation measure",
        "status": "active",
        "kind": "operation",
        "date": PUBLISHED,
        "publisher": PUBLISHER,
        "description": "The executing organisation's system reports what it did with a measure: "
        "accepted, scheduled (scheduled-on), delivered (delivered-on and the evidence the "
        "measure's catalogue entry asks for), not_delivered (reason) or redirected (redirect-to, "
        "reason as text). Send the task's ETag as If-Match (412 if it changed since) and an "
        "Idempotency-Key. The answer is the task as it now stands.",
        "code": "report",
        "resource": ["Task"],
        "system": False,
        "type": False,
        "instance": True,
        "parameter": [
            {
                "name": name,
                "use": use,
                "min": least,
                "max": "1",
                "type": kind,
                "documentation": documentation,
            }
            for name, kind, documentation, least, use in parameters
        ],
    }
    OperationDefinition.model_validate(body)
    return body


__all__ = [
    "REPORT_OPERATION",
    "SECTION",
    "code_system",
    "code_system_ids",
    "report_operation",
    "task_profiles",
    "task_resources",
]
