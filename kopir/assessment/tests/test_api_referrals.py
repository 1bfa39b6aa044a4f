"""The JSON API: a medical information system creates, sends and follows its clinic's referrals."""

from __future__ import annotations

import copy
import uuid

import pytest

from kopir.assessment import api_common
from kopir.assessment.models import (
    Attachment,
    ExternalSystem,
    IdempotencyRecord,
    IntakeChannel,
    Referral,
    ReferralStatus,
)
from kopir.assessment.services.division_notices import notify_person_of_sending
from kopir.assessment.services.idempotency import Outcome, Reservation, request_fingerprint
from kopir.assessment.tests.clinic_fixtures import make_referral, returned_asking_for
from kopir.assessment.tests.intake_fixtures import (
    get_json,
    identifying_details,
    post_json,
    referral_body,
)
from kopir.audit.models import AuditEvent
from kopir.notices.models import Notice
from kopir.people.models import LinkBasis, Person, PersonLink
from kopir.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]
URL = "/api/referrals"


def test_a_system_creates_a_draft_referral_for_a_person_in_the_registry(
    client, token, system_token, person, clinic
):
    body = referral_body(person)

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 201, response.content
    answer = response.json()
    referral = Referral.objects.get(number=answer["number"])
    assert answer["status"] == "draft"
    assert answer["sent"] is False
    assert answer["url"] == f"/api/referrals/{referral.number}"
    assert referral.person == person
    assert referral.medical_organisation == clinic
    assert referral.channel == IntakeChannel.API
    assert referral.external_id == body["external_id"]
    assert referral.findings.count() == 4
    assert Attachment.objects.filter(referral=referral).count() == 1
    system = system_token[0]
    assert referral.created_by == system.account
    assert AuditEvent.objects.filter(
        target_type="assessment.referral", target_id=str(referral.pk), channel="api"
    ).exists()


def test_a_person_not_yet_in_the_registry_is_registered_and_linked_to_the_clinic(
    client, token, clinic, district
):
    body = referral_body()

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 201, response.content
    person = Person.objects.get(iin=body["person"]["iin"])
    assert person.territory == district
    assert person.registered_by == clinic
    assert PersonLink.objects.filter(person=person, organisation=clinic).exists()


def test_a_person_the_clinic_had_no_link_to_gets_one_through_the_referral(
    client, token, clinic, district
):
    stranger = PersonFactory.create(territory=district)

    response = post_json(client, URL, referral_body(stranger), token=token)

    assert response.status_code == 201, response.content
    assert PersonLink.objects.filter(
        person=stranger, organisation=clinic, basis=LinkBasis.REFERRAL
    ).exists()


def test_a_complete_referral_is_sent_at_once_when_asked(client, token, person, demo_rules):
    response = post_json(client, URL, referral_body(person, send=True), token=token)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["sent"], answer["status"], answer["missing"]) == (True, "sent", [])
    assert Referral.objects.get(number=answer["number"]).status == ReferralStatus.SENT


@pytest.mark.parametrize("representative", [False, True])
def test_the_person_told_of_a_referral_sent_through_the_api_is_told_as_one_sent_by_hand(
    client, token, person, demo_rules, representative
):
    """The API's sending takes the person the intake has just read (and their representative
    from the registry); the notice is the one the clinic's own sending gives."""
    person.email = "" if representative else "self@example.kz"
    person.phone = ""
    if representative:
        person.legal_representative = PersonFactory.create(
            email="parent@example.kz", preferred_language="ru"
        )
    person.save()

    response = post_json(client, URL, referral_body(person, send=True), token=token)

    assert response.status_code == 201, response.content
    referral = Referral.objects.get(number=response.json()["number"])
    notice = Notice.objects.get(person=person)
    assert (notice.address, notice.language) == (
        ("parent@example.kz", "ru") if representative else ("self@example.kz", "kk")
    )
    # What the clinic's page would have queued for the same referral, person and day.
    notice.delete()
    notify_person_of_sending(referral=referral, resent=False)
    by_hand = Notice.objects.get(person=person)
    assert (by_hand.address, by_hand.language, by_hand.subject, by_hand.body) == (
        notice.address,
        notice.language,
        notice.subject,
        notice.body,
    )


def test_an_incomplete_referral_asked_to_be_sent_is_kept_as_a_draft_with_the_missing_list(
    client, token, person, demo_rules
):
    body = referral_body(person, send=True, findings=[], attachments=[])

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["sent"] is False
    assert answer["status"] == "draft"
    codes = {item["code"] for item in answer["missing"]}
    assert "visual_acuity:right" in codes
    assert all(item["label"] and item["reason"] for item in answer["missing"])
    assert Referral.objects.get(number=answer["number"]).status == ReferralStatus.DRAFT


def test_the_same_request_twice_with_the_same_key_creates_one_referral_and_the_same_answer(
    client, token, person
):
    body = referral_body(person)
    key = str(uuid.uuid4())

    first = post_json(client, URL, body, token=token, key=key)
    second = post_json(client, URL, body, token=token, key=key)

    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Referral.objects.filter(external_id=body["external_id"]).count() == 1


@pytest.mark.parametrize("external_id", ["RACE-1", ""])
def test_a_request_that_lost_the_race_for_its_key_keeps_nothing_and_answers_as_the_winner(
    client, token, system_token, person, monkeypatch, external_id
):
    """Two requests with one key at once: both do the work, the key's unique index lets one
    store its answer; the other's referral (and everything with it) is undone and it answers
    with the stored response (its body the winner's)."""
    body = referral_body(person, external_id=external_id)
    key = str(uuid.uuid4())
    winner = {"number": "MSE-2026-000001", "won": True}
    IdempotencyRecord.objects.create(
        system=system_token[0],
        key=key,
        endpoint="POST /api/referrals",
        request_hash=request_fingerprint("POST /api/referrals", body),
        status_code=201,
        response_body=winner,
    )
    real_find = api_common.idempotency_find
    lookups = []

    def find_after_the_race(**known):
        # The first look-up ran before the winner committed: it saw nothing.
        lookups.append(known["key"])
        return Reservation(Outcome.NEW, None) if len(lookups) == 1 else real_find(**known)

    monkeypatch.setattr(api_common, "idempotency_find", find_after_the_race)
    events = AuditEvent.objects.count()

    response = post_json(client, URL, body, token=token, key=key)

    assert response.status_code == 201
    assert response.json() == winner
    assert response["Idempotent-Replayed"] == "true"
    assert len(lookups) == 2
    assert not Referral.objects.exists()
    assert AuditEvent.objects.count() == events
    assert IdempotencyRecord.objects.get().response_body == winner


def test_the_answer_and_the_referral_are_stored_by_one_transaction(
    client, token, person, monkeypatch
):
    """A failure storing the answer leaves no referral behind (and the key free)."""

    def store_fails(**known):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(api_common, "idempotency_store", store_fails)
    key = str(uuid.uuid4())

    with pytest.raises(RuntimeError):
        post_json(client, URL, referral_body(person), token=token, key=key)

    assert not Referral.objects.exists()
    assert not IdempotencyRecord.objects.exists()


def test_key_order_and_spacing_do_not_make_a_different_request(client, token, person):
    body = referral_body(person)
    key = str(uuid.uuid4())
    post_json(client, URL, body, token=token, key=key)
    reordered = {name: body[name] for name in reversed(list(body))}

    again = post_json(client, URL, reordered, token=token, key=key)

    assert again.status_code == 201
    assert Referral.objects.count() == 1


def test_the_same_key_with_a_different_body_is_refused_with_409(client, token, person):
    key = str(uuid.uuid4())
    post_json(client, URL, referral_body(person), token=token, key=key)

    response = post_json(client, URL, referral_body(person), token=token, key=key)

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    # The message is in the language the caller asks for (Kazakh by default); it names the header.
    assert "Idempotency-Key" in response.json()["detail"]
    assert Referral.objects.count() == 1


def test_a_write_without_an_idempotency_key_is_refused_with_400(client, token, person):
    response = post_json(client, URL, referral_body(person), token=token, key=None)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
    assert not Referral.objects.exists()


def test_a_key_used_for_a_refused_request_can_be_used_again_for_the_corrected_one(
    client, token, person
):
    key = str(uuid.uuid4())
    bad = referral_body(person, primary_code="X99.99")

    assert post_json(client, URL, bad, token=token, key=key).status_code == 422
    assert post_json(client, URL, referral_body(person), token=token, key=key).status_code == 201
    assert IdempotencyRecord.objects.filter(key=key, status_code=201).count() == 1


def test_invalid_fields_are_all_listed_with_their_path_and_reason(client, token, person):
    body = referral_body()
    body["person"]["iin"] = "850412490217"  # wrong check digit
    body["primary_code"] = "H54"  # a group, not a diagnosis
    body["findings"][0]["value"] = "7"  # visual acuity is 0 to 2

    response = post_json(client, URL, body, token=token, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 422
    fields = {error["field"]: error["reason"] for error in response.json()["errors"]}
    assert "check digit" in fields["person.iin"]
    assert "group of diagnoses" in fields["primary_code"]
    assert "between" in fields["findings.0.value"]
    assert not Referral.objects.exists()


def test_reasons_are_given_in_the_language_the_caller_asks_for(client, token, person):
    body = referral_body(person)
    body["person"] = {"iin": "850412490217"}

    english = post_json(client, URL, body, token=token, HTTP_ACCEPT_LANGUAGE="en").json()
    russian = post_json(client, URL, body, token=token, HTTP_ACCEPT_LANGUAGE="ru").json()

    assert english["errors"][0]["reason"] != russian["errors"][0]["reason"]


def test_service_checks_name_the_field_paths_of_the_body(client, token, person):
    body = referral_body(person, primary_code="H54")
    body["findings"][1]["value"] = "7"

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 422
    fields = [error["field"] for error in response.json()["errors"]]
    assert "primary_code" in fields
    assert "findings.1.value" in fields


def test_a_malformed_body_names_the_schema_fields(client, token, person):
    body = referral_body(person, purpose="whatever")
    del body["route"]

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert {"purpose", "route"} <= fields


def test_a_body_that_is_not_json_is_refused_with_400(client, token):
    response = post_json(client, URL, "{not json", token=token)

    assert response.status_code == 400
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("last_name", "Басқаев"), ("first_name", "Бақыт"), ("birth_date", "1961-01-01")],
)
def test_a_known_iin_with_other_identifying_details_links_nobody(
    client, token, person, field, value
):
    body = referral_body(person)
    body["person"][field] = value

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "person.iin"
    # The answer says the details do not fit together, not that this IIN is registered.
    assert "registered" not in error["reason"]
    assert "registry" not in error["reason"]
    assert not PersonLink.objects.filter(person=person, basis=LinkBasis.REFERRAL).exists()
    assert not Referral.objects.exists()


def test_a_known_iin_alone_gets_the_same_answer_as_an_unknown_one(client, token, person):
    # An existence oracle: before, a registered IIN alone was enough (and linked the person to
    # the sender), while an unknown one was asked for names.
    known, unknown = referral_body(person), referral_body(person)
    known["person"] = {"iin": person.iin}
    unknown["person"] = {"iin": "850412490216"}
    assert not Person.objects.filter(iin="850412490216").exists()

    answers = [post_json(client, URL, body, token=token) for body in (known, unknown)]

    assert [answer.status_code for answer in answers] == [422, 422]
    assert answers[0].json() == answers[1].json()
    assert not PersonLink.objects.filter(person=person, basis=LinkBasis.REFERRAL).exists()


def test_a_known_person_named_in_full_is_linked_to_the_sending_clinic(client, token, person):
    body = referral_body(person)
    body["person"]["last_name"] = person.last_name.upper()  # case and ё/е do not matter

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 201
    assert PersonLink.objects.filter(person=person, basis=LinkBasis.REFERRAL).exists()


def test_a_new_person_without_names_is_refused_naming_each_missing_field(client, token):
    body = referral_body()
    body["person"] = {"iin": "850412490216"}

    response = post_json(client, URL, body, token=token)

    fields = {error["field"] for error in response.json()["errors"]}
    assert {"person.last_name", "person.first_name", "person.birth_date"} <= fields


def test_documents_must_be_base64_of_an_accepted_kind(client, token, person):
    body = referral_body(person)
    body["attachments"] = [
        {**body["attachments"][0], "data": "@@not base64@@"},
        {
            **body["attachments"][0],
            "data": "aGVsbG8gd29ybGQ=",
            "file_name": "notes.txt",
            "content_type": "text/plain",
        },
    ]

    response = post_json(client, URL, body, token=token)

    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert "attachments.0.data" in fields
    assert not Referral.objects.exists()


def test_an_external_id_already_received_is_refused_with_the_referrals_number(
    client, token, person
):
    body = referral_body(person)
    first = post_json(client, URL, body, token=token).json()

    response = post_json(client, URL, body, token=token)  # a new key: a new request

    assert response.status_code == 409
    assert first["number"] in response.json()["detail"]
    assert Referral.objects.count() == 1


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer kpr_wrong", "Basic dXNlcjpwYXNz"])
def test_a_request_without_a_valid_token_is_refused_with_401(client, person, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = client.post(
        URL,
        data=referral_body(person),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
        **extra,
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_revoked_system_is_refused(client, token, system_token, person):
    ExternalSystem.objects.filter(pk=system_token[0].pk).update(is_active=False)

    assert post_json(client, URL, referral_body(person), token=token).status_code == 401


def test_a_system_reads_the_status_step_and_deadline_of_its_referral(client, token, person):
    number = post_json(client, URL, referral_body(person), token=token).json()["number"]

    response = get_json(client, f"{URL}/{number}", token=token)

    assert response.status_code == 200
    answer = response.json()
    assert answer["number"] == number
    assert answer["status"] == "draft"
    assert answer["step"]["deadline"] == "none"
    assert answer["step"]["next_step"]


def test_the_status_answer_carries_no_identity_fields(client, token, person):
    number = post_json(client, URL, referral_body(person), token=token).json()["number"]

    text = get_json(client, f"{URL}/{number}", token=token).content.decode()

    for value in (person.iin, person.last_name, person.first_name, "H54.0", "birth"):
        assert value not in text


def test_a_returned_referral_says_what_the_clinic_must_add(
    client, token, person, clinician, demo_rules
):
    referral = make_referral(clinician, person, findings=[])
    returned_asking_for(referral, "The X-ray", reason_code="added")

    answer = get_json(client, f"{URL}/{referral.number}", token=token).json()

    assert answer["status"] == "returned"
    assert answer["step"]["due_on"]
    assert answer["missing"][0]["label"] == "The X-ray"


def test_another_clinics_system_gets_404_for_a_referral_it_did_not_send(
    client, token, other_token, person
):
    number = post_json(client, URL, referral_body(person), token=token).json()["number"]

    response = get_json(client, f"{URL}/{number}", token=other_token)

    assert response.status_code == 404
    assert number not in response.content.decode()


def test_an_unknown_number_gets_404(client, token):
    assert get_json(client, f"{URL}/MSE-2026-999999", token=token).status_code == 404


def test_reading_a_status_without_a_token_gets_401(client, token, person):
    number = post_json(client, URL, referral_body(person), token=token).json()["number"]

    assert get_json(client, f"{URL}/{number}", token=None).status_code == 401


def test_the_same_key_from_two_systems_is_two_requests(
    client, token, other_token, person, other_clinic, district
):
    key = str(uuid.uuid4())
    mine = referral_body(person)
    theirs = copy.deepcopy(mine)
    stranger = PersonFactory.create(territory=district)
    theirs["person"] = identifying_details(stranger)

    assert post_json(client, URL, mine, token=token, key=key).status_code == 201
    assert post_json(client, URL, theirs, token=other_token, key=key).status_code == 201
    assert Referral.objects.count() == 2
