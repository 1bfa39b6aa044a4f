"""The API documents itself: every endpoint in the OpenAPI schema with examples, and the docs page
works on a closed network (no CDN)."""

from __future__ import annotations

import re

import pytest

from kopir.assessment.api_docs import FHIR_BUNDLE_EXAMPLE
from kopir.assessment.fhir import bundle_to_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_the_schema_lists_the_referral_and_fhir_endpoints(schema):
    assert {"/api/referrals", "/api/referrals/{number}", "/api/fhir/Bundle"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/referrals"]
    assert "get" in schema["paths"]["/api/referrals/{number}"]
    assert "post" in schema["paths"]["/api/fhir/Bundle"]


def test_every_endpoint_needs_the_bearer_token(schema):
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    for path in ("/api/referrals", "/api/fhir/Bundle"):
        assert schema["paths"][path]["post"]["security"]


def test_the_json_endpoint_shows_request_and_response_examples(schema):
    operation = schema["paths"]["/api/referrals"]["post"]
    request_examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert request_examples["complete"]["value"]["person"]["iin"]
    for status in ("201", "400", "401", "409", "422"):
        assert operation["responses"][status]["content"]["application/json"]["examples"], status
    assert schema["components"]["schemas"]["ReferralIn"]["examples"]


def test_writes_document_the_idempotency_key_header(schema):
    for path in ("/api/referrals", "/api/fhir/Bundle"):
        parameters = schema["paths"][path]["post"]["parameters"]
        header = next(p for p in parameters if p["name"] == "Idempotency-Key")
        assert header["in"] == "header"
        assert header["required"] is True


def test_the_status_endpoint_shows_a_response_example(schema):
    operation = schema["paths"]["/api/referrals/{number}"]["get"]
    assert schema["components"]["schemas"]["ReferralStatusOut"]["examples"]
    assert operation["responses"]["404"]["content"]["application/json"]["examples"]


def test_the_fhir_endpoint_shows_an_example_bundle_and_outcome(schema):
    operation = schema["paths"]["/api/fhir/Bundle"]["post"]
    body = operation["requestBody"]["content"]["application/fhir+json"]["examples"]
    assert body["referral"]["value"]["resourceType"] == "Bundle"
    outcome = operation["responses"]["422"]["content"]["application/fhir+json"]["examples"]
    assert outcome["invalid"]["value"]["resourceType"] == "OperationOutcome"


def test_the_documented_fhir_example_is_itself_a_valid_bundle():
    mapped = bundle_to_referral(FHIR_BUNDLE_EXAMPLE)

    assert mapped.data.primary_code == "H54.0"
    assert (
        mapped.data.person.iin
        == FHIR_BUNDLE_EXAMPLE["entry"][0]["resource"]["identifier"][0]["value"]
    )


def test_the_docs_page_loads_without_signing_in_and_from_kopirs_own_files(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert not re.search(r"https?://", html), "the docs page must not load anything from elsewhere"
    for asset in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert client.get(asset).status_code == 200, asset
