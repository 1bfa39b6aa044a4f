"""The API fuzzed against its own OpenAPI document (schemathesis), with a valid token.

Every operation of /api/openapi.json gets generated requests (bounded and derandomised, so CI
runs the same examples each time); each answer must not be a server error and must match the
document: its status is one the operation lists, its body the schema given for that status.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kopir.assessment.tests.clinic_fixtures import *  # noqa: F403  (the clinic the token is for)
from kopir.assessment.tests.intake_fixtures import *  # noqa: F403
from kopir.people.tests.fixtures import clinician as clinician
from kopir.people.tests.fixtures import outsider as outsider
from kopir.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


# Read at import (pytest-django has set Django up by then): schemathesis 4.32's lazy loader,
# `schemathesis.pytest.from_fixture`, fails on pytest 9 (it sets `node._nodeid`, gone there).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def _no_rate_limit_for_the_fuzzer(settings: Any) -> None:
    # The fuzzer sends more requests a minute than a real system may; the limit has its own test.
    settings.KOPIR_API_RATE = "100000/m"


@pytest.fixture(autouse=True)
def _test_database_kept_open_across_requests() -> Iterator[None]:
    # Schemathesis calls the WSGI application itself, not through Django's test client, so the
    # end of each request would close the connection that holds the test's transaction (on
    # PostgreSQL every later query then fails). Django's test client unhooks the same handler.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The same budget for every fuzzed operation: a fixed seed so a failure is the same on rerun.
FUZZING = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@schema.parametrize()
@FUZZING
def test_the_api_answers_generated_requests_as_its_document_says(
    case: Any, db: None, token: str, icd10: Any, demo_rules: None
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_fhir_endpoints_errors_are_documented_as_the_operation_outcomes_it_sends(
    client: Any,
) -> None:
    # Found by the fuzzer: the FHIR endpoint answers every error as application/fhir+json, but
    # the document listed 400, 401, 409 and 413 as application/json objects, so no client (and
    # no schema check) could read those answers by the document.
    document = client.get("/api/openapi.json").json()
    responses = document["paths"]["/api/fhir/Bundle"]["post"]["responses"]
    for status in ("400", "401", "409", "413", "422", "429"):
        content = responses[status]["content"]
        assert list(content) == ["application/fhir+json"], status
        schema = content["application/fhir+json"]["schema"]
        assert schema["properties"]["resourceType"]["enum"] == ["OperationOutcome"], status
        assert "issue" in schema["required"], status
    assert list(responses["201"]["content"]) == ["application/fhir+json"]


def test_the_fhir_conformance_endpoints_are_documented_as_public_fhir_resources(
    client: Any,
) -> None:
    # The fuzzer calls them with a token; a client calls them without one, as the document says.
    document = client.get("/api/openapi.json").json()
    for path, name in (
        ("/api/fhir/metadata", "CapabilityStatement"),
        ("/api/fhir/StructureDefinition/{profile_id}", "StructureDefinition"),
    ):
        operation = document["paths"][path]["get"]
        assert operation["security"] == [], path
        schema = operation["responses"]["200"]["content"]["application/fhir+json"]["schema"]
        assert schema["properties"]["resourceType"]["enum"] == [name], path
    missing = document["paths"]["/api/fhir/StructureDefinition/{profile_id}"]["get"]["responses"]
    assert list(missing["404"]["content"]) == ["application/fhir+json"]


# The measure API for agency systems and its FHIR twin (Task), asked with an agency's token (the
# clinic's system above holds no measures, so most of its answers there are 404), with measures
# the agency holds.
agency_operations = schema.include(path_regex="^/api/(measures|fhir/Task)")


@agency_operations.parametrize()
@FUZZING
def test_the_measure_api_answers_an_agency_system_as_its_document_says(
    case: Any, db: None, agency_api_token: str
) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {agency_api_token}"}, checks=CHECKS)


@pytest.fixture
def agency_api_token(db: None) -> str:
    from kopir.assessment.services.external_systems import external_system_issue_token
    from kopir.directory.models import OrganisationKind
    from kopir.directory.tests.factories import OrganisationFactory
    from kopir.rehabilitation.tests.factories import MeasureFactory

    agency = OrganisationFactory.create(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    for _i in range(3):
        MeasureFactory.create(organisation=agency)
    return external_system_issue_token(name="fuzz-agency", organisation=agency)[1]
