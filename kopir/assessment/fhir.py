"""HL7 FHIR R4 intake: a Bundle from a medical information system becomes one referral.

The bundle is validated with fhir.resources' R4 models (R4B, which shares R4's structure for
these resources) and then mapped:

- Patient: identifier with system `urn:kz:iin` → the IIN; name, birthDate, gender, telecom,
  communication (kk / ru), and the KATO code of the address as extension `urn:kz:kato`.
- Condition: code with system `http://hl7.org/fhir/sid/icd-10`. The one the ServiceRequest's
  reasonReference points to first is the main diagnosis (else the first Condition); the others
  are further diagnoses.
- Observation: a clinical finding when its code is a LOINC or SNOMED CT coding of the table
  `data/fhir-codings.json` (fhir_codings.py) or a code of `urn:kopir:finding-kind` (valueQuantity
  or valueString, effectiveDateTime); bodySite in SNOMED CT, plain text ("right eye", "OS",
  "левый глаз") or `urn:kopir:side`; a limitation of life activity when in
  `urn:kopir:life-limitation` (valueInteger 1–3). An unknown coding is refused at its element,
  with the codings Kopir reads.
- ServiceRequest: the referral. identifier → the sender's id; purpose from `urn:kopir:mse-purpose`
  or code.text naming it, else a primary examination; route from `urn:kopir:mse-route` or an
  orderDetail's text, else in person (each default is told in the answer); requisition → the
  medical advisory commission's protocol number, authoredOn → its date, note → its conclusion;
  extensions `urn:kopir:treatment-history` and `urn:kopir:rehabilitation-history`; status
  `active` sends the referral, `draft` keeps it as a draft.
- DocumentReference: type in LOINC (the table) or `urn:kopir:document-type`, date, and
  content[0].attachment with inline base64 `data` and its `contentType` (no links to elsewhere).

What Kopir reads is published as a CapabilityStatement and StructureDefinitions
(fhir_conformance.py) and described in docs/fhir.md.

Problems are reported as FHIRPath-like expressions ("Bundle.entry[2].resource.code").
"""

from __future__ import annotations

import typing
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir_core.types import Date, DateTime, Instant, Time
from pydantic import BaseModel

from kopir.assessment.fhir_mapping import (
    BUNDLE_TYPES,
    RESOURCE_TYPES,
    BundleMapper,
    FhirProblem,
)
from kopir.assessment.services.intake import FieldProblem, ReferralInput

__all__ = ["BundleInvalid", "FhirProblem", "MappedBundle", "bundle_to_referral", "fhir_path"]

# Where each field of a finding, limitation or document sits inside its resource.
_SUFFIXES = {
    "findings": {
        "kind": "code",
        "side": "bodySite",
        "value": "valueQuantity.value",
        "unit": "valueQuantity.unit",
        "text": "valueString",
        "name": "code.text",
        "measured_on": "effectiveDateTime",
    },
    "limitations": {"category": "code", "degree": "valueInteger"},
    "attachments": {
        "document_type": "type",
        "issued_on": "date",
        "file": "content[0].attachment",
        "content_type": "content[0].attachment.contentType",
    },
}


class BundleInvalid(Exception):
    def __init__(self, problems: list[FhirProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the bundle")


@dataclass
class MappedBundle:
    data: ReferralInput
    # What Kopir assumed for elements the bundle left out, told in the answer.
    notes: list[FhirProblem] = field(default_factory=list)
    # Paths of ReferralInput ("person.iin", "findings.0") → where they came from in the bundle.
    sources: dict[str, str] = field(default_factory=dict)

    def expression(self, path: str) -> str:
        """The bundle location a service's field path refers to (as near as it can tell)."""
        if path in self.sources:
            return self.sources[path]
        parts = path.split(".")
        if len(parts) >= 2 and parts[0] in _SUFFIXES and f"{parts[0]}.{parts[1]}" in self.sources:
            base = self.sources[f"{parts[0]}.{parts[1]}"]
            suffix = _SUFFIXES[parts[0]].get(parts[2], "") if len(parts) > 2 else ""
            return f"{base}.{suffix}" if suffix else base
        if parts[0] in self.sources:
            return self.sources[parts[0]]
        return self.sources.get("referral", "Bundle")

    def problems(self, problems: Sequence[FieldProblem]) -> list[FhirProblem]:
        return [FhirProblem(self.expression(p.field), p.reason) for p in problems]


def fhir_path(parts: Sequence[Any]) -> str:
    """A path of keys and indexes in a bundle as a FHIRPath-like expression."""
    text = "Bundle"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _structure(raw: Any) -> list[FhirProblem]:
    """Checks the models cannot make: a known resource in every entry, a bundle type we take."""
    if not isinstance(raw, dict) or raw.get("resourceType") != "Bundle":
        return [FhirProblem("Bundle", _("Send a FHIR Bundle resource."), "structure")]
    problems = []
    if raw.get("type") not in BUNDLE_TYPES:
        problems.append(
            FhirProblem(
                "Bundle.type",
                _("Use one of: %(types)s.") % {"types": ", ".join(BUNDLE_TYPES)},
                "value",
            )
        )
    entries = raw.get("entry")
    if not isinstance(entries, list) or not entries:
        return [*problems, FhirProblem("Bundle.entry", _("The bundle has no entries."), "required")]
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind not in RESOURCE_TYPES:
            problems.append(
                FhirProblem(
                    f"Bundle.entry[{index}].resource.resourceType",
                    _("Kopir takes these resources: %(types)s.")
                    % {"types": ", ".join(RESOURCE_TYPES)},
                    "not-supported",
                )
            )
    return problems


_DATE_TYPES = (Date, DateTime, Instant, Time)


def _element_kind(annotation: Any) -> tuple[str, type[BaseModel] | None]:
    """What a model field holds: ("date", None), ("model", its class) or ("other", None)."""
    for metadata in getattr(annotation, "__metadata__", ()):
        if isinstance(metadata, _DATE_TYPES):
            return "date", None
    for argument in typing.get_args(annotation):
        kind = _element_kind(argument)
        if kind[0] != "other":
            return kind
    name = getattr(annotation, "__name__", "")
    if name.endswith("Type") and name not in ("NoneType",):
        try:
            return "model", get_fhir_model_class(name.removesuffix("Type"))
        except (KeyError, ValueError, ImportError, AttributeError):
            return "other", None
    return "other", None


def _dates_not_strings(
    model: type[BaseModel], raw: Any, path: tuple[Any, ...]
) -> list[FhirProblem]:
    """Dates, times and instants that are not JSON strings. fhir.resources reads a number as
    seconds since 1970 (20260302 becomes 23 August 1970), which FHIR's JSON format never means."""
    if not isinstance(raw, dict):
        return []
    fields = {(info.alias or name): info for name, info in model.model_fields.items()}
    problems = []
    for key, value in raw.items():
        info = fields.get(key)
        if info is None:
            continue
        kind, child = _element_kind(info.annotation)
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        for index, item in items:
            where = (*path, key) if index is None else (*path, key, index)
            if kind == "date" and item is not None and not isinstance(item, str):
                problems.append(
                    FhirProblem(
                        fhir_path(where),
                        _(
                            'Write the date as text, for example "2026-03-02" or "2026-03-02T09:00:00+05:00".'
                        ),
                        "value",
                    )
                )
            elif kind == "model" and child is not None:
                problems.extend(_dates_not_strings(child, item, where))
    return problems


def _non_string_dates(raw: dict[str, Any]) -> list[FhirProblem]:
    problems = []
    for index, entry in enumerate(raw["entry"]):
        resource = entry["resource"]
        model = get_fhir_model_class(resource["resourceType"])
        problems.extend(_dates_not_strings(model, resource, ("entry", index, "resource")))
    return problems


def bundle_to_referral(raw: Any) -> MappedBundle:
    """Validate a bundle (FHIR R4) and map it to a ReferralInput, or raise BundleInvalid."""
    problems = _structure(raw) or _non_string_dates(raw)
    if problems:
        raise BundleInvalid(problems)
    try:
        bundle = Bundle.model_validate(raw)
    except Exception as error:
        errors = getattr(error, "errors", None)
        if not callable(errors):
            raise BundleInvalid(
                [FhirProblem("Bundle", _("The bundle is not valid FHIR R4."))]
            ) from error
        raise BundleInvalid(
            [FhirProblem(fhir_path(e["loc"]), str(e["msg"]), "structure") for e in errors()]
        ) from error
    mapper = BundleMapper(bundle)
    data = mapper.referral()
    if mapper.problems or data is None:
        raise BundleInvalid(mapper.problems)
    return MappedBundle(data=data, notes=mapper.notes, sources=mapper.sources)
