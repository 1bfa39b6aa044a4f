"""Mapping a validated FHIR R4 Bundle onto a ReferralInput, resource by resource.

See fhir.py for the coding systems and the shape Kopir expects. Every element that is missing or
unusable becomes a FhirProblem naming its place in the bundle; the mapper keeps going, so the
sender hears about all of them at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.assessment import fhir_codings
from kopir.assessment.fhir_codings import FINDING_ORGANS, LIMITATION_SYSTEM
from kopir.assessment.models import FindingKind, ReferralPurpose, Route, Side
from kopir.assessment.services.intake import AttachmentInput, PersonInput, ReferralInput
from kopir.assessment.services.referral_inputs import FindingInput, LimitationInput
from kopir.core.uploads import DOCUMENT_EXTENSIONS, KINDS, MAX_UPLOAD_BYTES

IIN_SYSTEM = "urn:kz:iin"
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
KATO_EXTENSION = "urn:kz:kato"
PURPOSE_SYSTEM = "urn:kopir:mse-purpose"
ROUTE_SYSTEM = "urn:kopir:mse-route"
TREATMENT_EXTENSION = "urn:kopir:treatment-history"
REHABILITATION_EXTENSION = "urn:kopir:rehabilitation-history"

RESOURCE_TYPES = ("Patient", "Condition", "Observation", "ServiceRequest", "DocumentReference")
BUNDLE_TYPES = ("transaction", "collection", "batch")
ACCEPTED_CONTENT_TYPES = sorted(
    {KINDS[extension].content_type for extension in DOCUMENT_EXTENSIONS}
)


# The organs a body site may name, as messages call them.
_ORGANS = {"eye": gettext_lazy("eye"), "ear": gettext_lazy("ear")}


def _side_label(side: str) -> str:
    return str(dict(Side.choices).get(side, side)).lower()


# A Snellen fraction: "6/18", "20/60", "0.5/1".
# Bounded, so the decimal it makes always fits Kopir's value column.
_SNELLEN = re.compile(r"(\d{1,3}(?:\.\d{1,2})?)\s*/\s*(\d{1,4}(?:\.\d{1,2})?)")
_LOGMAR_MIN, _LOGMAR_MAX = Decimal("-1"), Decimal("4")


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
        self.notes: list[FhirProblem] = []
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

    def note(self, where: str, reason: str) -> None:
        """What Kopir assumed for an element the bundle left out (told in the 201 answer)."""
        self.notes.append(FhirProblem(where, reason, "informational"))

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
            finding = fhir_codings.finding_code(observation.code)
            limitation = _coding(observation.code, LIMITATION_SYSTEM)
            if limitation is not None:
                self.sources[f"limitations.{len(limitations)}"] = where
                degree = observation.valueInteger
                if degree is None:
                    self.add(f"{where}.valueInteger", _("Give the degree: 1, 2 or 3."), "required")
                limitations.append(LimitationInput(category=limitation.code, degree=degree or 0))
                continue
            if finding is None:
                self.unknown_code(f"{where}.code", observation.code)
                continue
            self.sources[f"findings.{len(findings)}"] = where
            measured_on = _date(observation.effectiveDateTime) or _date(observation.issued)
            if measured_on is None:
                self.add(f"{where}.effectiveDateTime", _("Give the date of the test."), "required")
            side = self.side(f"{where}.bodySite", observation.bodySite, finding)
            value, unit = self.value(where, observation, finding.kind)
            text = observation.valueString or ""
            if value is not None and finding.kind == FindingKind.VISUAL_ACUITY:
                text = ""  # a Snellen fraction in valueString was read as the value
            if not text and observation.valueCodeableConcept is not None:
                text = observation.valueCodeableConcept.text or ""
            findings.append(
                FindingInput(
                    kind=finding.kind,
                    measured_on=measured_on or timezone.localdate(),
                    side=side,
                    value=value,
                    unit=unit,
                    text=text,
                    name=observation.code.text or "",
                )
            )
        return findings, limitations

    def unknown_code(self, where: str, concept: Any) -> None:
        given = fhir_codings.unknown_codings(concept)
        if given:
            reason = _(
                "Kopir does not read the coding %(given)s. Code the Observation with one of: "
                "%(accepted)s."
            )
        else:
            reason = _("Code the Observation with one of: %(accepted)s.")
        self.add(
            where,
            reason % {"given": given, "accepted": fhir_codings.accepted_observation_codes()},
            "code-invalid" if given else "required",
        )

    def side(self, where: str, concept: Any, finding: fhir_codings.FindingCode) -> str:
        """The finding's side: from its body site, else from its code (a LOINC code that names
        the eye). The two must agree, and a body site must name the organ the finding is about."""
        if concept is None:
            return finding.side
        site = fhir_codings.body_site(concept)
        if site is None:
            given = fhir_codings.unknown_codings(concept) or (concept.text or "")
            self.add(
                where,
                _(
                    "Kopir does not read the body site %(given)s. Give the side as one of: "
                    "%(accepted)s; or as text: right, left or both."
                )
                % {"given": given, "accepted": fhir_codings.accepted_body_sites()},
                "code-invalid",
            )
            return finding.side
        organ = FINDING_ORGANS.get(finding.kind, "")
        if site.organ and organ and site.organ != organ:
            self.add(
                where,
                _("The body site names the %(site)s, but this finding is about the %(organ)s.")
                % {"site": _ORGANS[site.organ], "organ": _ORGANS[organ]},
                "value",
            )
        if finding.side and site.side != finding.side:
            self.add(
                where,
                _("The body site says %(site)s, but the code of the Observation says %(code)s.")
                % {"site": _side_label(site.side), "code": _side_label(finding.side)},
                "value",
            )
        return site.side

    def value(self, where: str, observation: Any, kind: str) -> tuple[Decimal | None, str]:
        """The measured value and its unit. Visual acuity is kept as a decimal: a Snellen
        fraction ("6/18", "20/60") and a logMAR value are converted to it."""
        quantity = observation.valueQuantity
        if quantity is not None:
            value = quantity.value
            unit = quantity.unit or ""
            logmar = "logmar" in f"{unit} {quantity.code or ''}".lower()
            if kind == FindingKind.VISUAL_ACUITY and logmar and value is not None:
                # logMAR runs from about -0.3 (better than normal) to 3 (light perception).
                if not _LOGMAR_MIN <= Decimal(value) <= _LOGMAR_MAX:
                    self.add(
                        f"{where}.valueQuantity.value",
                        _("A logMAR value must be between %(low)s and %(high)s.")
                        % {"low": _LOGMAR_MIN, "high": _LOGMAR_MAX},
                        "value",
                    )
                    return None, ""
                return round(Decimal(10) ** -Decimal(value), 3), ""
            return value, unit
        if kind == FindingKind.VISUAL_ACUITY and observation.valueString:
            fraction = _SNELLEN.fullmatch(observation.valueString.strip())
            if fraction:
                numerator, denominator = Decimal(fraction[1]), Decimal(fraction[2])
                if denominator == 0:
                    self.add(f"{where}.valueString", _("The fraction divides by zero."), "value")
                    return None, ""
                return round(numerator / denominator, 3), ""
        return None, ""

    def documents(self) -> list[AttachmentInput]:
        documents: list[AttachmentInput] = []
        for index, reference in self.by_type["DocumentReference"]:
            where = f"Bundle.entry[{index}].resource"
            self.sources[f"attachments.{len(documents)}"] = where
            type_code = fhir_codings.document_type(reference.type)
            if type_code is None:
                given = fhir_codings.unknown_codings(reference.type)
                self.add(
                    f"{where}.type",
                    (
                        _("Kopir does not read the coding %(given)s.") % {"given": given} + " "
                        if given
                        else ""
                    )
                    + _("Give the kind of document as one of: %(accepted)s.")
                    % {"accepted": fhir_codings.accepted_document_types()},
                    "code-invalid" if given else "required",
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
                    document_type=type_code or "",
                    issued_on=issued_on,
                    file_name=attachment.title or "document",
                    content_type=attachment.contentType or "",
                    data=data,
                )
            )
        return documents

    def purpose(self, where: str, request: Any) -> str:
        """Kopir's purpose coding; else the code's text naming a purpose (in English, Kazakh or
        Russian); else a primary examination, said in the answer. No standard code names the
        purpose of an MSE referral."""
        coding = _coding(request.code, PURPOSE_SYSTEM)
        if coding is not None:
            return str(coding.code)
        text = getattr(request.code, "text", None) or ""
        found = fhir_codings.choice_from_text(ReferralPurpose, text)
        if found:
            return found
        self.note(
            f"{where}.code",
            _(
                "No purpose in %(system)s: the referral is recorded as a primary examination. "
                "For a re-examination, code it or write its name in code.text."
            )
            % {"system": PURPOSE_SYSTEM},
        )
        return str(ReferralPurpose.PRIMARY)

    def route(self, where: str, request: Any) -> str:
        """Kopir's route coding; else an orderDetail whose text names the route; else in person,
        the route open to every diagnosis (in absentia covers a list of them,
        docs/domain/mse.md §3), said in the answer."""
        for detail in request.orderDetail or []:
            coding = _coding(detail, ROUTE_SYSTEM)
            if coding is not None:
                return str(coding.code)
        for detail in request.orderDetail or []:
            found = fhir_codings.choice_from_text(Route, getattr(detail, "text", None) or "")
            if found:
                return found
        self.note(
            f"{where}.orderDetail",
            _(
                "No route in %(system)s: the referral is recorded for an examination in person. "
                "For one in absentia, code it or write “in absentia” in orderDetail.text."
            )
            % {"system": ROUTE_SYSTEM},
        )
        return str(Route.IN_PERSON)

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
        purpose = self.purpose(where, request)
        route = self.route(where, request)
        person = self.person(patient_index, patient)
        primary, secondary = self.diagnoses(request, patient_index)
        findings, limitations = self.observations(patient_index)
        documents = self.documents()
        treatment = _ext(request, TREATMENT_EXTENSION)
        rehabilitation = _ext(request, REHABILITATION_EXTENSION)
        return ReferralInput(
            person=person,
            purpose=purpose,
            route=route,
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
