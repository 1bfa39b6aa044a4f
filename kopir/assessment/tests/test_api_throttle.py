"""API rate limits: KOPIR_API_RATE requests per external system, KOPIR_API_ANON_RATE requests
without a valid token per client address; past them 429 with Retry-After, in Kopir's error shape
(an OperationOutcome on the FHIR endpoint)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from kopir.assessment.models import Referral
from kopir.assessment.tests.intake_fixtures import get_json, post_json, referral_body
from kopir.core.rate_limits import Rate
from kopir.core.tests.test_production_checks import run_manage
from kopir.settings import DEFAULT_API_RATE, checked_rate

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]
URL = "/api/referrals"
FHIR_URL = "/api/fhir/Bundle"
STATUS_URL = f"{URL}/MSE-2026-000001"  # no such referral: a 404 counts like any request
# The API answers in Kopir's default language, Kazakh, unless Accept-Language asks for another.
TOO_MANY = "Сұраулар тым көп."  # "Too many requests."


@pytest.fixture(autouse=True)
def _fresh_windows(settings) -> Iterator[None]:
    # The windows live in the cache, which outlives a test's database.
    cache.clear()
    settings.KOPIR_API_RATE = "3/m"
    settings.KOPIR_API_ANON_RATE = "2/m"
    yield
    cache.clear()


def read_status(client, token, **extra):
    return get_json(client, STATUS_URL, token=token, **extra)


def test_the_request_past_a_systems_rate_gets_429_with_retry_after(client, token, clock):
    for _ in range(3):
        assert read_status(client, token).status_code == 404

    response = read_status(client, token)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "60"
    body = response.json()
    assert body["detail"].startswith(TOO_MANY)
    assert body["errors"] == []
    english = read_status(client, token, HTTP_ACCEPT_LANGUAGE="en")
    assert english.json()["detail"].startswith("Too many requests. Wait the number of seconds")


def test_retry_after_counts_down_to_when_the_oldest_request_leaves_the_window(client, token, clock):
    for _ in range(3):
        read_status(client, token)
        clock.now += 10

    response = read_status(client, token)

    assert response.status_code == 429
    assert response["Retry-After"] == "30"  # the first request was 30 seconds ago


def test_the_window_frees_up_as_requests_leave_it(client, token, clock):
    for _ in range(3):
        read_status(client, token)
    clock.now += 59
    assert read_status(client, token).status_code == 429

    clock.now += 1

    assert read_status(client, token).status_code == 404
    assert read_status(client, token).status_code == 404
    assert read_status(client, token).status_code == 404
    assert read_status(client, token).status_code == 429


def test_another_system_is_not_held_back(client, token, other_token, clock):
    for _ in range(3):
        read_status(client, token)
    assert read_status(client, token).status_code == 429

    assert read_status(client, other_token).status_code == 404


def test_a_refused_request_does_not_create_a_referral_and_replays_count_too(
    client, token, person, clock
):
    body = referral_body(person)
    first = post_json(client, URL, body, token=token, key="throttle-replay-1")
    assert first.status_code == 201, first.content
    for _ in range(2):
        replay = post_json(client, URL, body, token=token, key="throttle-replay-1")
        assert replay.status_code == 201
        assert replay["Idempotent-Replayed"] == "true"

    refused = post_json(client, URL, referral_body(person), token=token)

    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert Referral.objects.count() == 1


def test_the_fhir_endpoint_answers_429_with_an_operation_outcome(client, token, clock):
    for _ in range(3):
        read_status(client, token)

    response = post_json(client, FHIR_URL, {"resourceType": "Bundle"}, token=token)

    assert response.status_code == 429
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Retry-After"] == "60"
    outcome = json.loads(response.content)
    assert outcome["resourceType"] == "OperationOutcome"
    [issue] = outcome["issue"]
    assert issue["severity"] == "error"
    assert issue["code"] == "throttled"
    assert issue["diagnostics"].startswith(TOO_MANY)


def test_requests_without_a_valid_token_are_limited_per_address(client, clock):
    assert read_status(client, "kpr_guess-1").status_code == 401
    assert read_status(client, None).status_code == 401

    response = read_status(client, "kpr_guess-3")

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response.json()["detail"].startswith(TOO_MANY)


def test_an_address_that_used_up_its_guesses_is_refused_even_with_a_valid_token(
    client, token, clock
):
    # Otherwise a guesser would still learn which of its guesses is right.
    read_status(client, "kpr_guess-1")
    read_status(client, "kpr_guess-2")

    assert read_status(client, token).status_code == 429

    clock.now += 60
    assert read_status(client, token).status_code == 404


def test_valid_requests_do_not_use_up_the_addresss_guesses(client, token, clock):
    for _ in range(3):
        read_status(client, token)

    assert read_status(client, "kpr_guess-1").status_code == 401


def test_another_address_is_not_held_back_by_anothers_guesses(client, token, clock):
    for _ in range(2):
        read_status(client, "kpr_guess", REMOTE_ADDR="192.0.2.10")
    assert read_status(client, token, REMOTE_ADDR="192.0.2.10").status_code == 429

    assert read_status(client, token, REMOTE_ADDR="192.0.2.11").status_code == 404


def test_clients_behind_the_proxy_are_limited_apart(client, token, clock, settings):
    settings.KOPIR_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(2):
        read_status(client, "kpr_guess", HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
    assert (
        read_status(client, token, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    )

    response = read_status(client, token, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy)

    assert response.status_code == 404


def test_guessing_on_the_fhir_endpoint_gets_an_operation_outcome(client, clock):
    for _ in range(2):
        assert post_json(client, FHIR_URL, {}, token="kpr_guess").status_code == 401

    response = post_json(client, FHIR_URL, {}, token="kpr_guess")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Retry-After"] == "60"
    assert json.loads(response.content)["issue"][0]["code"] == "throttled"


def test_the_schema_documents_429_with_retry_after_on_every_endpoint(client):
    schema = client.get("/api/openapi.json").json()

    for path, method, content_type in (
        (URL, "post", "application/json"),
        ("/api/referrals/{number}", "get", "application/json"),
        (FHIR_URL, "post", "application/fhir+json"),
    ):
        answer = schema["paths"][path][method]["responses"]["429"]
        assert answer["headers"]["Retry-After"]["schema"]["type"] == "integer"
        # The example joins the schema ninja writes for the status, rather than replacing it.
        assert answer["content"][content_type]["schema"]
        assert answer["content"][content_type]["examples"]["throttled"]["value"]


@pytest.mark.parametrize(
    ("rate", "expected"),
    [("120/m", (120, 60)), ("30/min", (30, 60)), ("1000/h", (1000, 3600)), ("100/5m", (100, 300))],
)
def test_an_accepted_rate_means_so_many_requests_per_so_many_seconds(rate, expected):
    assert checked_rate("KOPIR_API_RATE", rate) == rate
    assert Rate.parse(rate) == Rate(*expected)


def test_by_default_one_system_may_send_two_hundred_referrals_a_second_and_read_them():
    rate = Rate.parse(checked_rate("KOPIR_API_RATE", DEFAULT_API_RATE))

    assert rate.limit / rate.seconds >= 200 + 50
    # A short window: each request reads and writes at most `limit` times in the cache.
    assert rate.seconds == 1


@pytest.mark.parametrize("rate", ["", "120", "120/", "lots/m", "0/m", "120/minute", "120 / m"])
def test_a_malformed_rate_is_refused_naming_the_variable(rate):
    with pytest.raises(ImproperlyConfigured, match="KOPIR_API_ANON_RATE"):
        checked_rate("KOPIR_API_ANON_RATE", rate)


@pytest.mark.parametrize(
    ("variable", "value"),
    [("KOPIR_API_RATE", "120 per minute"), ("KOPIR_TRUSTED_PROXIES", "-1")],
)
def test_a_malformed_limit_stops_start_up(variable, value):
    result = run_manage("check", **{variable: value})

    assert result.returncode != 0
    assert variable in result.stderr
