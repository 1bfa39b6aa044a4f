"""The measures as HL7 FHIR R4 Task resources, for the agency systems that execute them: search
and read (`GET /api/fhir/Task`, `GET /api/fhir/Task/{id}`) and one write, the Kopir operation
`POST /api/fhir/Task/{id}/$report` (docs/fhir.md says why an operation and not PUT or PATCH).

It is the measure API's twin (api_agency.py): the same token per system, the same access (only
the measures the system's organisation holds; any other is 404), the same services through the
one transition engine, the same Idempotency-Key. The version the system read is sent as
`If-Match` with the weak ETag of the read: a stale one answers 412 and changes nothing. Every
answer and error is a FHIR resource (OperationOutcome naming the element or parameter at fault).
Query parameters are read by hand (FHIR's names, `_count` or `owner:identifier`, are not Python
names), so a bad one is an OperationOutcome too.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Router

from kopir.assessment.api_common import (
    FHIR_CONTENT_TYPE,
    SystemToken,
    fhir_base,
    fhir_problem,
    fhir_published,
    idempotent,
    json_answer,
    outcome_answer,
    refused_answer,
)
from kopir.assessment.api_input import FHIR_JSON_TYPES, BodyRefused, read_json
from kopir.assessment.fhir_mapping import FhirProblem
from kopir.assessment.models import ExternalSystem
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record, audited
from kopir.core.errors import ConflictError, DomainError
from kopir.directory.models import Organisation
from kopir.rehabilitation import fhir
from kopir.rehabilitation.access import agency_measures
from kopir.rehabilitation.api_fhir_docs import (
    CODE_SYSTEM_OPENAPI,
    OPERATION_DEFINITION_OPENAPI,
    REPORT_OPENAPI,
    TASK_READ_OPENAPI,
    TASK_SEARCH_OPENAPI,
)
from kopir.rehabilitation.fhir_conformance import (
    REPORT_OPERATION,
    code_system,
    code_system_ids,
    report_operation,
)
from kopir.rehabilitation.models import Measure, MeasureType
from kopir.rehabilitation.selectors.execution import MAX_PAGE_SIZE, PAGE_SIZE, Cursor
from kopir.rehabilitation.services.execution import (
    measure_accept,
    measure_deliver,
    measure_not_deliver,
    measure_redirect,
    measure_schedule,
)

fhir_task_router = Router(auth=SystemToken(), tags=["FHIR: rehabilitation measures"])

_IF_MATCH = re.compile(r'^\s*(?:W/)?"(\d{1,9})"\s*$')


def _system(request: HttpRequest) -> ExternalSystem:
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]
    return system


def _not_found(expression: str = "Task.id") -> JsonResponse:
    reason = _("Your organisation holds no such measure.")
    return outcome_answer(404, [FhirProblem(expression, reason, "not-found")])


def _task_answer(measure: Measure, base: str, status: int = 200) -> JsonResponse:
    response = json_answer(
        fhir.measure_task(measure, base), status=status, content_type=FHIR_CONTENT_TYPE
    )
    response["ETag"] = fhir.etag(measure)
    return response


def _is_task_id(task_id: str) -> bool:
    return task_id.isascii() and task_id.isdigit() and len(task_id) <= 18


def _measure_of(system: ExternalSystem, task_id: str) -> Measure | None:
    if not _is_task_id(task_id):
        return None
    return fhir.task_relations(agency_measures(system.organisation_id)).filter(pk=task_id).first()


# --- Search ----------------------------------------------------------------------------------


def _searched(system: ExternalSystem, search: fhir.TaskSearch) -> QuerySet[Measure]:
    measures = fhir.task_relations(agency_measures(system.organisation_id))
    if search.statuses is not None:
        measures = measures.filter(status__in=search.statuses)
    if search.codes is not None:
        measures = measures.filter(measure_type__code__in=search.codes)
    lookups = {"ge": "gte", "gt": "gt", "le": "lte", "lt": "lt"}
    for prefix, moment in search.updated:
        measures = measures.filter(**{f"last_updated__{lookups[prefix]}": moment})
    cursor = Cursor.parse(search.cursor)
    if cursor is not None:
        measures = measures.filter(
            TupleGreaterThan(Tuple(F("due_on"), F("id")), (cursor.due, cursor.pk))
        )
    return measures.order_by("due_on", "id")


def _catalogue_codes() -> list[str]:
    from kopir.rehabilitation.services.catalogue import active_catalogue

    catalogue = active_catalogue()
    if catalogue is None:
        return []
    return list(MeasureType.objects.filter(catalogue=catalogue).values_list("code", flat=True))


def _page_link(request: HttpRequest, cursor: str | None) -> str:
    query = [(key, value) for key in request.GET for value in request.GET.getlist(key)]
    query = [(key, value) for key, value in query if key != "_cursor"]
    if cursor:
        query.append(("_cursor", cursor))
    url = request.build_absolute_uri("/api/fhir/Task")
    return f"{url}?{urlencode(query)}" if query else url


@fhir_task_router.get(
    "/Task",
    response=dict.fromkeys((200, 400, 401, 429)),
    summary="Search the measures your organisation holds, as FHIR Task resources",
    operation_id="fhir_task_search",
    openapi_extra=TASK_SEARCH_OPENAPI,
)
def fhir_task_search(request: HttpRequest) -> HttpResponse:
    system = _system(request)
    try:
        search = fhir.read_search(
            request.GET,
            organisation_bin=system.organisation.bin,
            catalogue_codes=_catalogue_codes,
            max_count=MAX_PAGE_SIZE,
            default_count=PAGE_SIZE,
        )
    except fhir.SearchInvalid as invalid:
        return outcome_answer(400, invalid.problems)
    rows: list[Measure] = []
    if not search.nothing:
        with transaction.atomic():
            rows = list(_searched(system, search)[: search.count + 1])
            if rows:
                # The persons' names and contacts are read: audited as the work list is.
                audit_record(
                    actor=system.account,
                    action=AuditAction.VIEW,
                    target_type="rehabilitation.measure",
                    request=request,
                    channel=AuditChannel.API,
                    detail="FHIR Task search",
                )
    has_more = len(rows) > search.count
    rows = rows[: search.count]
    base = fhir_base(request)
    links = [{"relation": "self", "url": _page_link(request, search.cursor)}]
    if has_more:
        following = Cursor(rows[-1].due_on, rows[-1].pk).encode()
        links.append({"relation": "next", "url": _page_link(request, following)})
    body: dict[str, Any] = {"resourceType": "Bundle", "type": "searchset", "link": links}
    if rows:
        # FHIR's JSON has no empty arrays: an empty page has no `entry` at all.
        body["entry"] = [
            {
                "fullUrl": f"{base}/Task/{measure.pk}",
                "resource": fhir.measure_task(measure, base),
                "search": {"mode": "match"},
            }
            for measure in rows
        ]
    return json_answer(body, status=200, content_type=FHIR_CONTENT_TYPE)


# --- Read ------------------------------------------------------------------------------------


@fhir_task_router.get(
    "/Task/{task_id}",
    response=dict.fromkeys((200, 401, 404, 429)),
    summary="One measure your organisation holds, as a FHIR Task",
    operation_id="fhir_task_read",
    openapi_extra=TASK_READ_OPENAPI,
)
def fhir_task_read(request: HttpRequest, task_id: str) -> HttpResponse:
    system = _system(request)
    measure = _measure_of(system, task_id)
    if measure is None:
        return _not_found()
    with transaction.atomic():
        audited(
            measure,
            AuditAction.VIEW,
            actor=system.account,
            request=request,
            channel=AuditChannel.API,
            detail="FHIR Task read",
        )
    return _task_answer(measure, fhir_base(request))


# --- $report ---------------------------------------------------------------------------------


def _document(report: fhir.Report) -> ContentFile[bytes] | None:
    attachment = report.values.get("document")
    if not isinstance(attachment, dict):
        return None
    path = fhir.parameter_path("document")
    data = attachment.get("data")
    title = attachment.get("title")
    if not isinstance(data, str) or not isinstance(title, str) or not title.strip():
        reason = _("Give the document inline: base64 data and its file name as title.")
        raise fhir.ReportInvalid([FhirProblem(path, reason, "required")])
    try:
        content = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as error:
        reason = _("This is not valid base64.")
        raise fhir.ReportInvalid([FhirProblem(f"{path}.value.data", reason, "value")]) from error
    return ContentFile(content, name=title.strip())


def _redirect_target(report: fhir.Report) -> Organisation:
    identifier = report.values.get("redirect-to")
    path = fhir.parameter_path("redirect-to")
    if not isinstance(identifier, dict) or identifier.get("system") != fhir.BIN_SYSTEM:
        reason = _("Name the responsible organisation by its BIN, identifier system %(system)s.")
        raise fhir.ReportInvalid([FhirProblem(path, reason % {"system": fhir.BIN_SYSTEM})])
    organisation = Organisation.objects.filter(bin=str(identifier.get("value") or "")).first()
    if organisation is None:
        reason = _("No organisation in Kopir has this BIN.")
        raise fhir.ReportInvalid([FhirProblem(f"{path}.value.value", reason, "not-found")])
    return organisation


def _reason_text(report: fhir.Report) -> str:
    concept = report.values.get("reason")
    text = concept.get("text") if isinstance(concept, dict) else None
    return text if isinstance(text, str) else ""


def _not_delivered_reason(report: fhir.Report) -> str:
    concept = report.values.get("reason")
    code = fhir.reason_code(concept) if isinstance(concept, dict) else None
    if code is None:
        reason = _("Code the reason in %(system)s: %(codes)s.") % {
            "system": fhir.REASON_SYSTEM,
            "codes": ", ".join(fhir.NotDeliveredReason.values),
        }
        raise fhir.ReportInvalid(
            [FhirProblem(fhir.parameter_path("reason"), reason, "code-invalid")]
        )
    return code


def _service(
    report: fhir.Report, request: HttpRequest, measure: Measure, version: int
) -> Callable[[], object]:
    """The service call the report stands for, its arguments read (ReportInvalid if not)."""
    actor = _system(request).account
    common: dict[str, Any] = {
        "actor": actor,
        "measure": measure,
        "expected_version": version,
        "request": request,
        "channel": AuditChannel.API,
    }
    if report.kind == "accepted":
        return lambda: measure_accept(**common)
    if report.kind == "scheduled":
        scheduled_on = report.date("scheduled-on")
        if scheduled_on is None:
            reason = _("Give the day of delivery.")
            raise fhir.ReportInvalid([FhirProblem(fhir.parameter_path("scheduled-on"), reason)])
        note = report.text("note")
        return lambda: measure_schedule(**common, scheduled_on=scheduled_on, note=note)
    if report.kind == "delivered":
        delivered_on = report.date("delivered-on")
        document = _document(report)
        return lambda: measure_deliver(
            **common,
            delivered_on=delivered_on,
            document=document,
            serial_number=report.text("serial-number"),
            supplier=report.text("supplier"),
            item_details=report.text("item-details"),
        )
    if report.kind == "not_delivered":
        code = _not_delivered_reason(report)
        text = _reason_text(report)
        return lambda: measure_not_deliver(**common, reason=code, text=text)
    target = _redirect_target(report)
    text = _reason_text(report)
    return lambda: measure_redirect(**common, to_organisation=target, reason=text)


def _service_problems(invalid: ValidationError) -> list[FhirProblem]:
    """A service's refusal, each reason at the $report parameter that carries its field."""
    by_field = invalid.message_dict if hasattr(invalid, "error_dict") else {"": invalid.messages}
    return [
        FhirProblem(
            fhir.parameter_path(fhir.SERVICE_FIELDS[name])
            if name in fhir.SERVICE_FIELDS
            else "Parameters",
            str(message),
        )
        for name, messages in by_field.items()
        for message in messages
    ]


def _version(request: HttpRequest) -> int | JsonResponse:
    header = request.headers.get("If-Match")
    if header is None:
        reason = _(
            'Send the ETag of the task you read as If-Match (W/"<versionId>"): a report applies to the version you saw.'
        )
        return outcome_answer(428, [FhirProblem("If-Match", reason, "required")])
    matched = _IF_MATCH.match(header)
    if matched is None:
        reason = _('Write If-Match as the ETag of your read: W/"<versionId>".')
        return outcome_answer(400, [FhirProblem("If-Match", reason, "value")])
    return int(matched.group(1))


def _stale(measure: Measure) -> JsonResponse:
    version = Measure.objects.filter(pk=measure.pk).values_list("version", flat=True).first()
    reason = _(
        "The task changed after you read it (its version is now %(version)s): nothing was saved. Read it again and decide anew."
    ) % {"version": version}
    return outcome_answer(412, [FhirProblem("If-Match", reason, "conflict")])


@fhir_task_router.post(
    "/Task/{task_id}/$report",
    response=dict.fromkeys((200, 400, 401, 404, 409, 412, 413, 415, 422, 428, 429)),
    summary="Report on a measure: accepted, scheduled, delivered, not delivered or redirected",
    operation_id="fhir_task_report",
    openapi_extra=REPORT_OPENAPI,
)
def fhir_task_report(request: HttpRequest, task_id: str) -> HttpResponse:
    if not _is_task_id(task_id):
        # Before the Idempotency-Key is reserved: its record names the task.
        return _not_found()
    try:
        raw = read_json(request, FHIR_JSON_TYPES)
    except BodyRefused as refused:
        return refused_answer(request, refused)
    system = _system(request)
    base = fhir_base(request)

    def handle() -> tuple[JsonResponse, None]:
        measure = _measure_of(system, task_id)
        if measure is None:
            return _not_found(), None
        version = _version(request)
        if isinstance(version, JsonResponse):
            return version, None
        if version != measure.version:
            return _stale(measure), None
        try:
            report = fhir.read_report(raw)
            act = _service(report, request, measure, version)
            act()
        except fhir.ReportInvalid as invalid:
            return outcome_answer(422, invalid.problems), None
        except ValidationError as invalid:
            return outcome_answer(422, _service_problems(invalid)), None
        except ConflictError:
            return _stale(measure), None
        except DomainError as refused:
            return outcome_answer(
                409, [FhirProblem("Task.status", str(refused), "business-rule")]
            ), None
        # Read again as a search reads it: the state, the owner and lastUpdated of now.
        stored = fhir.task_relations(Measure.objects.all()).get(pk=measure.pk)
        return _task_answer(stored, base), None

    response = idempotent(
        request,
        endpoint=f"POST /api/fhir/Task/{task_id}/$report",
        body={"If-Match": request.headers.get("If-Match", ""), "parameters": raw},
        handle=handle,
        problem=fhir_problem,
    )
    if response.status_code == 200 and "ETag" not in response:
        # A replayed answer: its ETag is the version it reported.
        version = json.loads(response.content).get("meta", {}).get("versionId")
        if version:
            response["ETag"] = f'W/"{version}"'
    return response


# --- Conformance: the CodeSystems and the operation's definition (public) -----------------------


@fhir_task_router.get(
    "/CodeSystem/{code_system_id}",
    auth=None,
    response=dict.fromkeys((200, 404)),
    summary="One of Kopir's code systems for measures",
    operation_id="fhir_code_system",
    openapi_extra=CODE_SYSTEM_OPENAPI,
)
def fhir_code_system(request: HttpRequest, code_system_id: str) -> HttpResponse:
    return fhir_published(
        code_system(code_system_id),
        "CodeSystem.id",
        lambda: (
            _("Kopir publishes these code systems: %(ids)s.")
            % {"ids": ", ".join(code_system_ids())}
        ),
    )


@fhir_task_router.get(
    "/OperationDefinition/{operation_id}",
    auth=None,
    response=dict.fromkeys((200, 404)),
    summary="The definition of Kopir's Task operation $report",
    operation_id="fhir_operation_definition",
    openapi_extra=OPERATION_DEFINITION_OPENAPI,
)
def fhir_operation_definition(request: HttpRequest, operation_id: str) -> HttpResponse:
    return fhir_published(
        report_operation(fhir_base(request)) if operation_id == REPORT_OPERATION else None,
        "OperationDefinition.id",
        lambda: _("Kopir defines one operation: %(id)s.") % {"id": REPORT_OPERATION},
    )
