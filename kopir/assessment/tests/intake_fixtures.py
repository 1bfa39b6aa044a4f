"""Fixtures for the intake channels (API, FHIR, bulk) and the citizen status page.

They build on the clinic fixtures (region, division, clinic, person, ICD-10 codes, demo rules):
an external system for our clinic and one for the outsider clinic, each with its token, and
helpers that call the API the way a medical information system would.
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from typing import Any

import pytest
from django.test import Client

from kopir.assessment.api_schemas import REFERRAL_EXAMPLE
from kopir.assessment.demo.bulk_upload import identity_columns
from kopir.assessment.models import ExternalSystem
from kopir.assessment.services.external_systems import external_system_issue_token
from kopir.assessment.tests.clinic_fixtures import PDF_BYTES, days_ago
from kopir.directory.models import Organisation


@pytest.fixture
def system_token(clinic: Organisation) -> tuple[ExternalSystem, str]:
    return external_system_issue_token(name="mis-test-polyclinic", organisation=clinic)


@pytest.fixture
def token(system_token: tuple[ExternalSystem, str]) -> str:
    return system_token[1]


@pytest.fixture
def other_token(other_clinic: Organisation) -> str:
    return external_system_issue_token(name="mis-other-polyclinic", organisation=other_clinic)[1]


def post_json(
    client: Client,
    path: str,
    body: Any,
    *,
    token: str | None,
    key: str | None = "auto",
    content_type: str = "application/json",
    **headers: str,
) -> Any:
    extra: dict[str, Any] = dict(headers)
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if key == "auto":
        key = str(uuid.uuid4())
    if key is not None:
        extra["HTTP_IDEMPOTENCY_KEY"] = key
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data=data, content_type=content_type, **extra)


def get_json(client: Client, path: str, *, token: str | None, **headers: str) -> Any:
    extra: dict[str, Any] = dict(headers)
    if token is not None:
        extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client.get(path, **extra)


def identifying_details(person: Any) -> dict[str, Any]:
    """What every sender gives of a person already in the registry (as the demo's file does)."""
    return dict(identity_columns(person))


def referral_body(person: Any = None, **overrides: Any) -> dict[str, Any]:
    """A JSON API body: for `person` (already registered) or, without one, a new person."""
    body = copy.deepcopy(REFERRAL_EXAMPLE)
    if person is not None:
        body["person"] = identifying_details(person)
    else:
        body["person"]["territory_kato"] = "275200000"
    day = days_ago(10).isoformat()
    for finding in body["findings"]:
        finding["measured_on"] = day
    body["findings"] += [
        {"kind": "visual_field", "side": "right", "value": "5", "measured_on": day},
        {"kind": "visual_field", "side": "left", "value": "5", "measured_on": day},
    ]
    body["commission_date"] = days_ago(3).isoformat()
    body["attachments"][0]["issued_on"] = day
    body["attachments"][0]["data"] = base64.b64encode(PDF_BYTES).decode()
    body["external_id"] = f"MIS-{uuid.uuid4().hex[:12]}"
    body["secondary_codes"] = []
    body["send"] = False
    body.update(overrides)
    return body
