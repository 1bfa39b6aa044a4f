"""What one referral costs through the JSON API, in queries: a budget that catches a query
added per field, per finding or per rule."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kopir.assessment.tests.intake_fixtures import post_json, referral_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules")]
URL = "/api/referrals"
# Measured 2026-12-06 on SQLite, savepoints and the request's own queries included, for a
# referral with one document: 34 for a draft (35 before the person's visibility was no longer
# asked again after the intake linked them; 43 before the idempotency record went into the
# request's transaction and routing into one query; 54 before its audit records went in together
# at the end and referral_create stopped reading again the rows it was handed), 44 sent (49
# before the completeness check judged the referral from what was received rather than reading
# it back; 60 before the same; 71 before the sending went through the batched sending with a
# batch of one, 86 before that). PostgreSQL takes the number in one statement where SQLite takes
# five: fewer there.
DRAFT_BUDGET = 34
# Sending adds the completeness check, the transition, the person's notice, the event and the
# division heads read for their notification (one query; none of them here, so nothing written).
SENT_BUDGET = 45
# With a cache shared by the processes (KOPIR_CACHE_URL), the rules in force, the steps' periods,
# the working-day overrides and the exchange's subscriptions are kept per process: 5 fewer.
SENT_BUDGET_SHARED_CACHE = 40


def _queries(client, token, body) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = post_json(client, URL, body, token=token)
    assert response.status_code == 201, response.content
    return len(queries)


def test_an_api_create_stays_within_its_query_budget(client, token, person, clinic):
    _queries(client, token, referral_body(person))  # the first of the year creates the register

    draft = _queries(client, token, referral_body(person))
    sent = _queries(client, token, referral_body(person, send=True))

    assert draft <= DRAFT_BUDGET, draft
    assert sent <= SENT_BUDGET, sent


def test_with_a_shared_cache_a_sending_create_reads_no_reference_table(
    client, token, person, clinic, settings
):
    # The default cache (local memory here) stands for the processes' shared Redis.
    settings.KOPIR_CACHE_URL = "redis://shared-cache-stand-in"
    _queries(client, token, referral_body(person, send=True))  # reads them once

    with CaptureQueriesContext(connection) as queries:
        response = post_json(client, URL, referral_body(person, send=True), token=token)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "sent"
    assert len(queries) <= SENT_BUDGET_SHARED_CACHE, len(queries)
    read = " ".join(query["sql"] for query in queries.captured_queries)
    for table in (
        "assessment_completenessrule",
        "assessment_stepdeadline",
        "core_workingdayoverride",
        "exchange_subscription",
    ):
        assert table not in read


def test_more_findings_and_further_diagnoses_cost_no_more_queries(client, token, person, clinic):
    _queries(client, token, referral_body(person))
    few = _queries(client, token, referral_body(person))
    body = referral_body(person, secondary_codes=["H90.3", "G35"])
    body["findings"] += [
        {"kind": "hearing_threshold", "side": side, "value": "80", "measured_on": day}
        for side, day in (("right", body["commission_date"]), ("left", body["commission_date"]))
    ]
    body["limitations"].append({"category": "communication", "degree": 2})

    many = _queries(client, token, body)

    # The further diagnoses, which there were none of before: looked up, and written.
    assert many <= few + 2
