"""A rehabilitation measure as an HL7 FHIR R4 Task, for the agency system that executes it, and
the report the system sends back (`$report`, read here into the services' arguments).

What a Task carries (docs/fhir.md, "Measures as Task"):

- `code`: the measure, in Kopir's catalogue (`urn:kopir:measure`) with the verified standard
  codings of the table `data/fhir-task-codings.json` beside it (fhir_codings.py);
- `for`: the person, by IIN, and a contained Patient with the name, contacts, language and
  accessibility needs the agency needs to reach them. Never the diagnosis: nothing of the MSE
  case but the programme's number is read to build a Task;
- `owner`: the organisation that holds the measure now, by BIN; `basedOn`: the programme (IRP)
  by its number; `restriction.period.end`: the due date; `executionPeriod`: the day scheduled
  and the day delivered;
- `status` and `businessStatus` from the measure's state (STATUS_TABLE); `statusReason` the
  coded reason it was not delivered; `output` the evidence of delivery.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kopir.assessment.fhir_mapping import IIN_SYSTEM, FhirProblem
from kopir.core.uploads import stored_name
from kopir.rehabilitation import fhir_codings
from kopir.rehabilitation.models import Measure, MeasureEvent, MeasureStatus, NotDeliveredReason

S = MeasureStatus

BIN_SYSTEM = "urn:kz:bin"  # the organisation's BIN (docs/domain/identifiers.md §2)
MEASURE_SYSTEM = "urn:kopir:measure"
STATUS_SYSTEM = "urn:kopir:measure-status"
REASON_SYSTEM = "urn:kopir:measure-not-delivered-reason"
EVIDENCE_SYSTEM = "urn:kopir:measure-evidence"
PROGRAMME_SYSTEM = "urn:kopir:programme-number"
ACCESSIBILITY_EXTENSION = "urn:kopir:accessibility-need"
LANGUAGE_SYSTEM = "urn:ietf:bcp:47"
TASK_PROFILE = "kopir-measure-task"

# The measure's state → Task.status (FHIR's task-status) and Task.businessStatus (Kopir's state in
# urn:kopir:measure-status). Accepted and scheduled are both FHIR's "accepted": the performer took
# the task on and has not yet done it; the business status and executionPeriod.start tell them
# apart.
STATUS_TABLE: dict[str, str] = {
    S.ASSIGNED: "requested",
    S.ACCEPTED: "accepted",
    S.SCHEDULED: "accepted",
    S.DELIVERED: "completed",
    S.NOT_DELIVERED: "failed",
    S.CANCELLED: "cancelled",
}
# A FHIR status in a search → the measure's states it stands for.
SEARCH_STATUSES: dict[str, tuple[str, ...]] = {}
for _state, _fhir_status in STATUS_TABLE.items():
    SEARCH_STATUSES.setdefault(_fhir_status, ())
    SEARCH_STATUSES[_fhir_status] += (str(_state),)

# What an agency system reports with $report (parameter `report`), and the state it leads to.
REPORTS: dict[str, str] = {
    "accepted": "accept",
    "scheduled": "schedule",
    "delivered": "deliver",
    "not_delivered": "not_deliver",
    "redirected": "redirect",
}

# The evidence of delivery, as Task.output types (urn:kopir:measure-evidence) and the $report
# parameters that carry it (the same names).
EVIDENCE_DISPLAY: dict[str, str] = {
    "delivered-on": "Date delivered",
    "document": "Supporting document",
    "serial-number": "Serial number of the item",
    "supplier": "Supplier",
    "item-details": "Item details (the employer and position for a job placement)",
}


# --- Measure → Task --------------------------------------------------------------------------


def with_last_updated(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    """Each measure with `last_updated`: its last move (its timeline's latest event) or, before
    any, its assignment — one subquery in the same statement, not a query per row."""
    last_event = (
        MeasureEvent.objects.filter(measure_id=OuterRef("pk")).order_by("-at").values("at")[:1]
    )
    return measures.annotate(
        last_updated=Greatest(
            "assigned_at",
            Coalesce(Subquery(last_event, output_field=DateTimeField()), "assigned_at"),
        )
    )


def task_relations(measures: QuerySet[Measure]) -> QuerySet[Measure]:
    return with_last_updated(
        measures.select_related("measure_type", "person", "line", "programme", "organisation")
    )


def _english(label: Any) -> str:
    """A coding's display is the CodeSystem's (English); the texts follow the request's language."""
    with translation.override("en"):
        return str(label)


def _instant(value: dt.datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


def etag(measure: Measure) -> str:
    return f'W/"{measure.version}"'


def _patient(measure: Measure) -> dict[str, Any]:
    """What the agency needs to reach the person (the API's twin): never the diagnosis."""
    person = measure.person
    given = [name for name in (person.first_name, person.patronymic) if name]
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "id": "person",
        "identifier": [{"system": IIN_SYSTEM, "value": person.iin}],
        "name": [{"use": "official", "family": person.last_name, "given": given}],
    }
    telecom = [
        {"system": system, "value": value}
        for system, value in (("phone", person.phone), ("email", person.email))
        if value
    ]
    if telecom:
        patient["telecom"] = telecom
    if person.address:
        patient["address"] = [{"text": person.address}]
    if person.preferred_language:
        patient["communication"] = [
            {
                "language": {
                    "coding": [{"system": LANGUAGE_SYSTEM, "code": person.preferred_language}]
                },
                "preferred": True,
            }
        ]
    needs = list(person.accessibility_needs or [])
    if needs:
        patient["extension"] = [{"url": ACCESSIBILITY_EXTENSION, "valueCode": n} for n in needs]
    return patient


def _outputs(measure: Measure) -> list[dict[str, Any]]:
    def output(code: str, **value: Any) -> dict[str, Any]:
        return {
            "type": {
                "coding": [
                    {"system": EVIDENCE_SYSTEM, "code": code, "display": EVIDENCE_DISPLAY[code]}
                ]
            },
            **value,
        }

    if measure.status != S.DELIVERED:
        return []
    outputs = []
    if measure.delivered_on:
        outputs.append(output("delivered-on", valueDate=measure.delivered_on.isoformat()))
    if measure.evidence_document:
        name = stored_name(measure.evidence_document)
        outputs.append(output("document", valueAttachment={"title": name}))
    for code, value in (
        ("serial-number", measure.serial_number),
        ("supplier", measure.supplier),
        ("item-details", measure.item_details),
    ):
        if value:
            outputs.append(output(code, valueString=value))
    return outputs


def measure_task(measure: Measure, base: str) -> dict[str, Any]:
    """The measure as a Task (profile kopir-measure-task). `measure` comes from task_relations."""
    measure_type = measure.measure_type
    person = measure.person
    organisation = measure.organisation
    last_updated = getattr(measure, "last_updated", None) or measure.assigned_at
    task: dict[str, Any] = {
        "resourceType": "Task",
        "id": str(measure.pk),
        "meta": {
            "versionId": str(measure.version),
            "lastUpdated": _instant(last_updated),
            "profile": [f"{base}/StructureDefinition/{TASK_PROFILE}"],
        },
        "contained": [_patient(measure)],
        "basedOn": [
            {
                "type": "CarePlan",
                "identifier": {"system": PROGRAMME_SYSTEM, "value": measure.programme.number},
                "display": measure.programme.number,
            }
        ],
        "status": STATUS_TABLE[measure.status],
        "businessStatus": {
            "coding": [
                {
                    "system": STATUS_SYSTEM,
                    "code": measure.status,
                    "display": _english(S(measure.status).label),
                }
            ],
            "text": str(S(measure.status).label),
        },
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": MEASURE_SYSTEM,
                    "code": measure_type.code,
                    "display": measure_type.name_en or measure_type.name_kk,
                },
                *(c.as_fhir() for c in fhir_codings.standard_codings(measure_type.code)),
            ],
            "text": measure_type.name,
        },
        "for": {
            "reference": "#person",
            "type": "Patient",
            "identifier": {"system": IIN_SYSTEM, "value": person.iin},
            "display": person.full_name,
        },
        "authoredOn": _instant(measure.assigned_at),
        "lastModified": _instant(last_updated),
        "owner": {
            "type": "Organization",
            **(
                {"identifier": {"system": BIN_SYSTEM, "value": organisation.bin}}
                if organisation.bin
                else {}
            ),
            "display": organisation.name,
        },
        "restriction": {"period": {"end": measure.due_on.isoformat()}},
    }
    if measure.line.details:
        task["description"] = measure.line.details
    if measure.line.quantity is not None:
        task["input"] = [
            {
                "type": {"text": "quantity"},
                "valueQuantity": {"value": float(measure.line.quantity), "unit": measure_type.unit},
            }
        ]
    period = {
        key: day.isoformat()
        for key, day in (("start", measure.scheduled_on), ("end", measure.delivered_on))
        if day
    }
    if period:
        task["executionPeriod"] = period
    if measure.status == S.NOT_DELIVERED and measure.not_delivered_reason:
        reason = NotDeliveredReason(measure.not_delivered_reason)
        task["statusReason"] = {
            "coding": [
                {"system": REASON_SYSTEM, "code": reason.value, "display": _english(reason.label)}
            ]
        }
        if measure.not_delivered_text:
            task["statusReason"]["text"] = measure.not_delivered_text
    outputs = _outputs(measure)
    if outputs:
        task["output"] = outputs
    return task


# --- Search parameters -----------------------------------------------------------------------


class SearchInvalid(Exception):
    def __init__(self, problems: list[FhirProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the search")


@dataclass
class TaskSearch:
    """A search's parameters, read. `nothing` is set when they cannot match a measure the
    system's organisation holds (another owner, an unknown code): the answer is an empty page,
    and nothing is read."""

    statuses: tuple[str, ...] | None = None
    codes: tuple[str, ...] | None = None
    updated: list[tuple[str, dt.datetime]] = field(default_factory=list)
    count: int = 25
    cursor: str | None = None
    nothing: bool = False


SEARCH_PARAMETERS = ("status", "_lastUpdated", "owner:identifier", "code", "_count", "_cursor")
_PREFIXES = ("ge", "gt", "le", "lt")
_UNREADABLE = re.compile("[\x00\ud800-\udfff]")


def _token(value: str) -> tuple[str | None, str]:
    """A token parameter's `system|code` (or a bare `code`)."""
    if "|" in value:
        system, _bar, code = value.partition("|")
        return system or None, code
    return None, value


def _instant_of(text: str) -> dt.datetime | None:
    try:
        if len(text) == 10:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        else:
            moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def read_search(
    query: Any,
    *,
    organisation_bin: str | None,
    catalogue_codes: Callable[[], Sequence[str]],
    max_count: int,
    default_count: int,
) -> TaskSearch:
    """The search's parameters from the query string, or SearchInvalid naming each bad one.
    `catalogue_codes` is asked only when the search names a code."""
    search = TaskSearch(count=default_count)
    problems: list[FhirProblem] = []

    def bad(parameter: str, reason: str) -> None:
        problems.append(FhirProblem(parameter, reason, "invalid"))

    for name in query:
        values = query.getlist(name)
        if any(_UNREADABLE.search(value) for value in values):
            bad(name, _("The value holds a character that cannot be read."))
            continue
        if name not in SEARCH_PARAMETERS:
            bad(
                name,
                _("Kopir searches tasks by these parameters: %(names)s.")
                % {"names": ", ".join(SEARCH_PARAMETERS)},
            )
            continue
        if name == "status":
            wanted = [part for value in values for part in value.split(",") if part]
            unknown = [part for part in wanted if part not in SEARCH_STATUSES]
            if unknown:
                bad(
                    name,
                    _("Use one of: %(types)s.") % {"types": ", ".join(SEARCH_STATUSES)},
                )
            search.statuses = tuple(s for part in wanted for s in SEARCH_STATUSES.get(part, ()))
        elif name == "_lastUpdated":
            for value in values:
                prefix, text = value[:2], value[2:]
                moment = _instant_of(text) if prefix in _PREFIXES else None
                if moment is None:
                    bad(
                        name,
                        _(
                            "Give a prefix ge, gt, le or lt and a date or an instant, for example ge2026-12-01 or gt2026-12-01T09:00:00+05:00."
                        ),
                    )
                else:
                    search.updated.append((prefix, moment))
        elif name == "owner:identifier":
            for value in values:
                system, code = _token(value)
                if (
                    system not in (None, BIN_SYSTEM)
                    or not organisation_bin
                    or code != organisation_bin
                ):
                    # Only your organisation's measures are ever found: another owner's are not.
                    search.nothing = True
        elif name == "code":
            known = catalogue_codes()
            codes: list[str] = []
            for value in values:
                for part in value.split(","):
                    system, code = _token(part)
                    if system in (None, MEASURE_SYSTEM) and code in known:
                        codes.append(code)
                    elif system is not None and (found := fhir_codings.measure_of(system, code)):
                        codes.append(found)
            search.codes = tuple(codes)
            search.nothing = search.nothing or not codes
        elif name == "_count":
            try:
                count = int(values[-1])
            except ValueError:
                count = 0
            if not 1 <= count <= max_count:
                bad(name, _("Give a number from 1 to %(max)s.") % {"max": max_count})
            else:
                search.count = count
        elif name == "_cursor":
            search.cursor = values[-1]
    if problems:
        raise SearchInvalid(problems)
    return search


# --- $report ---------------------------------------------------------------------------------


class ReportInvalid(Exception):
    def __init__(self, problems: list[FhirProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s) in the report")


def parameter_path(name: str) -> str:
    """Where a $report parameter sits, as FHIRPath."""
    return f"Parameters.parameter.where(name='{name}')"


# The services' field names → the $report parameter that carries them.
SERVICE_FIELDS: dict[str, str] = {
    "scheduled_on": "scheduled-on",
    "note": "note",
    "delivered_on": "delivered-on",
    "evidence_document": "document",
    "serial_number": "serial-number",
    "supplier": "supplier",
    "item_details": "item-details",
    "reason": "reason",
    "text": "reason",
    "to_organisation": "redirect-to",
}

# Each parameter $report reads, and the value[x] it is given in.
REPORT_PARAMETERS: dict[str, str] = {
    "report": "valueCode",
    "scheduled-on": "valueDate",
    "note": "valueString",
    "delivered-on": "valueDate",
    "document": "valueAttachment",
    "serial-number": "valueString",
    "supplier": "valueString",
    "item-details": "valueString",
    "reason": "valueCodeableConcept",
    "redirect-to": "valueIdentifier",
}


@dataclass
class Report:
    """A $report, read: which report and its parameters by name (their value[x], raw)."""

    kind: str
    values: dict[str, Any]

    def text(self, name: str) -> str:
        value = self.values.get(name)
        return value if isinstance(value, str) else ""

    def date(self, name: str) -> dt.date | None:
        value = self.values.get(name)
        if not isinstance(value, str):
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError as error:
            reason = _("Give a full date, for example 2027-01-10.")
            raise ReportInvalid([FhirProblem(parameter_path(name), reason, "value")]) from error


def read_report(raw: Any) -> Report:
    """A Parameters resource as a Report, or ReportInvalid naming each parameter at fault."""
    from fhir.resources.R4B.parameters import Parameters

    if not isinstance(raw, dict) or raw.get("resourceType") != "Parameters":
        raise ReportInvalid(
            [FhirProblem("Parameters", _("Send a FHIR Parameters resource."), "structure")]
        )
    problems: list[FhirProblem] = []
    entries = raw.get("parameter")
    values: dict[str, Any] = {}
    for entry in entries if isinstance(entries, list) else []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if name not in REPORT_PARAMETERS:
            problems.append(
                FhirProblem(
                    "Parameters.parameter.name",
                    _("$report reads these parameters: %(names)s.")
                    % {"names": ", ".join(REPORT_PARAMETERS)},
                    "not-supported",
                )
            )
            continue
        kind = REPORT_PARAMETERS[name]
        value = entry.get(kind)
        if value is None or (
            kind in ("valueDate", "valueCode", "valueString") and not isinstance(value, str)
        ):
            problems.append(
                FhirProblem(
                    parameter_path(name),
                    _("Give this parameter as %(kind)s.") % {"kind": kind},
                    "value",
                )
            )
            continue
        values[name] = value
    if problems:
        raise ReportInvalid(problems)
    try:
        Parameters.model_validate(raw)
    except Exception as error:
        errors = getattr(error, "errors", None)
        if not callable(errors):
            raise ReportInvalid(
                [FhirProblem("Parameters", _("The report is not valid FHIR R4."), "structure")]
            ) from error
        raise ReportInvalid(
            [
                FhirProblem(
                    "Parameters." + ".".join(str(part) for part in e["loc"]),
                    str(e["msg"]),
                    "structure",
                )
                for e in errors()
            ]
        ) from error
    kind = values.pop("report", None)
    if kind not in REPORTS:
        raise ReportInvalid(
            [
                FhirProblem(
                    parameter_path("report"),
                    _("Say what you report: one of %(codes)s.") % {"codes": ", ".join(REPORTS)},
                    "required",
                )
            ]
        )
    return Report(kind=kind, values=values)


def reason_code(concept: Any) -> str | None:
    """Kopir's reason for not delivering in a $report's `reason`: Kopir's own coding first, then
    a verified standard one of the table."""
    codings = [c for c in concept.get("coding") or [] if isinstance(c, dict)]
    for coding in codings:
        if (
            coding.get("system") == REASON_SYSTEM
            and coding.get("code") in NotDeliveredReason.values
        ):
            return str(coding["code"])
    for coding in codings:
        found = fhir_codings.reason_of(str(coding.get("system")), str(coding.get("code")))
        if found:
            return found
    return None
