"""Property tests of intake: ICD-10 parsing, the JSON referral API, the FHIR bundle endpoint and
bulk files. Whatever arrives, the answer is a 2xx or a 4xx in Kopir's error shape (a report or a
clear refusal for files), never a 5xx or an exception."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kopir.assessment.api_docs import FHIR_STANDARD_EXAMPLE
from kopir.assessment.models import BulkUploadStatus
from kopir.assessment.services.bulk import BulkFileInvalid, bulk_upload_create, bulk_upload_process
from kopir.assessment.services.bulk_format import COLUMN_NAMES, parse_row
from kopir.assessment.services.icd10 import icd10_codes, normalise_code, parse_code_list
from kopir.assessment.tests.intake_fixtures import post_json, referral_body
from kopir.assessment.tests.test_fhir_intake import a_bundle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "immediate_tasks")]

# Each example shares the test's database (and its fixtures), so the function-scoped fixtures
# are meant to be reused across examples; requests and rows never depend on each other.
PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
# Requests cost a database round trip each: fewer examples keep the whole set fast.
REQUESTS = settings(PROPERTY, max_examples=30)

HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\ud800", "a\x00b", "\udfff\ud800", "", " ", "0001-01-01", "2999-12-31"]),
)
JSON_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False, allow_infinity=False),
        HOSTILE_TEXT,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(HOSTILE_TEXT, children, max_size=3),
    ),
    max_leaves=8,
)


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, containers and leaves."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += paths(item, (*prefix, index))
    return found


def replaced(document: Any, path: tuple[Any, ...], value: Any) -> Any:
    document = copy.deepcopy(document)
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return document


REFERRAL_PATHS = paths(referral_body())
BUNDLE_PATHS = paths(a_bundle())


@pytest.fixture
def unlimited(settings: Any) -> None:
    settings.KOPIR_API_RATE = "100000/m"


def assert_kopir_error(response: Any) -> None:
    body = response.json()
    assert set(body) == {"detail", "errors"}, body
    assert body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "reason"}
        assert error["reason"]


def assert_outcome(response: Any) -> None:
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    assert body["issue"]
    for issue in body["issue"]:
        assert issue["severity"] == "error"
        assert issue["diagnostics"]


# --- ICD-10 ------------------------------------------------------------------------------------


@settings(PROPERTY, max_examples=100)  # one query per example
@given(
    text=st.one_of(
        st.text(max_size=12), st.from_regex(r"\A[A-Za-zА-Я][0-9٠-٩０-９]{2}[.,]?[0-9]{0,2}\Z")
    )
)
# Found on PostgreSQL: a NUL byte reached the query and the database refused it (a 500).
@example(text="\x00")
@example(text="H54.0\x00")
def test_any_text_is_an_icd10_code_in_ascii_or_refused_with_a_validation_error(text: str) -> None:
    parse_code_list(text)
    refusal: ValidationError | None = None
    try:
        [code] = icd10_codes([text], field="primary_code")
    except ValidationError as error:
        refusal = error
    if refusal is not None:
        assert list(refusal.message_dict) == ["primary_code"]
        return
    assert code.code == normalise_code(text)
    assert code.code.isascii()


# --- The JSON API -------------------------------------------------------------------------------


@REQUESTS
@given(where=st.sampled_from(REFERRAL_PATHS), value=JSON_VALUES)
def test_any_json_value_in_any_field_of_a_referral_is_answered_without_a_5xx(
    client: Any, token: str, unlimited: None, where: tuple[Any, ...], value: Any
) -> None:
    body = replaced(referral_body(), where, value)

    response = post_json(client, "/api/referrals", body, token=token)

    assert response.status_code < 500
    if response.status_code >= 400:
        assert_kopir_error(response)


@REQUESTS
@given(body=st.one_of(JSON_VALUES, st.binary(max_size=40)))
def test_any_body_at_all_is_answered_without_a_5xx(
    client: Any, token: str, unlimited: None, body: Any
) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body)

    response = post_json(client, "/api/referrals", data, token=token)

    assert 400 <= response.status_code < 500
    assert_kopir_error(response)


# --- FHIR --------------------------------------------------------------------------------------


def assert_bundle_answered_without_a_5xx(client: Any, token: str, bundle: Any) -> None:
    """Posted to the FHIR endpoint, the bundle is answered below 500, a refusal with an
    OperationOutcome."""
    response = post_json(
        client, "/api/fhir/Bundle", bundle, token=token, content_type="application/fhir+json"
    )
    assert response.status_code < 500
    if response.status_code >= 400:
        assert_outcome(response)


@REQUESTS
@given(where=st.sampled_from(BUNDLE_PATHS), value=JSON_VALUES)
def test_any_json_value_in_any_element_of_a_bundle_is_answered_without_a_5xx(
    client: Any, token: str, unlimited: None, where: tuple[Any, ...], value: Any
) -> None:
    bundle = replaced(a_bundle(), where, value)

    assert_bundle_answered_without_a_5xx(client, token, bundle)


def a_standard_bundle() -> dict[str, Any]:
    """The guide's example (standard codings only), with a logMAR quantity among its findings."""
    bundle = copy.deepcopy(FHIR_STANDARD_EXAMPLE)
    bundle["entry"][3]["resource"].pop("valueString")
    bundle["entry"][3]["resource"]["valueQuantity"] = {"value": 1.7, "unit": "logMAR"}
    return bundle


STANDARD_BUNDLE_PATHS = paths(a_standard_bundle())


@REQUESTS
@given(where=st.sampled_from(STANDARD_BUNDLE_PATHS), value=JSON_VALUES)
def test_any_json_value_in_any_element_of_a_standard_coded_bundle_is_answered_without_a_5xx(
    client: Any, token: str, unlimited: None, where: tuple[Any, ...], value: Any
) -> None:
    # The standard codings take other paths: the table, text body sites, logMAR and Snellen
    # conversions, a purpose and a route read from text.
    bundle = replaced(a_standard_bundle(), where, value)

    assert_bundle_answered_without_a_5xx(client, token, bundle)


# --- Bulk files --------------------------------------------------------------------------------


@PROPERTY
@given(cells=st.dictionaries(st.sampled_from(COLUMN_NAMES), HOSTILE_TEXT))
def test_any_cells_are_read_as_a_referral_or_refused_by_column(cells: dict[str, str]) -> None:
    data, problems = parse_row(cells, send=False)

    assert (data is None) == bool(problems)
    assert {p.field for p in problems} <= set(COLUMN_NAMES)


@REQUESTS
@given(
    content=st.one_of(
        st.binary(max_size=300), st.lists(st.lists(HOSTILE_TEXT, max_size=6), max_size=4)
    )
)
def test_any_file_is_refused_or_processed_into_a_report(
    clinician: Any, caplog: Any, content: bytes | list[list[str]]
) -> None:
    if isinstance(content, list):
        lines = [",".join(COLUMN_NAMES)] + [",".join(row) for row in content]
        content = "\n".join(lines).encode("utf-8", "surrogatepass")
    caplog.clear()
    try:
        upload = bulk_upload_create(
            actor=clinician,
            uploaded_file=SimpleUploadedFile("referrals.csv", content, "text/csv"),
            send=False,
        )
    except BulkFileInvalid as refused:
        reason, upload = str(refused), None
    if upload is None:
        assert reason  # a clear refusal of the whole file
        return

    status = bulk_upload_process(upload_id=upload.pk)

    upload.refresh_from_db()
    assert status in (BulkUploadStatus.DONE, BulkUploadStatus.FAILED)
    assert upload.status == status
    # Processing that stopped on an exception is logged as an error: none may.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    if status == BulkUploadStatus.FAILED:
        assert upload.report
