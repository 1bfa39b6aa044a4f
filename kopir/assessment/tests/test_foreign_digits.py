"""An identifier typed in another script's digits never makes a second record for one person.

Full-width digits ("８５０４…", a Chinese or Japanese keyboard, a copied PDF) are the same number
and are read as ASCII; digits of other scripts (Arabic-Indic "٨٥٠٤…") are refused, naming the
field. Checked on every intake channel: the JSON API, a FHIR bundle and a bulk file.
"""

from __future__ import annotations

import pytest

from kopir.assessment.models import BulkUpload, Referral
from kopir.assessment.tests.intake_fixtures import post_json, referral_body
from kopir.assessment.tests.test_bulk_upload import csv_file, row, upload
from kopir.assessment.tests.test_fhir_intake import a_bundle, entry, expressions, post
from kopir.people.models import Person
from kopir.people.tests.factories import next_iin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
OTHER_SCRIPT = "Use the digits 0-9: digits of other scripts are not accepted."


def reasons(response) -> dict[str, str]:
    return {error["field"]: error["reason"] for error in response.json()["errors"]}


def test_the_api_reads_a_full_width_iin_as_the_registered_person(client, token, person):
    body = referral_body(person)
    body["person"]["iin"] = person.iin.translate(FULL_WIDTH)

    response = post_json(client, "/api/referrals", body, token=token)

    assert response.status_code == 201, response.content
    assert Person.objects.count() == 1
    assert Referral.objects.get().person == person


def test_the_api_refuses_an_iin_in_arabic_indic_digits_naming_the_field(client, token, person):
    body = referral_body(person)
    body["person"]["iin"] = person.iin.translate(ARABIC_INDIC)

    response = post_json(client, "/api/referrals", body, token=token, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert reasons(response)["person.iin"] == OTHER_SCRIPT
    assert Person.objects.count() == 1
    assert not Referral.objects.exists()


def test_the_api_reads_full_width_kato_and_icd10_and_refuses_other_scripts(client, token):
    body = referral_body(primary_code="Ｈ５４．０")
    body["person"]["territory_kato"] = "275200000".translate(FULL_WIDTH)

    assert post_json(client, "/api/referrals", body, token=token).status_code == 201
    assert Referral.objects.get().primary_diagnosis.code == "H54.0"

    body = referral_body(primary_code="H٥٤.٠")
    body["person"]["iin"] = next_iin()  # a person not yet registered, so the KATO is read
    body["person"]["territory_kato"] = "275200000".translate(ARABIC_INDIC)
    response = post_json(client, "/api/referrals", body, token=token, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert reasons(response)["person.territory_kato"] == OTHER_SCRIPT


def test_the_api_refuses_an_icd10_code_in_another_scripts_digits(client, token, person):
    body = referral_body(person, primary_code="H٥٤.٠")

    response = post_json(client, "/api/referrals", body, token=token, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    assert reasons(response)["primary_code"] == OTHER_SCRIPT


def test_a_fhir_bundle_with_a_full_width_iin_finds_the_registered_person(client, token, person):
    bundle = a_bundle()
    patient = entry(bundle, "Patient")
    patient["identifier"][0]["value"] = person.iin.translate(FULL_WIDTH)
    patient["name"][0]["family"] = person.last_name
    patient["birthDate"] = person.birth_date.isoformat()

    response = post(client, bundle, token)

    assert response.status_code == 201, response.content
    assert Person.objects.count() == 1


def test_a_fhir_bundle_with_an_arabic_indic_iin_is_refused_at_the_identifier(client, token):
    bundle = a_bundle()
    patient = entry(bundle, "Patient")
    patient["identifier"][0]["value"] = patient["identifier"][0]["value"].translate(ARABIC_INDIC)

    response = post(client, bundle, token)

    assert response.status_code == 422
    assert "Bundle.entry[0].resource.identifier" in expressions(response)
    assert not Person.objects.exists()


def test_a_bulk_file_reads_full_width_iins_and_refuses_other_scripts(
    client, clinician, person, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    rows = [
        row(person, "EXT-1", iin=person.iin.translate(FULL_WIDTH)),
        row(person, "EXT-2", iin=person.iin.translate(ARABIC_INDIC)),
    ]

    result: BulkUpload = upload(client, csv_file(rows), django_capture_on_commit_callbacks)

    result.refresh_from_db()
    assert (result.rows_created, result.rows_invalid) == (1, 1)
    assert Referral.objects.get().person == person
    assert result.report[0]["external_id"] == "EXT-2"
    assert result.report[0]["field"] == "iin"
    assert Person.objects.count() == 1
