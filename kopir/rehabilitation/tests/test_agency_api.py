"""The measure API for agency systems: the same services as the pages (the same evidence checks,
409 on a stale version, 404 for another organisation's measure), keyset pages, idempotency."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from kopir.assessment.tests.intake_fixtures import get_json, post_json
from kopir.audit.models import AuditEvent
from kopir.core import sample_files
from kopir.directory.models import Organisation
from kopir.rehabilitation.models import Measure, MeasureEvent, MeasureStatus
from kopir.rehabilitation.tests.agency_fixtures import *  # noqa: F403
from kopir.rehabilitation.tests.agency_fixtures import api_updates, linked_measure

pytestmark = pytest.mark.django_db
S = MeasureStatus


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    settings.KOPIR_API_RATE = "100000/m"


def _url(measure: Measure, action: str) -> str:
    return f"/api/measures/{measure.pk}/{action}"


def _act(
    client: Client, measure: Measure, action: str, token: str, key: str | None = "auto", **body: Any
) -> Any:
    """The agency's system posts `body` to `action` of `measure` (a fresh Idempotency-Key unless
    `key` names one, or is None for none)."""
    return post_json(client, _url(measure, action), body, token=token, key=key)


@pytest.fixture
def accepted_measure(measure: Measure, agency_token: str, client: Client) -> Measure:
    """The measure as the agency's system has accepted it, through the API: at version 2."""
    response = _act(client, measure, "accept", agency_token, version=1)
    assert response.status_code == 200, response.content
    return measure


def test_the_list_pages_the_organisations_open_measures_by_keyset(
    agency: Organisation, other_agency: Organisation, agency_token: str, client: Client
) -> None:
    day = timezone.localdate() + dt.timedelta(days=5)
    mine = [linked_measure(agency, due_on=day + dt.timedelta(days=i % 2)).pk for i in range(7)]
    linked_measure(agency, status=S.DELIVERED)
    linked_measure(other_agency)
    seen: list[int] = []
    after = ""
    for _page in range(10):
        response = get_json(client, f"/api/measures?limit=3{after}", token=agency_token)
        assert response.status_code == 200, response.content
        body = response.json()
        seen.extend(item["id"] for item in body["items"])
        if body["next_after"] is None:
            break
        after = f"&after={body['next_after']}"
    assert sorted(seen) == sorted(mine)
    assert len(seen) == len(set(seen))
    item = body["items"][0]
    assert set(item["person"]) >= {"iin", "last_name", "phone"}
    assert "diagnosis" not in str(item)
    assert AuditEvent.objects.filter(channel="api", action="view").count() == 3


def test_the_system_works_a_measure_to_delivered(
    measure: Measure, agency_token: str, client: Client
) -> None:
    response = _act(client, measure, "accept", agency_token, version=1)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = _act(
        client,
        measure,
        "schedule",
        agency_token,
        version=2,
        scheduled_on=tomorrow,
    )
    assert response.json()["scheduled_on"] == tomorrow
    response = _act(
        client,
        measure,
        "delivered",
        agency_token,
        version=3,
        delivered_on=timezone.localdate().isoformat(),
        serial_number="HA-1",
        document={
            "file_name": "act.pdf",
            "data": base64.b64encode(sample_files.pdf("act")).decode(),
        },
    )
    assert response.status_code == 200, response.content
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.status, stored.serial_number) == (S.DELIVERED, "HA-1")
    assert stored.evidence_document.name
    assert api_updates(measure) == 3


def test_evidence_is_checked_as_on_the_page_each_problem_named(
    accepted_measure: Measure, agency_token: str, client: Client
) -> None:
    response = _act(
        client,
        accepted_measure,
        "delivered",
        agency_token,
        version=2,
        delivered_on=(timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        document={"file_name": "act.pdf", "data": base64.b64encode(b"<html>").decode()},
    )
    assert response.status_code == 422
    fields = {error["field"] for error in response.json()["errors"]}
    assert fields == {"delivered_on", "document", "serial_number"}
    response = _act(
        client,
        accepted_measure,
        "not-delivered",
        agency_token,
        version=2,
        reason="other",
    )
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["text"]
    assert Measure.objects.get(pk=accepted_measure.pk).status == S.ACCEPTED
    # A document that is not base64 is refused at its field, and for another organisation's
    # measure the answer is still "not found": the body is read only for a measure it holds.
    broken: dict[str, Any] = {
        "version": 2,
        "document": {"file_name": "act.pdf", "data": "not base64!"},
    }
    response = _act(client, accepted_measure, "delivered", agency_token, **broken)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["errors"]] == ["document"]
    response = post_json(client, "/api/measures/999999/delivered", broken, token=agency_token)
    assert response.status_code == 404


def test_a_stale_version_answers_409_and_changes_nothing(
    accepted_measure: Measure, agency_token: str, client: Client
) -> None:
    response = _act(
        client,
        accepted_measure,
        "not-delivered",
        agency_token,
        version=1,
        reason="refused",
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "version"
    assert Measure.objects.get(pk=accepted_measure.pk).status == S.ACCEPTED


def test_another_organisations_measure_is_not_found(
    measure: Measure, other_agency_token: str, client: Client
) -> None:
    response = _act(client, measure, "accept", other_agency_token, version=1)
    assert response.status_code == 404
    listed = get_json(client, "/api/measures", token=other_agency_token).json()
    assert listed["items"] == []
    assert Measure.objects.get(pk=measure.pk).status == S.ASSIGNED
    assert get_json(client, "/api/measures", token=None).status_code == 401


def test_the_same_key_gives_the_same_answer_and_one_change(
    measure: Measure, agency_token: str, client: Client
) -> None:
    first = _act(client, measure, "accept", agency_token, key="k-1", version=1)
    again = _act(client, measure, "accept", agency_token, key="k-1", version=1)
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert MeasureEvent.objects.filter(measure=measure).count() == 1
    assert Measure.objects.get(pk=measure.pk).version == 2
    # The same key for another request is refused; a new key is a new request.
    other = _act(client, measure, "accept", agency_token, key="k-1", version=2)
    assert other.status_code == 409
    assert _act(client, measure, "accept", agency_token, version=1).status_code == 409
    unkeyed = _act(client, measure, "accept", agency_token, key=None, version=2)
    assert unkeyed.status_code == 400
    assert Measure.objects.get(pk=measure.pk).version == 2


def test_an_agency_system_acts_as_an_agency_officer_and_a_council_gets_no_token(
    agency: Organisation,
) -> None:
    from kopir.accounts.models import Role
    from kopir.assessment.services.external_systems import external_system_issue_token
    from kopir.core.errors import DomainError
    from kopir.directory.models import OrganisationKind
    from kopir.directory.tests.factories import OrganisationFactory

    system, _token = external_system_issue_token(name="agency-erp", organisation=agency)
    assert system.account.role_set == {Role.AGENCY_OFFICER}
    council = OrganisationFactory.create(kind=OrganisationKind.PUBLIC_COUNCIL)
    with pytest.raises(DomainError):
        external_system_issue_token(name="council-system", organisation=council)


def test_the_list_reads_a_constant_number_of_queries(
    agency: Organisation, agency_token: str, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(count: int) -> int:
        Measure.objects.all().delete()
        for _i in range(count):
            linked_measure(agency)
        with CaptureQueriesContext(connection) as captured:
            response = get_json(client, "/api/measures?limit=100", token=agency_token)
        assert len(response.json()["items"]) == count
        return len(captured)

    # The first call marks the system as used (a write at most every few minutes): not counted.
    get_json(client, "/api/measures", token=agency_token)
    assert queries_for(5) == queries_for(50)
