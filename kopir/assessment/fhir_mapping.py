"""Mapping a validated FHIR R4 Bundle onto a ReferralInput, resource by resource.

See fhir.py for the coding systems and the shape Kopir expects. Every element that is missing or
unusable becomes a FhirProblem naming its place in the bundle; the mapper keeps going, so the
sender hears about all of them at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.assessment.services.intake import AttachmentInput, PersonInput, ReferralInput
from kopir.assessment.services.referral_inputs import FindingInput, LimitationInput
from kopir.core.uploads import DOCUMENT_EXTENSIONS, KINDS, MAX_UPLOAD_BYTES

IIN_SYSTEM = "urn:kz:iin"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
KATO_EXTENSION = "urn:kz:kato"
FINDING_SYSTEM = "urn:kopir:finding-kind"
LIMITATION_SYSTEM = "urn:kopir:life-limitation"
PURPOSE_SYSTEM = "urn:kopir:mse-purpose"
ROUTE_SYSTEM = "urn:kopir:mse-route"
DOCUMENT_TYPE_SYSTEM = "urn:kopir:document-type"
TREATMENT_EXTENSION = "urn:kopir:treatment-history"
REHABILITATION_EXTENSION = "urn:kopir:rehabilitation-history"

RESOURCE_TYPES = ("Patient", "Condition", "Observation", "ServiceRequest", "DocumentReference")
BUNDLE_TYPES = ("transaction", "collection", "batch")
ACCEPTED_CONTENT_TYPES = sorted(
    {KINDS[extension].content_type for extension in DOCUMENT_EXTENSIONS}
)


@dataclass(frozen=True)
class FhirProblem:
    expression: str
    reason: str
    code: str = "invalid"  # an OperationOutcome issue type: invalid, required, structure, value


def _coding(concept: Any, system: str) -> Any:
    for coding in getattr(concept, "coding", None) or []:
        if coding.system == system and coding.code:
            return coding
    return None


def _ext(resource_or_element: Any, url: str) -> Any:
    for extension in getattr(resource_or_element, "extension", None) or []:
        if extension.url == url:
            return extension
    return None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    return None


class BundleMapper:
    def __init__(self, bundle: Any) -> None:
        self.problems: list[FhirProblem] = []
        self.sources: dict[str, str] = {}
        self.by_type: dict[str, list[tuple[int, Any]]] = {name: [] for name in RESOURCE_TYPES}
        self.full_urls: dict[str, int] = {}
        for index, entry in enumerate(bundle.entry or []):
            resource = entry.resource
            self.by_type[resource.get_resource_type()].append((index, resource))
            if entry.fullUrl:
                self.full_urls[entry.fullUrl] = index
            if resource.id:
                self.full_urls[f"{resource.get_resource_type()}/{resource.id}"] = index

    def add(self, where: str, reason: str, code: str = "invalid") -> None:
        self.problems.append(FhirProblem(where, reason, code))

    def only(self, name: str) -> tuple[int, Any] | None:
        found = self.by_type[name]
        if len(found) != 1:
            self.add(
                "Bundle.entry",
                _("The bundle must contain exactly one %(resource)s; it has %(count)s.")
                % {"resource": name, "count": len(found)},
                "required" if not found else "structure",
            )
            return None
        return found[0]

    def refers_to(self, reference: Any, index: int) -> bool:
        target = getattr(reference, "reference", None)
        return target is not None and self.full_urls.get(target) == index

    # -- resources -----------------------------------------------------------------------------

    def person(self, index: int, patient: Any) -> PersonInput:
        where = f"Bundle.entry[{index}].resource"
        self.sources["person"] = where
        iin = next(
            (i.value for i in patient.identifier or [] if i.system == IIN_SYSTEM and i.value), ""
        )
        self.sources["person.iin"] = f"{where}.identifier"
        if not iin:
            self.add(
                f"{where}.identifier",
                _("Give the IIN as an identifier with system %(system)s.") % {"system": IIN_SYSTEM},
                "required",
            )
        names = patient.name or []
        name = next((n for n in names if n.use == "official"), names[0] if names else None)
        # FHIR allows a null inside `given` (with an extension in its place): read it as absent.
        given = [part or "" for part in (getattr(name, "given", None) or [])]
        self.sources.update(
            {
                "person.last_name": f"{where}.name[0].family",
                "person.first_name": f"{where}.name[0].given[0]",
                "person.patronymic": f"{where}.name[0].given[1]",
                "person.birth_date": f"{where}.birthDate",
                "person.sex": f"{where}.gender",
                "person.territory_kato": f"{where}.address[0].extension",
                "person.phone": f"{where}.telecom",
                "person.email": f"{where}.telecom",
                "person.preferred_language": f"{where}.communication",
            }
        )
        sex = patient.gender or ""
        if sex and sex not in ("male", "female"):
            self.add(f"{where}.gender", _("Kopir records sex as male or female."), "value")
            sex = ""
        telecom = {t.system: t.value for t in reversed(patient.telecom or []) if t.value}
        language = ""
        for communication in patient.communication or []:
            for coding in getattr(communication.language, "coding", None) or []:
                code = (coding.code or "")[:2].lower()
                if code in ("kk", "ru") and not language:
                    language = code
        address = (patient.address or [None])[0]
        kato = _ext(address, KATO_EXTENSION) if address is not None else None
        return PersonInput(
            iin=iin,
            last_name=getattr(name, "family", "") or "",
            first_name=given[0] if given else "",
            patronymic=given[1] if len(given) > 1 else "",
            birth_date=patient.birthDate,
            sex=sex,
            territory_kato=(kato.valueCode or kato.valueString or "") if kato else "",
            address=(getattr(address, "text", "") or "") if address is not None else "",
            phone=telecom.get("phone", "") or telecom.get("sms", ""),
            email=telecom.get("email", ""),
            preferred_language=language,
            consent_to_processing=False,
        )

    def diagnoses(self, request: Any, patient_index: int) -> tuple[str, list[str]]:
        conditions = self.by_type["Condition"]
        if not conditions:
            self.add("Bundle.entry", _("Add a Condition with the main diagnosis."), "required")
            return "", []
        codes: dict[int, str] = {}
        for index, condition in conditions:
            where = f"Bundle.entry[{index}].resource"
            coding = _coding(condition.code, ICD10_SYSTEM)
            if coding is None:
                self.add(
                    f"{where}.code",
                    _("Give the diagnosis as an ICD-10 code (system %(system)s).")
                    % {"system": ICD10_SYSTEM},
                    "required",
                )
                continue
            if not self.refers_to(condition.subject, patient_index):
                self.add(f"{where}.subject", _("The Condition must refer to the bundle's Patient."))
            codes[index] = coding.code
        reasons = [
            self.full_urls.get(getattr(ref, "reference", None) or "")
            for ref in request.reasonReference or []
        ]
        primary_index = next((i for i in reasons if i in codes), None)
        if primary_index is None and codes:
            primary_index = next(iter(codes))
        secondary = [i for i in codes if i != primary_index]
        if primary_index is not None:
            self.sources["primary_code"] = f"Bundle.entry[{primary_index}].resource.code"
        if secondary:
            self.sources["secondary_codes"] = f"Bundle.entry[{secondary[0]}].resource.code"
        primary = codes.get(primary_index, "") if primary_index is not None else ""
        return primary, [codes[i] for i in secondary]

    def observations(self, patient_index: int) -> tuple[list[FindingInput], list[LimitationInput]]:
        findings: list[FindingInput] = []
        limitations: list[LimitationInput] = []
        for index, observation in self.by_type["Observation"]:
            where = f"Bundle.entry[{index}].resource"
            if not self.refers_to(observation.subject, patient_index):
                self.add(
                    f"{where}.subject", _("The Observation must refer to the bundle's Patient.")
                )
            finding = _coding(observation.code, FINDING_SYSTEM)
            limitation = _coding(observation.code, LIMITATION_SYSTEM)
            if limitation is not None:
                self.sources[f"limitations.{len(limitations)}"] = where
                degree = observation.valueInteger
                if degree is None:
                    self.add(f"{where}.valueInteger", _("Give the degree: 1, 2 or 3."), "required")
                limitations.append(LimitationInput(category=limitation.code, degree=degree or 0))
                continue
            if finding is None:
                self.add(
                    f"{where}.code",
                    _("Code the Observation in %(findings)s or %(limitations)s.")
                    % {"findings": FINDING_SYSTEM, "limitations": LIMITATION_SYSTEM},
                    "required",
                )
                continue
            self.sources[f"findings.{len(findings)}"] = where
            measured_on = _date(observation.effectiveDateTime) or _date(observation.issued)
            if measured_on is None:
                self.add(f"{where}.effectiveDateTime", _("Give the date of the test."), "required")
            side = ""
            if observation.bodySite is not None:
                side = (
                    (observation.bodySite.coding or [None])[0].code
                    if observation.bodySite.coding
                    else (observation.bodySite.text or "")
                ) or ""
            quantity = observation.valueQuantity
            text = observation.valueString or ""
            if not text and observation.valueCodeableConcept is not None:
                text = observation.valueCodeableConcept.text or ""
            findings.append(
                FindingInput(
                    kind=finding.code,
                    measured_on=measured_on or timezone.localdate(),
                    side=side.lower(),
                    value=quantity.value if quantity is not None else None,
                    unit=(quantity.unit or "") if quantity is not None else "",
                    text=text,
                    name=observation.code.text or "",
                )
            )
        return findings, limitations

    def documents(self) -> list[AttachmentInput]:
        documents: list[AttachmentInput] = []
        for index, reference in self.by_type["DocumentReference"]:
            where = f"Bundle.entry[{index}].resource"
            self.sources[f"attachments.{len(documents)}"] = where
            type_coding = _coding(reference.type, DOCUMENT_TYPE_SYSTEM)
            if type_coding is None:
                self.add(
                    f"{where}.type",
                    _("Give the kind of document in %(system)s.")
                    % {"system": DOCUMENT_TYPE_SYSTEM},
                    "required",
                )
            issued_on = _date(reference.date)
            if issued_on is None and reference.context and reference.context.period:
                issued_on = _date(reference.context.period.start)
            if issued_on is None:
                self.add(f"{where}.date", _("Give the date of the document."), "required")
            here = f"{where}.content[0].attachment"
            # FHIR requires content and its attachment, but a null passes the models' checks.
            attachment = (reference.content or [None])[0]
            attachment = getattr(attachment, "attachment", None)
            if attachment is None:
                self.add(here, _("Give the document as an attachment."), "required")
                continue
            data = attachment.data or b""
            if not data:
                self.add(
                    f"{here}.data",
                    _("Send the document inline as base64 data; links are not followed."),
                    "required",
                )
            if attachment.contentType not in ACCEPTED_CONTENT_TYPES:
                self.add(
                    f"{here}.contentType",
                    _("Use one of: %(types)s.") % {"types": ", ".join(ACCEPTED_CONTENT_TYPES)},
                    "value",
                )
            if len(data) > MAX_UPLOAD_BYTES:
                self.add(
                    f"{here}.data",
                    _("The document is larger than %(limit)s MB.")
                    % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
                    "too-long",
                )
            elif attachment.size is not None and attachment.size != len(data):
                self.add(f"{here}.size", _("The size does not match the data."), "value")
            documents.append(
                AttachmentInput(
                    document_type=type_coding.code if type_coding else "",
                    issued_on=issued_on,
                    file_name=attachment.title or "document",
                    content_type=attachment.contentType or "",
                    data=data,
                )
            )
        return documents

    def referral(self) -> ReferralInput | None:
        patient_entry = self.only("Patient")
        request_entry = self.only("ServiceRequest")
        if patient_entry is None or request_entry is None:
            return None
        patient_index, patient = patient_entry
        request_index, request = request_entry
        where = f"Bundle.entry[{request_index}].resource"
        self.sources.update(
            {
                "referral": where,
                "external_id": f"{where}.identifier",
                "purpose": f"{where}.code",
                "route": f"{where}.orderDetail",
                "commission_protocol_number": f"{where}.requisition",
                "commission_date": f"{where}.authoredOn",
                "commission_conclusion": f"{where}.note",
            }
        )
        if not self.refers_to(request.subject, patient_index):
            self.add(
                f"{where}.subject", _("The ServiceRequest must refer to the bundle's Patient.")
            )
        if request.status not in ("active", "draft"):
            self.add(f"{where}.status", _("Use active (send now) or draft."), "value")
        purpose = _coding(request.code, PURPOSE_SYSTEM)
        if purpose is None:
            self.add(
                f"{where}.code",
                _("Give the purpose in %(system)s.") % {"system": PURPOSE_SYSTEM},
                "required",
            )
        route = next(
            (c for c in (_coding(d, ROUTE_SYSTEM) for d in request.orderDetail or []) if c), None
        )
        if route is None:
            self.add(
                f"{where}.orderDetail",
                _("Give the route in %(system)s.") % {"system": ROUTE_SYSTEM},
                "required",
            )
        person = self.person(patient_index, patient)
        primary, secondary = self.diagnoses(request, patient_index)
        findings, limitations = self.observations(patient_index)
        documents = self.documents()
        treatment = _ext(request, TREATMENT_EXTENSION)
        rehabilitation = _ext(request, REHABILITATION_EXTENSION)
        return ReferralInput(
            person=person,
            purpose=purpose.code if purpose else "",
            route=route.code if route else "",
            primary_code=primary,
            secondary_codes=secondary,
            commission_protocol_number=(request.requisition.value or "")
            if request.requisition
            else "",
            commission_date=_date(request.authoredOn),
            commission_conclusion="\n\n".join(n.text for n in request.note or [] if n.text),
            treatment_history=(treatment.valueString or "") if treatment else "",
            rehabilitation_history=(rehabilitation.valueString or "") if rehabilitation else "",
            findings=findings,
            limitations=limitations,
            attachments=documents,
            external_id=next((i.value for i in request.identifier or [] if i.value), ""),
            send=request.status == "active",
        )
