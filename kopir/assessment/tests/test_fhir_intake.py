"""FHIR R4 intake: a Bundle becomes a referral; a malformed one is answered with an
OperationOutcome naming the element and the reason."""

from __future__ import annotations

import base64
import copy
import uuid
from typing import Any

import pytest

from kopir.assessment.api_docs import FHIR_BUNDLE_EXAMPLE
from kopir.assessment.models import IntakeChannel, Referral, ReferralStatus
from kopir.assessment.tests.clinic_fixtures import PDF_BYTES, days_ago
from kopir.assessment.tests.intake_fixtures import post_json
from kopir.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]
URL = "/api/fhir/Bundle"
FHIR = "application/fhir+json"


def entry(bundle: dict[str, Any], resource_type: str, nth: int = 0) -> dict[str, Any]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ][nth]


def index_of(bundle: dict[str, Any], resource_type: str, nth: int = 0) -> int:
    return [
        i for i, e in enumerate(bundle["entry"]) if e["resource"]["resourceType"] == resource_type
    ][nth]


def a_bundle(*, complete: bool = True, status: str = "draft") -> dict[str, Any]:
    """The documented example with today's dates, a fresh identifier and, if `complete`, every
    finding the demo rules ask for an H54.0 referral."""
    bundle = copy.deepcopy(FHIR_BUNDLE_EXAMPLE)
    entry(bundle, "Patient")["address"][0]["extension"][0]["valueCode"] = "275200000"
    request = entry(bundle, "ServiceRequest")
    request["identifier"][0]["value"] = f"MIS-{uuid.uuid4().hex[:12]}"
    request["authoredOn"] = days_ago(3).isoformat()
    request["status"] = status
    day = days_ago(10).isoformat()
    acuity = entry(bundle, "Observation")
    acuity["effectiveDateTime"] = day
    document = entry(bundle, "DocumentReference")
    document["date"] = f"{day}T09:00:00+05:00"
    document["content"][0]["attachment"]["data"] = base64.b64encode(PDF_BYTES).decode()
    if complete:
        for kind, side, value in (
            ("visual_acuity", "left", 0.02),
            ("visual_field", "right", 5),
            ("visual_field", "left", 5),
        ):
            extra = copy.deepcopy(acuity)
            extra["code"]["coding"][0]["code"] = kind
            extra["bodySite"]["coding"][0]["code"] = side
            extra["valueQuantity"]["value"] = value
            bundle["entry"].append({"resource": extra})
    return bundle


def post(client, bundle: Any, token: str | None, **kwargs: Any) -> Any:
    return post_json(client, URL, bundle, token=token, content_type=FHIR, **kwargs)


def expressions(response: Any) -> list[str]:
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    return [expression for issue in outcome["issue"] for expression in issue["expression"]]


def test_a_valid_bundle_becomes_a_draft_referral_with_its_findings_and_document(
    client, token, clinic
):
    bundle = a_bundle()

    response = post(client, bundle, token)

    assert response.status_code == 201, response.content
    assert response["Content-Type"].startswith(FHIR)
    answer = response.json()
    assert (answer["resourceType"], answer["type"]) == ("Bundle", "transaction-response")
    number = answer["entry"][0]["resource"]["id"]
    referral = Referral.objects.get(number=number)
    assert referral.channel == IntakeChannel.FHIR
    assert referral.medical_organisation == clinic
    assert referral.primary_diagnosis.code == "H54.0"
    assert referral.external_id == entry(bundle, "ServiceRequest")["identifier"][0]["value"]
    assert referral.commission_protocol_number == "ВКК-118"
    assert referral.findings.count() == 4
    assert referral.limitations.get().category == "orientation"
    assert referral.attachments.get().content_type == "application/pdf"
    assert referral.status == ReferralStatus.DRAFT
    person = Person.objects.get(iin=entry(bundle, "Patient")["identifier"][0]["value"])
    assert (person.last_name, person.first_name, person.patronymic) == (
        "Сынақова",
        "Әлия",
        "Қуанышқызы",
    )
    assert person.phone == "+77010000000"
    assert person.preferred_language == "kk"


def test_a_null_in_the_given_names_is_read_as_no_patronymic_not_a_server_error(client, token):
    bundle = a_bundle()
    patient = entry(bundle, "Patient")
    patient["name"][0]["given"] = [patient["name"][0]["given"][0], None]

    response = post(client, bundle, token)

    assert response.status_code == 201, response.content
    person = Person.objects.get(iin=patient["identifier"][0]["value"])
    assert (person.first_name, person.patronymic) == ("Әлия", "")


def test_an_active_service_request_sends_a_complete_referral(client, token, demo_rules):
    response = post(client, a_bundle(status="active"), token)

    assert response.status_code == 201, response.content
    number = response.json()["entry"][0]["resource"]["id"]
    assert Referral.objects.get(number=number).status == ReferralStatus.SENT


def test_an_incomplete_active_referral_is_kept_as_a_draft_with_a_warning_per_missing_item(
    client, token, demo_rules
):
    response = post(client, a_bundle(complete=False, status="active"), token)

    assert response.status_code == 201
    entry_ = response.json()["entry"][0]
    assert entry_["resource"]["status"] == "draft"
    issues = entry_["response"]["outcome"]["issue"]
    assert issues
    assert {issue["severity"] for issue in issues} == {"warning"}


def test_the_same_bundle_twice_with_the_same_key_creates_one_referral(client, token):
    bundle = a_bundle()
    key = str(uuid.uuid4())

    first = post(client, bundle, token, key=key)
    second = post(client, bundle, token, key=key)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Referral.objects.count() == 1


def test_the_same_key_with_another_bundle_is_a_conflict(client, token):
    key = str(uuid.uuid4())
    post(client, a_bundle(), token, key=key)

    response = post(client, a_bundle(), token, key=key)

    assert response.status_code == 409
    assert response.json()["issue"][0]["code"] == "conflict"
    assert Referral.objects.count() == 1


def test_a_bundle_without_an_idempotency_key_is_refused(client, token):
    response = post(client, a_bundle(), token, key=None)

    assert response.status_code == 400
    assert expressions(response) == ["Idempotency-Key"]


def test_a_body_that_is_not_json_gets_an_operation_outcome(client, token):
    response = post(client, "{oops", token)

    assert response.status_code == 400
    assert expressions(response) == ["Bundle"]


def test_a_resource_that_is_not_a_bundle_is_refused(client, token):
    response = post(client, {"resourceType": "Patient"}, token)

    assert response.status_code == 422
    assert expressions(response) == ["Bundle"]


def test_an_unsupported_resource_type_is_named(client, token):
    bundle = a_bundle()
    bundle["entry"].append({"resource": {"resourceType": "Encounter", "status": "finished"}})

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert f"Bundle.entry[{len(bundle['entry']) - 1}].resource.resourceType" in expressions(
        response
    )


def test_invalid_fhir_is_named_by_its_element(client, token):
    bundle = a_bundle()
    entry(bundle, "Patient")["birthDate"] = "12.04.1985"

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert "Bundle.entry[0].resource.birthDate" in expressions(response)


def test_a_patient_without_an_iin_identifier_is_refused(client, token):
    bundle = a_bundle()
    entry(bundle, "Patient")["identifier"] = [{"system": "urn:other", "value": "1"}]

    response = post(client, bundle, token)

    assert "Bundle.entry[0].resource.identifier" in expressions(response)
    assert not Referral.objects.exists()


def test_an_invalid_iin_is_reported_at_the_patients_identifier(client, token):
    bundle = a_bundle()
    entry(bundle, "Patient")["identifier"][0]["value"] = "850412490217"

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert "Bundle.entry[0].resource.identifier" in expressions(response)


def test_a_condition_without_an_icd10_code_is_named(client, token):
    bundle = a_bundle()
    entry(bundle, "Condition")["code"]["coding"][0]["system"] = "http://snomed.info/sct"

    response = post(client, bundle, token)

    assert f"Bundle.entry[{index_of(bundle, 'Condition')}].resource.code" in expressions(response)


def test_an_unknown_icd10_code_is_reported_at_its_condition(client, token):
    bundle = a_bundle()
    entry(bundle, "Condition")["code"]["coding"][0]["code"] = "H54"

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert f"Bundle.entry[{index_of(bundle, 'Condition')}].resource.code" in expressions(response)


def test_an_impossible_finding_value_is_reported_at_its_observation(client, token):
    bundle = a_bundle()
    entry(bundle, "Observation")["valueQuantity"]["value"] = 7

    response = post(client, bundle, token)

    assert response.status_code == 422
    where = f"Bundle.entry[{index_of(bundle, 'Observation')}].resource.valueQuantity.value"
    assert where in expressions(response)


def test_a_document_must_be_inline_and_of_an_accepted_type(client, token):
    bundle = a_bundle()
    attachment = entry(bundle, "DocumentReference")["content"][0]["attachment"]
    del attachment["data"]
    attachment["url"] = "https://example.org/report.pdf"
    attachment["contentType"] = "text/html"

    response = post(client, bundle, token)

    found = expressions(response)
    where = f"Bundle.entry[{index_of(bundle, 'DocumentReference')}].resource.content[0].attachment"
    assert f"{where}.data" in found
    assert f"{where}.contentType" in found


def test_a_document_whose_declared_size_differs_from_its_data_is_refused(client, token):
    bundle = a_bundle()
    entry(bundle, "DocumentReference")["content"][0]["attachment"]["size"] = 5

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert any(e.endswith("attachment.size") for e in expressions(response))


def test_two_patients_in_one_bundle_are_refused(client, token):
    bundle = a_bundle()
    bundle["entry"].append(copy.deepcopy(bundle["entry"][0]))

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert "Bundle.entry" in expressions(response)


def test_a_bundle_without_a_token_gets_an_operation_outcome_401(client):
    response = post(client, a_bundle(), None)

    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not Referral.objects.exists()


def test_a_bundle_with_another_systems_token_goes_to_that_systems_clinic(
    client, other_token, other_clinic, division
):
    response = post(client, a_bundle(), other_token)

    assert response.status_code == 201, response.content
    assert Referral.objects.get().medical_organisation == other_clinic
