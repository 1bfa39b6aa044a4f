"""FHIR intake with the codings a medical information system already sends: LOINC and SNOMED CT
findings, SNOMED CT or plain-text body sites, a ServiceRequest without Kopir's purpose; Kopir's
own `urn:kopir:*` codings stay accepted. Unknown codings are refused at their element."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from kopir.assessment.fhir_codings import TABLE_PATH, codings
from kopir.assessment.models import FindingKind, Referral, ReferralPurpose, Route
from kopir.assessment.tests.test_fhir_intake import a_bundle, entry, expressions, index_of, post

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"

# A value each kind of finding takes, and whether it has a side.
KIND_VALUES: dict[str, dict[str, Any]] = {
    FindingKind.VISUAL_ACUITY: {"valueQuantity": {"value": 0.04}},
    FindingKind.VISUAL_FIELD: {"valueQuantity": {"value": 20, "unit": "°"}},
    FindingKind.HEARING_THRESHOLD: {"valueQuantity": {"value": 75, "unit": "dB"}},
    FindingKind.LIMB_FUNCTION: {"valueString": "No grip in the right hand"},
    FindingKind.HBA1C: {"valueQuantity": {"value": 8.1, "unit": "%"}},
    FindingKind.HISTOLOGY: {"valueString": "Adenocarcinoma, G2"},
    FindingKind.OTHER_TEST: {"valueString": "FEV1 45 %"},
}
SIDED = {
    FindingKind.VISUAL_ACUITY,
    FindingKind.VISUAL_FIELD,
    FindingKind.HEARING_THRESHOLD,
    FindingKind.LIMB_FUNCTION,
}


def with_observation(
    coding: dict[str, Any], *, kind: str, body_site: dict[str, Any] | None = None, **value: Any
) -> dict[str, Any]:
    """The example bundle whose first Observation is replaced by one coded with `coding`."""
    bundle = a_bundle(complete=False)
    observation = entry(bundle, "Observation")
    for key in ("valueQuantity", "valueString", "bodySite"):
        observation.pop(key, None)
    observation["code"] = {"coding": [coding], "text": "Spirometry"}
    observation.update(value or KIND_VALUES[kind])
    if body_site is not None:
        observation["bodySite"] = body_site
    return bundle


def created(response: Any) -> Referral:
    assert response.status_code == 201, response.content
    return Referral.objects.get(number=response.json()["entry"][0]["resource"]["id"])


def issues(response: Any) -> list[dict[str, Any]]:
    return list(response.json()["issue"])


def refusal_at(
    client: Any, bundle: dict[str, Any], token: str, resource: str, element: str
) -> dict[str, Any]:
    """Post the bundle, expect 422 and the issue at `element` of its `resource` entry."""
    response = post(client, bundle, token)
    assert response.status_code == 422
    where = f"Bundle.entry[{index_of(bundle, resource)}].resource.{element}"
    return next(i for i in issues(response) if i["expression"] == [where])


RIGHT = {"coding": [{"system": SNOMED, "code": "24028007"}]}


@pytest.mark.parametrize("kind", FindingKind.values)
def test_every_finding_kind_is_accepted_with_kopirs_own_coding(client, token, kind):
    body_site = {"coding": [{"system": "urn:kopir:side", "code": "right"}]}
    bundle = with_observation(
        {"system": "urn:kopir:finding-kind", "code": kind},
        kind=kind,
        body_site=body_site if kind in SIDED else None,
    )

    finding = created(post(client, bundle, token)).findings.get()

    assert finding.kind == kind
    assert finding.side == ("right" if kind in SIDED else "")


def finding_rows() -> list[dict[str, Any]]:
    return codings().rows["findings"]


@pytest.mark.parametrize("row", finding_rows(), ids=lambda row: f"{row['code']}")
def test_every_standard_finding_coding_in_the_table_is_accepted(client, token, row):
    coding = {"system": row["system"], "code": row["code"], "display": row["display"]}
    # A code that names no eye takes its side from the body site.
    body_site = None if row.get("side") or row["kind"] not in SIDED else RIGHT
    bundle = with_observation(coding, kind=row["kind"], body_site=body_site)

    finding = created(post(client, bundle, token)).findings.get()

    assert finding.kind == row["kind"]
    assert finding.side == (row.get("side") or ("right" if row["kind"] in SIDED else ""))


def test_the_standard_codings_cover_the_measured_kinds_a_sender_codes_in_loinc():
    kinds = {row["kind"] for row in finding_rows()}
    # Visual field, hearing threshold (the pure-tone average), limb function and "other test"
    # have no code checked yet: they are sent with urn:kopir:finding-kind
    # (docs/domain/identifiers.md §5).
    assert {FindingKind.VISUAL_ACUITY, FindingKind.HBA1C, FindingKind.HISTOLOGY} <= kinds


def test_an_unverified_row_of_the_table_is_not_read():
    table = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    unverified = [row for row in table["body_sites"] if row["verified"] is not True]
    assert unverified
    for row in unverified:
        assert (row["system"], row["code"]) not in codings().body_sites


@pytest.mark.parametrize(
    "row", codings().rows["body_sites"], ids=lambda row: f"{row['code']}-{row['display']}"
)
def test_a_body_site_is_read_from_its_snomed_coding(client, token, row):
    kind = (
        FindingKind.VISUAL_ACUITY if row["organ"] in ("eye", "") else FindingKind.HEARING_THRESHOLD
    )
    bundle = with_observation(
        {"system": SNOMED, "code": "419775003"},
        kind=kind,
        body_site={"coding": [{"system": SNOMED, "code": row["code"]}]},
    )

    finding = created(post(client, bundle, token)).findings.get()

    assert finding.side == row["side"]


@pytest.mark.parametrize(
    ("text", "kind", "side"),
    [
        ("left eye", FindingKind.VISUAL_ACUITY, "left"),
        ("OS", FindingKind.VISUAL_ACUITY, "left"),
        ("Левый глаз", FindingKind.VISUAL_FIELD, "left"),
        ("оң көз", FindingKind.VISUAL_ACUITY, "right"),
        ("Right ear.", FindingKind.HEARING_THRESHOLD, "right"),
        ("сол құлақ", FindingKind.HEARING_THRESHOLD, "left"),
        ("both", FindingKind.HEARING_THRESHOLD, "both"),
    ],
)
def test_a_body_site_is_read_from_its_text(client, token, text, kind, side):
    bundle = with_observation(
        {"system": "urn:kopir:finding-kind", "code": kind}, kind=kind, body_site={"text": text}
    )

    assert created(post(client, bundle, token)).findings.get().side == side


def test_an_unknown_body_site_coding_is_refused_at_the_body_site_with_the_accepted_codes(
    client, token
):
    # 25577004 is in the table but not verified: refused like any unknown code.
    bundle = with_observation(
        {"system": "urn:kopir:finding-kind", "code": "hearing_threshold"},
        kind=FindingKind.HEARING_THRESHOLD,
        body_site={"coding": [{"system": SNOMED, "code": "25577004"}]},
    )

    issue = refusal_at(client, bundle, token, "Observation", "bodySite")

    assert issue["code"] == "code-invalid"
    assert "25577004" in issue["diagnostics"]
    assert "24028007" in issue["diagnostics"]  # what is accepted instead
    assert not Referral.objects.exists()


def test_an_unknown_observation_coding_is_refused_at_its_code_with_the_accepted_codes(
    client, token
):
    bundle = with_observation({"system": LOINC, "code": "8867-4"}, kind=FindingKind.HBA1C)

    issue = refusal_at(client, bundle, token, "Observation", "code")

    assert issue["code"] == "code-invalid"
    assert "http://loinc.org|8867-4" in issue["diagnostics"]
    for accepted in ("65893-0", "4548-4", "urn:kopir:finding-kind", "urn:kopir:life-limitation"):
        assert accepted in issue["diagnostics"]


def test_a_body_site_contradicting_the_code_is_refused(client, token):
    bundle = with_observation(
        {"system": LOINC, "code": "65893-0"},  # best corrected, right eye
        kind=FindingKind.VISUAL_ACUITY,
        body_site={"coding": [{"system": SNOMED, "code": "362503005"}]},  # entire left eye
    )

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert f"Bundle.entry[{index_of(bundle, 'Observation')}].resource.bodySite" in expressions(
        response
    )


def test_a_hearing_threshold_at_an_eye_is_refused(client, token):
    bundle = with_observation(
        {"system": "urn:kopir:finding-kind", "code": "hearing_threshold"},
        kind=FindingKind.HEARING_THRESHOLD,
        body_site={"text": "right eye"},
    )

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert any(e.endswith(".bodySite") for e in expressions(response))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"valueString": "6/60"}, Decimal("0.1")),
        ({"valueString": "20/400"}, Decimal("0.05")),
        ({"valueQuantity": {"value": 1.0, "unit": "logMAR"}}, Decimal("0.1")),
        ({"valueQuantity": {"value": 0.04, "unit": "decimal"}}, Decimal("0.04")),
    ],
)
def test_visual_acuity_is_kept_as_a_decimal(client, token, value, expected):
    bundle = with_observation(
        {"system": LOINC, "code": "65897-1"}, kind=FindingKind.VISUAL_ACUITY, **value
    )

    finding = created(post(client, bundle, token)).findings.get()

    assert (finding.value, finding.side, finding.text) == (expected, "left", "")


@pytest.mark.parametrize("value", [-1e30, 1e30, 5])
def test_an_impossible_logmar_value_is_refused_at_its_value(client, token, value):
    bundle = with_observation(
        {"system": LOINC, "code": "65897-1"},
        kind=FindingKind.VISUAL_ACUITY,
        valueQuantity={"value": value, "unit": "logMAR"},
    )

    response = post(client, bundle, token)

    assert response.status_code == 422
    where = f"Bundle.entry[{index_of(bundle, 'Observation')}].resource.valueQuantity.value"
    assert where in expressions(response)


def test_a_snellen_fraction_too_long_to_be_one_is_not_read_as_a_value(client, token):
    bundle = with_observation(
        {"system": LOINC, "code": "65897-1"},
        kind=FindingKind.VISUAL_ACUITY,
        valueString="9" * 60 + "/1",
    )

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert any(e.endswith(".valueQuantity.value") for e in expressions(response))


def test_a_service_request_without_kopirs_codings_gets_a_primary_in_person_referral(client, token):
    bundle = a_bundle(complete=False)
    request = entry(bundle, "ServiceRequest")
    del request["code"]
    del request["orderDetail"]

    response = post(client, bundle, token)

    referral = created(response)
    assert (referral.purpose, referral.route) == (ReferralPurpose.PRIMARY, Route.IN_PERSON)
    outcome = response.json()["entry"][0]["response"]["outcome"]
    told = {
        i["expression"][0]: i["diagnostics"]
        for i in outcome["issue"]
        if i["severity"] == "information"
    }
    where = f"Bundle.entry[{index_of(bundle, 'ServiceRequest')}].resource"
    assert set(told) == {f"{where}.code", f"{where}.orderDetail"}


@pytest.mark.parametrize(
    ("purpose", "route", "expected"),
    [
        ("Re-examination", "In absentia", (ReferralPurpose.RE_EXAMINATION, Route.IN_ABSENTIA)),
        ("Переосвидетельствование", "Заочно", (ReferralPurpose.RE_EXAMINATION, Route.IN_ABSENTIA)),
        ("Топты өзгерту", "Көзбе-көз", (ReferralPurpose.CHANGE_GROUP, Route.IN_PERSON)),
    ],
)
def test_the_purpose_and_route_are_read_from_their_text(client, token, purpose, route, expected):
    bundle = a_bundle(complete=False)
    request = entry(bundle, "ServiceRequest")
    request["code"] = {
        "coding": [{"system": SNOMED, "code": "0000000"}],  # a sender's own, not read
        "text": purpose,
    }
    request["orderDetail"] = [{"text": route}]

    response = post(client, bundle, token)

    referral = created(response)
    assert (referral.purpose, referral.route) == expected
    assert "outcome" not in response.json()["entry"][0]["response"]


def test_a_document_type_in_loinc_is_read(client, token):
    bundle = a_bundle(complete=False)
    entry(bundle, "DocumentReference")["type"] = {
        "coding": [{"system": LOINC, "code": "18842-5", "display": "Discharge summary"}]
    }

    assert created(post(client, bundle, token)).attachments.get().document_type == (
        "discharge_summary"
    )


def test_an_unknown_document_type_names_the_accepted_ones(client, token):
    bundle = a_bundle(complete=False)
    entry(bundle, "DocumentReference")["type"] = {"coding": [{"system": LOINC, "code": "1-8"}]}

    issue = refusal_at(client, bundle, token, "DocumentReference", "type")

    assert "18842-5" in issue["diagnostics"]
    assert "urn:kopir:document-type" in issue["diagnostics"]


def test_a_bundle_with_kopirs_codings_still_reads_as_before(client, token):
    # The documented example with Kopir's codings: purpose, route and side as given.
    bundle = a_bundle()
    referral = created(post(client, bundle, token))

    assert (referral.purpose, referral.route) == (ReferralPurpose.PRIMARY, Route.IN_ABSENTIA)
    assert sorted(referral.findings.values_list("kind", "side")) == [
        ("visual_acuity", "left"),
        ("visual_acuity", "right"),
        ("visual_field", "left"),
        ("visual_field", "right"),
    ]
