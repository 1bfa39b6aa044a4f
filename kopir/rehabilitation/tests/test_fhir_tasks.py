"""The measures as FHIR R4 Task resources for agency systems: what a Task carries (validated by
fhir.resources, never a diagnosis), the search and its pages, each report through $report with
the services' checks, If-Match (412 when stale), idempotent replay, scoping by organisation, and
what the CapabilityStatement, the profile and the code systems publish."""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.codesystem import CodeSystem
from fhir.resources.R4B.operationdefinition import OperationDefinition
from fhir.resources.R4B.structuredefinition import StructureDefinition
from fhir.resources.R4B.task import Task

from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.core import sample_files
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory
from kopir.rehabilitation.api_fhir_docs import EXAMPLE_DELIVERED_REPORT
from kopir.rehabilitation.models import Measure, MeasureStatus, MeasureType
from kopir.rehabilitation.services.catalogue import active_catalogue
from kopir.rehabilitation.tests.agency_fixtures import *  # noqa: F403
from kopir.rehabilitation.tests.agency_fixtures import api_updates, linked_measure

pytestmark = pytest.mark.django_db
S = MeasureStatus
FHIR = "application/fhir+json"


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    settings.KOPIR_API_RATE = "100000/m"


def _get(client: Client, path: str, token: str | None) -> Any:
    headers: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(path, **headers)


def _post(
    client: Client,
    task: str,
    body: Any,
    *,
    token: str | None,
    if_match: str | None,
    key: str | None = None,
) -> Any:
    """POST Task/{task}/$report with `body` (JSON-encoded unless text), by default a fresh key."""
    headers: dict[str, Any] = {"HTTP_IDEMPOTENCY_KEY": key or str(uuid.uuid4())}
    if token is not None:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if if_match is not None:
        headers["HTTP_IF_MATCH"] = if_match
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"/api/fhir/Task/{task}/$report", data=data, content_type=FHIR, **headers)


def _report(
    client: Client,
    measure: Measure,
    token: str,
    *parameters: dict[str, Any],
    version: int | None = None,
    key: str | None = None,
) -> Any:
    body = {"resourceType": "Parameters", "parameter": list(parameters)}
    if_match = None if version is None else f'W/"{version}"'
    return _post(client, str(measure.pk), body, token=token, if_match=if_match, key=key)


def _code(value: str) -> dict[str, Any]:
    return {"name": "report", "valueCode": value}


def _today() -> str:
    return timezone.localdate().isoformat()


def _hearing_aid() -> MeasureType:
    catalogue = active_catalogue()
    assert catalogue is not None
    return MeasureType.objects.get(catalogue=catalogue, code="hearing-aid")


def _round_trip(body: dict[str, Any]) -> Task:
    """The Task as fhir.resources reads it, which writes it back exactly as Kopir sent it."""
    task = Task.model_validate(body)
    assert json.loads(task.model_dump_json(exclude_none=True)) == body
    return task


def _issues(response: Any) -> list[dict[str, Any]]:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    issues: list[dict[str, Any]] = body["issue"]
    return issues


# --- Read ------------------------------------------------------------------------------------


def test_a_task_carries_the_measure_the_person_and_the_owner_and_validates(
    agency: Organisation, agency_token: str, client: Client
) -> None:
    measure = linked_measure(agency, line__measure_type=_hearing_aid())
    person = measure.person
    person.phone, person.accessibility_needs = "+77010000000", ["sign_language"]
    person.save()
    response = _get(client, f"/api/fhir/Task/{measure.pk}", agency_token)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR
    assert response["ETag"] == 'W/"1"'
    body = response.json()
    task = _round_trip(body)
    assert (task.status, task.intent) == ("requested", "order")
    assert body["businessStatus"]["coding"][0]["code"] == "assigned"
    codings = {(c["system"], c["code"]) for c in body["code"]["coding"]}
    # Kopir's catalogue code, and the verified SNOMED CT code of the table beside it.
    assert codings == {("urn:kopir:measure", "hearing-aid"), ("http://snomed.info/sct", "6012004")}
    assert body["for"]["identifier"] == {"system": "urn:kz:iin", "value": person.iin}
    patient = body["contained"][0]
    assert patient["telecom"] == [{"system": "phone", "value": "+77010000000"}]
    assert patient["extension"] == [
        {"url": "urn:kopir:accessibility-need", "valueCode": "sign_language"}
    ]
    assert body["owner"]["identifier"] == {"system": "urn:kz:bin", "value": agency.bin}
    assert body["restriction"]["period"]["end"] == measure.due_on.isoformat()
    assert body["basedOn"][0]["identifier"]["value"] == measure.programme.number
    assert AuditEvent.objects.filter(
        channel="api", action="view", target_id=str(measure.pk)
    ).exists()


def test_no_task_carries_the_diagnosis(
    agency: Organisation, measure: Measure, agency_token: str, client: Client
) -> None:
    diagnosis = measure.programme.referral.primary_diagnosis
    assert diagnosis.code
    assert diagnosis.title_en
    bodies = [
        _get(client, f"/api/fhir/Task/{measure.pk}", agency_token).content.decode(),
        _get(client, "/api/fhir/Task", agency_token).content.decode(),
    ]
    for text in bodies:
        assert str(measure.pk) in text
        assert "Condition" not in text
        assert "diagnos" not in text.lower()
        assert "icd-10" not in text.lower()
        assert diagnosis.code not in text
        assert diagnosis.title_en not in text


def test_a_delivered_or_failed_task_carries_its_evidence_or_coded_reason(
    agency: Organisation, agency_token: str, client: Client
) -> None:
    delivered = linked_measure(
        agency,
        status=S.DELIVERED,
        delivered_on=timezone.localdate(),
        serial_number="HA-7",
        supplier="Supplier LLP",
    )
    failed = linked_measure(
        agency, status=S.NOT_DELIVERED, not_delivered_reason="other", not_delivered_text="Moved"
    )
    body = _get(client, f"/api/fhir/Task/{delivered.pk}", agency_token).json()
    _round_trip(body)
    assert body["status"] == "completed"
    outputs = {o["type"]["coding"][0]["code"]: o for o in body["output"]}
    assert outputs["serial-number"]["valueString"] == "HA-7"
    assert outputs["supplier"]["valueString"] == "Supplier LLP"
    assert outputs["delivered-on"]["valueDate"] == _today()
    body = _get(client, f"/api/fhir/Task/{failed.pk}", agency_token).json()
    _round_trip(body)
    assert body["status"] == "failed"
    assert body["statusReason"]["coding"][0] == {
        "system": "urn:kopir:measure-not-delivered-reason",
        "code": "other",
        "display": "Other reason",
    }
    assert body["statusReason"]["text"] == "Moved"


def test_another_agencys_task_is_not_found(
    measure: Measure, other_agency_token: str, client: Client
) -> None:
    response = _get(client, f"/api/fhir/Task/{measure.pk}", other_agency_token)
    assert response.status_code == 404
    assert _issues(response)[0]["code"] == "not-found"
    assert _get(client, "/api/fhir/Task/not-a-number", other_agency_token).status_code == 404
    response = _report(client, measure, other_agency_token, _code("accepted"), version=1)
    assert response.status_code == 404
    assert Measure.objects.get(pk=measure.pk).status == S.ASSIGNED
    # An id that cannot be a task's is not found before anything is reserved or read.
    response = _post(client, "9" * 300, "{}", token=other_agency_token, if_match='W/"1"')
    assert response.status_code == 404


def test_a_council_member_or_an_anonymous_caller_is_refused(
    measure: Measure, council_member: User, client: Client
) -> None:
    # Without a system's token: 401, whether signed in to the site or not.
    for asker in (signed_in(Client(), council_member), client):
        for path in (f"/api/fhir/Task/{measure.pk}", "/api/fhir/Task"):
            response = asker.get(path)
            assert response.status_code == 401
            assert _issues(response)[0]["code"] == "security"
        response = _post(asker, str(measure.pk), "{}", token=None, if_match='W/"1"')
        assert response.status_code == 401
    assert Measure.objects.get(pk=measure.pk).status == S.ASSIGNED


# --- Search ----------------------------------------------------------------------------------


def _all_pages(client: Client, url: str, token: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for _page in range(20):
        response = _get(client, url, token)
        assert response.status_code == 200, response.content
        bundle = response.json()
        assert (
            json.loads(Bundle.model_validate(bundle).model_dump_json(exclude_none=True)) == bundle
        )
        assert bundle["type"] == "searchset"
        entries.extend(bundle.get("entry", []))
        following = [link["url"] for link in bundle["link"] if link["relation"] == "next"]
        if not following:
            return entries
        url = following[0].removeprefix("http://testserver")
    raise AssertionError("the pages did not end")


def test_the_search_pages_the_organisations_tasks_by_next_links(
    agency: Organisation, other_agency: Organisation, agency_token: str, client: Client
) -> None:
    day = timezone.localdate() + dt.timedelta(days=5)
    mine = [linked_measure(agency, due_on=day + dt.timedelta(days=i % 3)).pk for i in range(7)]
    mine.append(linked_measure(agency, status=S.DELIVERED).pk)
    linked_measure(other_agency)
    entries = _all_pages(client, "/api/fhir/Task?_count=3", agency_token)
    ids = [int(entry["resource"]["id"]) for entry in entries]
    assert sorted(ids) == sorted(mine)
    assert len(ids) == len(set(ids))
    dues = [entry["resource"]["restriction"]["period"]["end"] for entry in entries]
    assert dues == sorted(dues)


def test_the_search_filters_by_status_code_owner_and_last_update(
    agency: Organisation, other_agency: Organisation, agency_token: str, client: Client
) -> None:
    hearing = linked_measure(agency, line__measure_type=_hearing_aid())
    accepted = linked_measure(agency, status=S.ACCEPTED)
    old = linked_measure(agency, assigned_at=timezone.now() - dt.timedelta(days=40))

    def ids(query: str) -> set[int]:
        return {int(e["resource"]["id"]) for e in _all_pages(client, query, agency_token)}

    assert ids("/api/fhir/Task?status=accepted") == {accepted.pk}
    assert ids("/api/fhir/Task?status=requested,accepted") == {hearing.pk, accepted.pk, old.pk}
    assert ids("/api/fhir/Task?code=urn:kopir:measure|hearing-aid") == {hearing.pk}
    # The standard coding the table maps finds the same measure.
    assert ids("/api/fhir/Task?code=http://snomed.info/sct|6012004") == {hearing.pk}
    assert ids("/api/fhir/Task?code=http://snomed.info/sct|58938008") == set()
    since = (timezone.localdate() - dt.timedelta(days=10)).isoformat()
    assert ids(f"/api/fhir/Task?_lastUpdated=ge{since}") == {hearing.pk, accepted.pk}
    assert ids(f"/api/fhir/Task?_lastUpdated=lt{since}") == {old.pk}
    assert ids(f"/api/fhir/Task?owner:identifier=urn:kz:bin|{agency.bin}&status=accepted") == {
        accepted.pk
    }
    assert ids(f"/api/fhir/Task?owner:identifier=urn:kz:bin|{other_agency.bin}") == set()


def test_a_move_updates_the_tasks_last_update(
    agency: Organisation, agency_token: str, client: Client
) -> None:
    measure = linked_measure(agency, assigned_at=timezone.now() - dt.timedelta(days=40))
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    query = f"/api/fhir/Task?_lastUpdated=ge{since}"
    assert _all_pages(client, query, agency_token) == []
    assert _report(client, measure, agency_token, _code("accepted"), version=1).status_code == 200
    assert [int(e["resource"]["id"]) for e in _all_pages(client, query, agency_token)] == [
        measure.pk
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("status=done", "status"),
        ("_lastUpdated=2026-12-01", "_lastUpdated"),
        ("_lastUpdated=geyesterday", "_lastUpdated"),
        ("_count=0", "_count"),
        ("_count=201", "_count"),
        ("subject=1", "subject"),
        ("code=%00", "code"),
    ],
)
def test_a_search_parameter_that_cannot_be_read_is_named(
    query: str, parameter: str, agency_token: str, client: Client
) -> None:
    response = _get(client, f"/api/fhir/Task?{query}", agency_token)
    assert response.status_code == 400
    assert _issues(response)[0]["expression"] == [parameter]


def test_the_search_costs_the_same_queries_for_one_row_or_many(
    agency: Organisation, agency_token: str, client: Client
) -> None:
    linked_measure(agency)
    _get(client, "/api/fhir/Task", agency_token)  # the token's last use is stamped once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = _get(client, "/api/fhir/Task?_count=50", agency_token)
        assert response.status_code == 200
        return len(captured)

    one = queries()
    for _i in range(15):
        linked_measure(agency)
    assert queries() == one
    # The token, the page (one statement, its last update a subquery), the audit record.
    assert one <= 6


# --- $report ---------------------------------------------------------------------------------


def test_the_system_reports_a_measure_accepted_scheduled_and_delivered(
    agency: Organisation, measure: Measure, agency_token: str, client: Client
) -> None:
    response = _report(client, measure, agency_token, _code("accepted"), version=1)
    assert response.status_code == 200, response.content
    assert response["ETag"] == 'W/"2"'
    assert Task.model_validate(response.json()).status == "accepted"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _report(
        client,
        measure,
        agency_token,
        _code("scheduled"),
        {"name": "scheduled-on", "valueDate": tomorrow},
        {"name": "note", "valueString": "Fitting at the supplier's"},
        version=2,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["businessStatus"]["coding"][0]["code"] == "scheduled"
    assert body["executionPeriod"] == {"start": tomorrow}
    # The implementation guide's example, with today's date (it is not in the future).
    example = copy.deepcopy(EXAMPLE_DELIVERED_REPORT)
    example["parameter"][1]["valueDate"] = _today()
    response = _report(
        client,
        measure,
        agency_token,
        *example["parameter"],
        {
            "name": "document",
            "valueAttachment": {
                "contentType": "application/pdf",
                "title": "act.pdf",
                "data": base64.b64encode(sample_files.pdf("act")).decode(),
            },
        },
        version=3,
    )
    assert response.status_code == 200, response.content
    task = _round_trip(response.json())
    assert task.status == "completed"
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.serial_number, stored.supplier) == (
        S.DELIVERED,
        "HA-2026-0042",
        "ЖШС «Есту әлемі»",
    )
    assert stored.evidence_document.name
    assert api_updates(measure) == 3


def test_missing_evidence_is_named_at_its_parameter(
    measure: Measure, agency_token: str, client: Client
) -> None:
    _report(client, measure, agency_token, _code("accepted"), version=1)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = _report(
        client,
        measure,
        agency_token,
        _code("delivered"),
        {"name": "delivered-on", "valueDate": future},
        version=2,
    )
    assert response.status_code == 422
    expressions = {issue["expression"][0] for issue in _issues(response)}
    assert expressions == {
        "Parameters.parameter.where(name='delivered-on')",
        "Parameters.parameter.where(name='serial-number')",
    }
    assert Measure.objects.get(pk=measure.pk).status == S.ACCEPTED


def test_the_system_reports_a_measure_not_delivered_with_a_coded_reason(
    measure: Measure, agency_token: str, client: Client
) -> None:
    _report(client, measure, agency_token, _code("accepted"), version=1)

    def reason(code: str, text: str = "") -> dict[str, Any]:
        concept: dict[str, Any] = {
            "coding": [{"system": "urn:kopir:measure-not-delivered-reason", "code": code}]
        }
        if text:
            concept["text"] = text
        return {"name": "reason", "valueCodeableConcept": concept}

    response = _report(
        client, measure, agency_token, _code("not_delivered"), reason("other"), version=2
    )
    assert response.status_code == 422
    assert _issues(response)[0]["expression"] == ["Parameters.parameter.where(name='reason')"]
    response = _report(
        client, measure, agency_token, _code("not_delivered"), reason("lost"), version=2
    )
    assert response.status_code == 422
    assert "unreachable" in _issues(response)[0]["diagnostics"]
    response = _report(
        client,
        measure,
        agency_token,
        _code("not_delivered"),
        reason("unreachable", "No answer at the address"),
        version=2,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "failed"
    assert body["statusReason"]["coding"][0]["code"] == "unreachable"
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.not_delivered_reason, stored.not_delivered_text) == (
        "unreachable",
        "No answer at the address",
    )


def test_a_standard_reason_coding_of_the_table_is_read_beside_kopirs_own(
    measure: Measure, agency_token: str, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The table has no verified reason yet: a row is put in to show that one would be read.
    from kopir.rehabilitation import fhir_codings

    table = fhir_codings.task_codings()
    row = {("http://example.test/reasons", "R-7"): "refused"}
    monkeypatch.setattr(
        fhir_codings, "task_codings", lambda: dataclasses.replace(table, reasons=row)
    )
    _report(client, measure, agency_token, _code("accepted"), version=1)
    concept = {"coding": [{"system": "http://example.test/reasons", "code": "R-7"}]}
    response = _report(
        client,
        measure,
        agency_token,
        _code("not_delivered"),
        {"name": "reason", "valueCodeableConcept": concept},
        version=2,
    )
    assert response.status_code == 200, response.content
    assert response.json()["statusReason"]["coding"][0]["code"] == "refused"
    assert Measure.objects.get(pk=measure.pk).not_delivered_reason == "refused"


def test_the_system_redirects_a_measure_to_the_responsible_organisation(
    measure: Measure, other_agency: Organisation, agency_token: str, client: Client
) -> None:
    unknown = {"name": "redirect-to", "valueIdentifier": {"system": "urn:kz:bin", "value": "1"}}
    response = _report(client, measure, agency_token, _code("redirected"), unknown, version=1)
    assert response.status_code == 422
    assert _issues(response)[0]["code"] == "not-found"
    target = {
        "name": "redirect-to",
        "valueIdentifier": {"system": "urn:kz:bin", "value": other_agency.bin},
    }
    response = _report(
        client,
        measure,
        agency_token,
        _code("redirected"),
        target,
        {"name": "reason", "valueCodeableConcept": {"text": "The career centre places people"}},
        version=1,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "requested"
    assert body["owner"]["identifier"]["value"] == other_agency.bin
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.organisation_id, stored.status) == (other_agency.pk, S.ASSIGNED)
    # It left the old owner's tasks.
    assert _get(client, f"/api/fhir/Task/{measure.pk}", agency_token).status_code == 404


def test_a_stale_version_answers_412_and_changes_nothing(
    measure: Measure, agency_token: str, client: Client
) -> None:
    assert _report(client, measure, agency_token, _code("accepted"), version=1).status_code == 200
    response = _report(
        client,
        measure,
        agency_token,
        _code("not_delivered"),
        {
            "name": "reason",
            "valueCodeableConcept": {
                "coding": [{"system": "urn:kopir:measure-not-delivered-reason", "code": "refused"}]
            },
        },
        version=1,
    )
    assert response.status_code == 412
    assert _issues(response)[0]["expression"] == ["If-Match"]
    assert Measure.objects.get(pk=measure.pk).status == S.ACCEPTED
    # Without If-Match: 428; a malformed one: 400.
    assert _report(client, measure, agency_token, _code("scheduled")).status_code == 428
    body = {"resourceType": "Parameters", "parameter": [_code("accepted")]}
    response = _post(client, str(measure.pk), body, token=agency_token, if_match="2")
    assert response.status_code == 400


def test_a_move_the_state_does_not_allow_answers_409(
    agency: Organisation, agency_token: str, client: Client
) -> None:
    closed = linked_measure(agency, status=S.CANCELLED)
    response = _report(client, closed, agency_token, _code("accepted"), version=1)
    assert response.status_code == 409
    assert _issues(response)[0]["code"] == "business-rule"


def test_a_repeated_report_is_replayed_not_applied_twice(
    measure: Measure, agency_token: str, client: Client
) -> None:
    first = _report(client, measure, agency_token, _code("accepted"), version=1, key="k-1")
    again = _report(client, measure, agency_token, _code("accepted"), version=1, key="k-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert again["ETag"] == 'W/"2"'
    assert Measure.objects.get(pk=measure.pk).version == 2
    assert measure.events.count() == 1
    # The same key for another report is refused.
    other = _report(client, measure, agency_token, _code("scheduled"), version=2, key="k-1")
    assert other.status_code == 409
    assert _issues(other)[0]["expression"] == ["Idempotency-Key"]


@pytest.mark.parametrize(
    ("body", "expression"),
    [
        ({"resourceType": "Task"}, "Parameters"),
        (
            {"resourceType": "Parameters", "parameter": [{"name": "colour"}]},
            "Parameters.parameter.name",
        ),
        (
            {"resourceType": "Parameters", "parameter": []},
            "Parameters.parameter.where(name='report')",
        ),
        (
            {"resourceType": "Parameters", "parameter": [{"name": "report", "valueCode": 3}]},
            "Parameters.parameter.where(name='report')",
        ),
    ],
)
def test_a_report_that_cannot_be_read_is_named(
    body: dict[str, Any], expression: str, measure: Measure, agency_token: str, client: Client
) -> None:
    response = _post(client, str(measure.pk), body, token=agency_token, if_match='W/"1"')
    assert response.status_code == 422
    assert _issues(response)[0]["expression"] == [expression]


# --- Conformance -----------------------------------------------------------------------------


def test_the_capability_statement_lists_the_task_interactions(client: Client) -> None:
    body = client.get("/api/fhir/metadata").json()
    CapabilityStatement.model_validate(body)
    resources = {r["type"]: r for r in body["rest"][0]["resource"]}
    task = resources["Task"]
    assert {i["code"] for i in task["interaction"]} == {"read", "search-type"}
    assert {p["name"] for p in task["searchParam"]} >= {"status", "_lastUpdated", "owner", "code"}
    assert task["operation"][0]["name"] == "report"
    assert task["profile"].endswith("/StructureDefinition/kopir-measure-task")
    # The referral intake is still there.
    assert "ServiceRequest" in resources
    for url in (task["profile"], task["operation"][0]["definition"]):
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
    StructureDefinition.model_validate(
        client.get("/api/fhir/StructureDefinition/kopir-measure-task").json()
    )
    OperationDefinition.model_validate(
        client.get("/api/fhir/OperationDefinition/kopir-task-report").json()
    )


def test_the_code_systems_are_published_with_their_translations(client: Client) -> None:
    reasons = client.get("/api/fhir/CodeSystem/kopir-measure-not-delivered-reason").json()
    CodeSystem.model_validate(reasons)
    assert reasons["url"] == "urn:kopir:measure-not-delivered-reason"
    codes = {c["code"]: c for c in reasons["concept"]}
    assert set(codes) == {"refused", "unreachable", "not_available", "not_competent", "other"}
    assert {d["language"] for d in codes["refused"]["designation"]} == {"kk", "ru"}
    measures = client.get("/api/fhir/CodeSystem/kopir-measure").json()
    CodeSystem.model_validate(measures)
    assert "hearing-aid" in {c["code"] for c in measures["concept"]}
    for code_system_id in ("kopir-measure-status", "kopir-measure-evidence"):
        CodeSystem.model_validate(client.get(f"/api/fhir/CodeSystem/{code_system_id}").json())
    assert client.get("/api/fhir/CodeSystem/icd-10").status_code == 404
    assert client.get("/api/fhir/OperationDefinition/other").status_code == 404


def test_the_openapi_document_shows_the_task_endpoints(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/fhir/Task"]) == {"get"}
    assert set(paths["/api/fhir/Task/{task_id}"]) == {"get"}
    report = paths["/api/fhir/Task/{task_id}/$report"]["post"]
    assert {p["name"] for p in report["parameters"]} >= {"If-Match", "Idempotency-Key"}
    assert "412" in report["responses"]


def test_a_measure_of_an_organisation_without_a_bin_still_validates(
    agency_token: str, client: Client, agency: Organisation
) -> None:
    measure = linked_measure(agency)
    target = OrganisationFactory.create(bin=None)
    Measure.objects.filter(pk=measure.pk).update(organisation=target)
    measure.refresh_from_db()
    from kopir.rehabilitation import fhir

    stored = fhir.task_relations(Measure.objects.all()).get(pk=measure.pk)
    Task.model_validate(fhir.measure_task(stored, "http://testserver/api/fhir"))


def test_the_openapi_example_task_is_a_valid_task() -> None:
    from kopir.rehabilitation.api_fhir_docs import EXAMPLE_TASK

    _round_trip(EXAMPLE_TASK)


def test_the_guides_delivered_example_is_the_one_the_tests_post() -> None:
    from pathlib import Path

    from django.conf import settings

    guide = (Path(settings.BASE_DIR) / "docs" / "fhir.md").read_text(encoding="utf-8")
    section = guide.split("### Example: delivered, with its evidence", 1)[1]
    block = section.split("```json", 1)[1].split("```", 1)[0]
    assert json.loads(block) == EXAMPLE_DELIVERED_REPORT
