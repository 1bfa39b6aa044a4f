"""The published FHIR conformance: the CapabilityStatement at /api/fhir/metadata, the profiles
under /api/fhir/StructureDefinition/, and the implementation guide's example bundle (standard
codings only), which is posted exactly as published."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.structuredefinition import StructureDefinition

from kopir.assessment.fhir_codings import codings
from kopir.assessment.fhir_conformance import capability_statement, profile_ids
from kopir.assessment.models import IntakeChannel, Referral, ReferralPurpose, Route
from kopir.assessment.tests.test_fhir_intake import post
from kopir.directory.models import TerritoryLevel
from kopir.directory.tests.factories import TerritoryFactory

pytestmark = pytest.mark.django_db
FHIR = "application/fhir+json"
ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "kopir" / "assessment" / "data" / "fhir-example-standard.json"
GUIDE = ROOT / "docs" / "fhir.md"


def test_the_metadata_is_a_valid_capability_statement_served_without_a_token(client):
    response = client.get("/api/fhir/metadata")

    assert response.status_code == 200
    assert response["Content-Type"].startswith(FHIR)
    statement = response.json()
    CapabilityStatement.model_validate(statement)
    assert statement["fhirVersion"] == "4.0.1"
    resources = {r["type"]: r for r in statement["rest"][0]["resource"]}
    bundle = resources["Bundle"]
    assert [i["code"] for i in bundle["interaction"]] == ["create"]
    assert bundle["profile"].endswith("/api/fhir/StructureDefinition/kopir-referral-bundle")
    for name in ("Patient", "Condition", "Observation", "ServiceRequest", "DocumentReference"):
        assert resources[name]["supportedProfile"], name
        assert "interaction" not in resources[name], name


def test_the_validation_of_the_statement_would_catch_a_missing_element():
    # "Valid per fhir.resources" means something: a statement without its status is refused.
    statement = capability_statement("http://localhost/api/fhir")
    del statement["status"]
    with pytest.raises(ValueError, match="status"):
        CapabilityStatement.model_validate(statement)


def profile_urls(client: Any) -> Iterator[str]:
    statement = client.get("/api/fhir/metadata").json()
    for resource in statement["rest"][0]["resource"]:
        yield from resource.get("supportedProfile", [])
        if "profile" in resource:
            yield resource["profile"]


def test_every_profile_the_statement_names_is_served_as_a_valid_structure_definition(client):
    urls = set(profile_urls(client))
    assert {url.rsplit("/", 1)[1] for url in urls} == set(profile_ids())
    for url in urls:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith(FHIR)
        definition = response.json()
        StructureDefinition.model_validate(definition)
        assert definition["url"] == url
        assert definition["derivation"] == "constraint"
        assert definition["baseDefinition"].endswith(f"/{definition['type']}")


def test_the_observation_profile_lists_every_coding_the_intake_reads(client):
    definition = client.get("/api/fhir/StructureDefinition/kopir-finding-observation").json()
    elements = {e["path"]: e for e in definition["differential"]["element"]}
    code = elements["Observation.code"]["binding"]["description"]
    for row in codings().rows["findings"]:
        assert row["code"] in code
    assert "urn:kopir:finding-kind" in code
    body_site = elements["Observation.bodySite"]["binding"]["description"]
    for row in codings().rows["body_sites"]:
        assert row["code"] in body_site
    # An unverified row is not advertised.
    assert "25577004" not in body_site


def test_an_unknown_profile_is_a_404_operation_outcome_listing_the_profiles(client):
    response = client.get("/api/fhir/StructureDefinition/kopir-nothing")

    assert response.status_code == 404
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "kopir-referral-bundle" in outcome["issue"][0]["diagnostics"]


# --- The implementation guide's example ---------------------------------------------------------


def systems(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ("system", "url") and isinstance(item, str):
                yield item
            yield from systems(item)
    elif isinstance(value, list):
        for item in value:
            yield from systems(item)


def test_the_guide_shows_the_example_exactly():
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    blocks = re.findall(r"```json\n(.*?)\n```", GUIDE.read_text(encoding="utf-8"), re.S)
    assert example in [json.loads(block) for block in blocks]


def test_the_example_uses_no_coding_of_kopirs_own():
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert not [s for s in systems(example) if s.startswith("urn:kopir:")]


@pytest.mark.usefixtures("icd10", "immediate_tasks")
def test_the_guides_example_posted_exactly_becomes_a_referral(client, token, clinic, region):
    TerritoryFactory.create(kato="271010000", level=TerritoryLevel.DISTRICT, parent=region)

    response = post(client, EXAMPLE.read_bytes(), token)

    assert response.status_code == 201, response.content
    referral = Referral.objects.get(number=response.json()["entry"][0]["resource"]["id"])
    assert referral.channel == IntakeChannel.FHIR
    assert (referral.purpose, referral.route) == (ReferralPurpose.PRIMARY, Route.IN_ABSENTIA)
    assert referral.primary_diagnosis.code == "H54.0"
    assert sorted((f.kind, f.side, str(f.value)) for f in referral.findings.all()) == [
        ("visual_acuity", "both", "0.030"),
        ("visual_acuity", "left", "0.020"),
        ("visual_acuity", "right", "0.030"),
    ]
    assert referral.attachments.get().document_type == "discharge_summary"
