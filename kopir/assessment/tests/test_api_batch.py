"""The batch endpoint for medical information systems: up to 500 referrals in one request, each
answered on its own (201, 409, 422) with its fields named, built on the bulk files' batch
service; replayed whole by its Idempotency-Key, limited as one request of the system's rate and
as its referrals of the system's referral rate (decision 13), and writing only the system's own
clinic's referrals."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from kopir.assessment.api_schemas import MAX_BATCH
from kopir.assessment.models import Referral, ReferralStatus
from kopir.assessment.tests.intake_fixtures import post_json, referral_body
from kopir.audit.models import AuditEvent
from kopir.core.tests.test_production_checks import run_manage
from kopir.exchange.models import OutboxEvent
from kopir.notices.models import Notice
from kopir.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules")]
URL = "/api/referrals/batch"


def _complete(person: Any, external_id: str) -> dict[str, Any]:
    """Sent at once: G35 asks for no document, so the batch writes it with the others."""
    return referral_body(
        person, primary_code="G35", attachments=[], send=True, external_id=external_id
    )


def _by_index(response: Any) -> dict[int, dict[str, Any]]:
    assert response.status_code == 200, response.content
    return {item["index"]: item for item in response.json()["results"]}


def test_each_referral_of_a_batch_is_answered_on_its_own(client, token, clinic, district):
    persons = [PersonFactory.create(territory=district) for _ in range(3)]
    bad_iin = referral_body(persons[2], external_id="B-bad")
    bad_iin["person"]["iin"] = persons[2].iin[:11] + str((int(persons[2].iin[11]) + 1) % 10)
    body = {
        "referrals": [
            _complete(persons[0], "B-sent"),
            # H54.0 without the ophthalmologist's report: kept as a draft with what is missing.
            referral_body(persons[1], attachments=[], send=True, external_id="B-draft"),
            bad_iin,
            _complete(persons[1], "B-sent"),  # the same external id again
            # With a document: received on its own, as a single create receives it.
            referral_body(persons[2], send=True, external_id="B-document"),
        ]
    }

    results = _by_index(post_json(client, URL, body, token=token))

    assert [results[i]["status"] for i in range(5)] == [201, 201, 422, 422, 201]
    assert results[0]["referral"]["status"] == ReferralStatus.SENT
    assert results[0]["referral"]["sent"] is True
    assert results[1]["referral"]["status"] == ReferralStatus.DRAFT
    assert results[1]["referral"]["missing"]
    assert [error["field"] for error in results[2]["errors"]] == ["person.iin"]
    assert results[2]["referral"] is None
    assert [error["field"] for error in results[3]["errors"]] == ["external_id"]
    assert "0" in results[3]["errors"][0]["reason"]  # names the batch's referral 0
    assert results[4]["referral"]["sent"] is True
    stored = Referral.objects.filter(medical_organisation=clinic)
    assert sorted(stored.values_list("external_id", flat=True)) == [
        "B-document",
        "B-draft",
        "B-sent",
    ]
    sent = stored.get(external_id="B-sent")
    assert sent.number == results[0]["referral"]["number"]
    # Sent as a single create sends: the timeline names the system, the API is the channel.
    assert list(sent.events.order_by("id").values_list("to_status", "actor_label")) == [
        ("draft", "API: mis-test-polyclinic"),
        ("sent", "API: mis-test-polyclinic"),
    ]
    assert set(
        AuditEvent.objects.filter(
            target_type="assessment.referral", target_id=str(sent.pk)
        ).values_list("action", "channel")
    ) == {("create", "api"), ("update", "api")}
    assert Notice.objects.filter(person=persons[0]).count() == 1
    assert OutboxEvent.objects.filter(subject=f"assessment.referral:{sent.number}").count() == 1

    again = _by_index(
        post_json(client, URL, {"referrals": [_complete(persons[0], "B-sent")]}, token=token)
    )

    assert again[0]["status"] == 409
    assert sent.number in again[0]["detail"]
    assert stored.count() == 3


def test_a_batch_is_replayed_whole_by_its_idempotency_key(client, token, district):
    person = PersonFactory.create(territory=district)
    body = {"referrals": [_complete(person, "R-1")]}

    first = post_json(client, URL, body, token=token, key="batch-1")
    replay = post_json(client, URL, body, token=token, key="batch-1")
    changed = post_json(
        client, URL, {"referrals": [_complete(person, "R-2")]}, token=token, key="batch-1"
    )

    assert replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true"
    assert replay.json() == first.json()
    assert first.json()["results"][0]["status"] == 201  # not the 409 a second run would give
    assert changed.status_code == 409
    assert Referral.objects.count() == 1


def test_a_batch_writes_only_the_systems_own_clinics_referrals(
    client, token, other_token, clinic, other_clinic, district
):
    person = PersonFactory.create(territory=district)
    ours = _by_index(post_json(client, URL, {"referrals": [_complete(person, "X-1")]}, token=token))
    theirs = _by_index(
        post_json(client, URL, {"referrals": [_complete(person, "X-1")]}, token=other_token)
    )

    # The same external id is another clinic's own: a referral of its own, not a 409 that
    # would tell it of ours.
    assert (ours[0]["status"], theirs[0]["status"]) == (201, 201)
    assert ours[0]["referral"]["number"] != theirs[0]["referral"]["number"]
    assert set(Referral.objects.values_list("medical_organisation_id", flat=True)) == {
        clinic.pk,
        other_clinic.pk,
    }


def test_more_referrals_than_a_batch_holds_are_refused_whole(client, token, person):
    one = referral_body(person)
    response = post_json(client, URL, {"referrals": [one] * (MAX_BATCH + 1)}, token=token)

    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["referrals"]
    assert not Referral.objects.exists()


def test_a_batch_counts_as_one_request_of_the_systems_rate(client, token, person, settings):
    cache.clear()
    settings.KOPIR_API_RATE = "2/m"
    try:
        answers = [
            post_json(client, URL, {"referrals": [referral_body(person)] * 1}, token=token)
            for _ in range(3)
        ]
    finally:
        cache.clear()

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2]["Retry-After"]
    assert Referral.objects.count() == 2


def test_a_batchs_referrals_count_against_the_systems_referral_rate(
    client, token, other_token, district, settings, clock
):
    """Decision 13: a batch is one request of KOPIR_API_RATE and as many referrals of
    KOPIR_API_REFERRAL_RATE as it carries, as many as that many single creates."""
    cache.clear()
    settings.KOPIR_API_RATE = "100/m"
    settings.KOPIR_API_REFERRAL_RATE = "5/m"
    persons = [PersonFactory.create(territory=district) for _ in range(6)]
    try:
        three = post_json(
            client,
            URL,
            {
                "referrals": [
                    referral_body(p, external_id=f"Q-{i}") for i, p in enumerate(persons[:3])
                ]
            },
            token=token,
        )
        clock.now += 10
        # Three more do not fit in the two left: refused whole, nothing written or counted.
        refused = post_json(
            client,
            URL,
            {
                "referrals": [
                    referral_body(p, external_id=f"R-{i}") for i, p in enumerate(persons[3:])
                ]
            },
            token=token,
        )
        written_after_refusal = Referral.objects.count()
        # Two single creates fill the window; a third waits for the batch to leave it.
        singles = [
            post_json(client, "/api/referrals", referral_body(p, external_id=f"S-{i}"), token=token)
            for i, p in enumerate(persons[3:])
        ]
        # Another system has its own count.
        other = post_json(
            client,
            "/api/referrals",
            referral_body(persons[5], external_id="O-1"),
            token=other_token,
        )
        clock.now += 51  # the batch (60 s ago) has left the window
        after = post_json(
            client, "/api/referrals", referral_body(persons[5], external_id="S-2b"), token=token
        )
    finally:
        cache.clear()

    assert three.status_code == 200
    assert [item["status"] for item in three.json()["results"]] == [201, 201, 201]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "50"
    assert written_after_refusal == 3
    assert [answer.status_code for answer in singles] == [201, 201, 429]
    assert other.status_code == 201
    assert after.status_code == 201
    assert Referral.objects.count() == 7


@pytest.mark.parametrize("rate", ["499/m", "100/s"])
def test_a_referral_rate_below_one_whole_batch_stops_start_up(rate):
    result = run_manage("check", KOPIR_API_REFERRAL_RATE=rate)

    assert result.returncode != 0
    assert "KOPIR_API_REFERRAL_RATE" in result.stderr
