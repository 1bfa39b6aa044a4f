"""Hostile input to the intake channels gets a clear 4xx naming the field, never a 500 and never
a stored value the database or a reader cannot handle."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from kopir.assessment.models import BulkUploadStatus, IdempotencyRecord, Referral
from kopir.assessment.tests.intake_fixtures import post_json, referral_body
from kopir.assessment.tests.test_bulk_upload import csv_file, row, upload
from kopir.assessment.tests.test_fhir_intake import a_bundle, entry, expressions, index_of, post
from kopir.core.identifiers import make_iin
from kopir.people.models import Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]
URL = "/api/referrals"
FHIR_URL = "/api/fhir/Bundle"


def errors_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return {e["field"]: e["reason"] for e in body["errors"]}


def with_surrogate(body: dict[str, Any], marker: str) -> str:
    """The body as JSON text in which `marker` is replaced by the escape of a lone surrogate."""
    text = json.dumps(body, ensure_ascii=False)
    assert marker in text
    return text.replace(marker, "\\ud800")


def test_a_lone_surrogate_in_a_field_ninja_ignores_is_refused_naming_its_path(client, token):
    # An unknown key: the schema drops it, so only the body's own check sees it.
    body = referral_body(note="SURROGATE")

    response = post_json(client, URL, with_surrogate(body, "SURROGATE"), token=token)

    assert response.status_code == 422
    assert list(errors_of(response)) == ["note"]
    assert not IdempotencyRecord.objects.exists()


def test_a_lone_surrogate_in_a_name_is_refused_naming_the_field(client, token):
    body = referral_body()
    body["person"]["last_name"] = "SURROGATE"

    response = post_json(client, URL, with_surrogate(body, "SURROGATE"), token=token)

    assert response.status_code == 422
    assert list(errors_of(response)) == ["person.last_name"]


def test_a_nul_character_is_refused_naming_the_field_and_nothing_is_stored(client, token):
    body = referral_body()
    body["person"]["last_name"] = "Сына\x00қова"
    body["findings"][1]["text"] = "\x00"

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 422
    assert set(errors_of(response)) == {"person.last_name", "findings.1.text"}
    assert not Referral.objects.exists()
    assert not Person.objects.filter(iin=body["person"]["iin"]).exists()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_a_json_body_declared_as_another_media_type_is_refused_with_415(
    client, token, content_type
):
    response = post_json(client, URL, referral_body(), token=token, content_type=content_type)

    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert errors_of(response) == {"body": response.json()["detail"]}
    assert not Referral.objects.exists()


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", "2999-01-01"])
def test_an_impossible_date_of_birth_is_refused_by_the_json_api(client, token, birth_date):
    body = referral_body()
    body["person"]["birth_date"] = birth_date

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 422
    assert "person.birth_date" in errors_of(response)
    assert not Person.objects.filter(iin=body["person"]["iin"]).exists()


def test_a_date_of_birth_from_1900_to_today_is_accepted(client, token):
    body = referral_body()
    body["person"]["birth_date"] = "1900-01-01"

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 201, response.content
    assert Person.objects.get(iin=body["person"]["iin"]).birth_date == dt.date(1900, 1, 1)


# --- FHIR ------------------------------------------------------------------------------------


def test_a_lone_surrogate_in_a_bundle_is_refused_with_its_fhir_path(client, token):
    bundle = a_bundle()
    entry(bundle, "Patient")["name"][0]["family"] = "SURROGATE"
    patient = index_of(bundle, "Patient")

    response = post(client, with_surrogate(bundle, "SURROGATE"), token)

    assert response.status_code == 422
    assert expressions(response) == [f"Bundle.entry[{patient}].resource.name[0].family"]
    assert not IdempotencyRecord.objects.exists()


def test_a_nul_character_in_a_bundle_is_refused_with_its_fhir_path(client, token):
    bundle = a_bundle()
    entry(bundle, "ServiceRequest")["note"] = [{"text": "a\x00b"}]
    request = index_of(bundle, "ServiceRequest")

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert expressions(response) == [f"Bundle.entry[{request}].resource.note[0].text"]


def test_a_bundle_declared_as_text_is_refused_with_415(client, token):
    response = post_json(client, FHIR_URL, a_bundle(), token=token, content_type="text/plain")

    assert response.status_code == 415
    assert response.json()["resourceType"] == "OperationOutcome"
    assert response.json()["issue"][0]["code"] == "not-supported"


def test_a_number_as_effective_date_time_is_refused_with_its_fhir_path(client, token):
    bundle = a_bundle()
    entry(bundle, "Observation")["effectiveDateTime"] = 20260302
    observation = index_of(bundle, "Observation")

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert expressions(response) == [f"Bundle.entry[{observation}].resource.effectiveDateTime"]
    assert not Referral.objects.exists()


def test_a_number_as_a_nested_date_is_refused_with_its_fhir_path(client, token):
    bundle = a_bundle()
    document = entry(bundle, "DocumentReference")
    document["context"] = {"period": {"start": 0}}

    response = post(client, bundle, token)

    assert response.status_code == 422
    index = index_of(bundle, "DocumentReference")
    assert expressions(response) == [f"Bundle.entry[{index}].resource.context.period.start"]


@pytest.mark.parametrize("birth_date", ["0001-01-01", "2999-01-01"])
def test_an_impossible_birth_date_in_a_bundle_is_refused_at_the_patient(client, token, birth_date):
    bundle = a_bundle()
    entry(bundle, "Patient")["birthDate"] = birth_date
    patient = index_of(bundle, "Patient")

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert f"Bundle.entry[{patient}].resource.birthDate" in expressions(response)


# --- Bulk files ------------------------------------------------------------------------------


def test_an_impossible_birth_date_in_a_bulk_file_is_reported_in_its_column(
    client, clinician, clinic, district, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    stranger = Person(
        iin=make_iin(dt.date(1950, 1, 1), "male", 11) or "",
        last_name="Жоқ",
        first_name="Адам",
        birth_date=dt.date(1, 1, 1),
        sex="male",
        territory=district,
    )
    rows = [row(stranger, "EXT-OLD"), row(stranger, "EXT-NEW", birth_date="2999-01-01")]

    result = upload(client, csv_file(rows), django_capture_on_commit_callbacks)

    result.refresh_from_db()
    assert result.status == BulkUploadStatus.DONE
    assert result.rows_invalid == 2
    assert [(item["row"], item["field"]) for item in result.report] == [
        (2, "birth_date"),
        (3, "birth_date"),
    ]
    assert not Referral.objects.exists()


@pytest.mark.parametrize("content", [[{"attachment": None}], [None], []])
def test_a_document_without_its_attachment_is_refused_at_the_attachment(client, token, content):
    # Found by the property tests: a null attachment passed the models and raised in the mapper.
    bundle = a_bundle()
    entry(bundle, "DocumentReference")["content"] = content

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert response.json()["resourceType"] == "OperationOutcome"
    assert not Referral.objects.exists()
