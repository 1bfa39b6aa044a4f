"""What the API's endpoints share: the bearer token, the rate limits, the answers' shapes (Kopir's
field errors, or FHIR OperationOutcome), idempotency keys, and the error handlers for the whole
API."""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from kopir.assessment.api_input import BodyParser, BodyRefused
from kopir.assessment.fhir import FhirProblem, fhir_path
from kopir.assessment.models import ExternalSystem, IntakeChannel, Referral
from kopir.assessment.services.bulk_batch import BatchRow, DivisionCache, receive_batch
from kopir.assessment.services.completeness import MissingItem
from kopir.assessment.services.idempotency import (
    MAX_KEY_LENGTH,
    Outcome,
    Reservation,
    idempotency_find,
    idempotency_store,
    request_fingerprint,
)
from kopir.assessment.services.intake import (
    FieldProblem,
    IntakeInvalid,
    IntakeResult,
    ReferralInput,
    referral_intake,
)
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.rate_limits import QuantityLimit, RateLimit, request_client_key

FHIR_PATH = "/fhir/"
FHIR_CONTENT_TYPE = "application/fhir+json"


# --- Rate limits -----------------------------------------------------------------------------


class SystemRateThrottle(BaseThrottle):
    """KOPIR_API_RATE requests per external system. ninja keeps one throttle for every request and
    asks allow_request() then wait() on the request's thread; the server runs requests on several
    threads, so each request's wait is kept per thread. The rate is read on every request."""

    def __init__(self) -> None:
        self._current = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._current.wait = None
        system = getattr(request, "auth", None)
        if not isinstance(system, ExternalSystem):
            return True
        wait = RateLimit("api-system", settings.KOPIR_API_RATE).attempt(str(system.pk))
        self._current.wait = wait
        return wait == 0

    def wait(self) -> float | None:
        wait: int | None = getattr(self._current, "wait", None)
        return wait


def referrals_refused(request: HttpRequest, count: int) -> JsonResponse | None:
    """Count `count` referrals against the system's KOPIR_API_REFERRAL_RATE (decision 13); the
    429 answer, with Retry-After, when they do not fit (nothing counted then), else None."""
    system = getattr(request, "auth", None)
    if not isinstance(system, ExternalSystem):
        return None
    wait = QuantityLimit("api-referrals", settings.KOPIR_API_REFERRAL_RATE).take(
        str(system.pk), count
    )
    if not wait:
        return None
    reason = _(
        "Too many requests. Wait the number of seconds in the Retry-After header, then send the request again."
    )
    response = request_refused(request, 429, reason, code="throttled")
    response["Retry-After"] = str(wait)
    return response


def _anonymous_limit() -> RateLimit:
    return RateLimit("api-address", settings.KOPIR_API_ANON_RATE)


class SystemToken(HttpBearer):
    """The bearer token issued to an external system.

    Requests without a valid token (missing, wrong or revoked) count against their client
    address's KOPIR_API_ANON_RATE. An address that has used it up is refused with 429 before its
    token is even looked at, so that guessing tokens goes no faster than that rate.
    """

    def __call__(self, request: HttpRequest) -> ExternalSystem | None:
        limit = _anonymous_limit()
        client = request_client_key(request)
        wait = limit.wait(client)
        if wait:
            raise Throttled(wait=wait)
        system: ExternalSystem | None = super().__call__(request)
        if system is None:
            limit.hit(client)
        return system

    def authenticate(self, request: HttpRequest, token: str) -> ExternalSystem | None:
        from kopir.assessment.services.external_systems import external_system_authenticate

        return external_system_authenticate(token)


# --- Answers ---------------------------------------------------------------------------------


def json_answer(body: Any, *, status: int, content_type: str = "application/json") -> JsonResponse:
    # Kazakh and Russian reasons stay readable in the raw answer.
    return JsonResponse(
        body, status=status, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )


def error_answer(
    status: int, detail: str, problems: list[FieldProblem] | None = None
) -> JsonResponse:
    body = {
        "detail": detail,
        "errors": [{"field": p.field, "reason": p.reason} for p in problems or []],
    }
    return json_answer(body, status=status)


def outcome_answer(
    status: int, problems: list[FhirProblem], severity: str = "error"
) -> JsonResponse:
    body = {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": severity,
                "code": p.code,
                "diagnostics": p.reason,
                # A problem with the request as a whole (too many of them) names no element.
                **({"expression": [p.expression]} if p.expression else {}),
            }
            for p in problems
        ],
    }
    return json_answer(body, status=status, content_type=FHIR_CONTENT_TYPE)


def fhir_base(request: HttpRequest) -> str:
    # The profiles' and code systems' canonical URLs are where this server publishes them.
    return request.build_absolute_uri("/api/fhir")


def fhir_published(
    body: dict[str, Any] | None, element: str, known: Callable[[], str]
) -> JsonResponse:
    """A public conformance resource, or 404 naming the ones there are."""
    if body is None:
        return outcome_answer(404, [FhirProblem(element, known(), "not-found")])
    return json_answer(body, status=200, content_type=FHIR_CONTENT_TYPE)


def is_fhir(request: HttpRequest) -> bool:
    return FHIR_PATH in request.path


def request_refused(
    request: HttpRequest, status: int, reason: str, *, code: str, element: str = ""
) -> JsonResponse:
    """One reason for refusing the whole request: Kopir's error shape, or an OperationOutcome
    (with its issue `code`, at `element` if any) on the FHIR endpoint."""
    if is_fhir(request):
        return outcome_answer(status, [FhirProblem(element, reason, code)])
    return error_answer(status, reason)


def field_problem(status: int, field: str, reason: str) -> JsonResponse:
    """A refusal naming one field in Kopir's JSON error shape: the JSON APIs' `problem` for
    `idempotent`."""
    return error_answer(status, reason, [FieldProblem(field, reason)])


def fhir_problem(status: int, field: str, reason: str) -> JsonResponse:
    """The same refusal as a FHIR OperationOutcome, its issue code by the status (a conflict, a
    required header, else an invalid value): the FHIR endpoints' `problem` for `idempotent`."""
    code = "conflict" if status == 409 else "required" if status == 400 else "invalid"
    return outcome_answer(status, [FhirProblem(field, reason, code)])


def refused_answer(request: HttpRequest, refused: BodyRefused) -> JsonResponse:
    """A body that could not be read, each problem at its path (a FHIRPath under /fhir/)."""
    if is_fhir(request):
        code = {400: "structure", 415: "not-supported"}.get(refused.status, "invalid")
        return outcome_answer(
            refused.status,
            [FhirProblem(fhir_path(p.path), p.reason, code) for p in refused.problems],
        )
    if refused.status == 422:
        detail = _("The request was not accepted: correct the fields listed.")
    else:
        detail = refused.problems[0].reason
    problems = [
        FieldProblem(".".join(str(part) for part in p.path) or "body", p.reason)
        for p in refused.problems
    ]
    return error_answer(refused.status, detail, problems)


def missing_items(items: list[MissingItem]) -> list[dict[str, str]]:
    return [
        {"kind": i.kind, "code": i.code, "label": str(i.label), "reason": str(i.reason)}
        for i in items
    ]


# --- Idempotency -----------------------------------------------------------------------------


def idempotent(
    request: HttpRequest,
    *,
    endpoint: str,
    body: Any,
    handle: Callable[[], tuple[JsonResponse, Referral | None]],
    problem: Callable[[int, str, str], JsonResponse],
) -> HttpResponse:
    """Run `handle` once per Idempotency-Key; replay its stored answer for a repeat.

    `handle` runs in one transaction with the storing of its answer (a success's; a refusal's
    transaction is undone). `problem(status, field, reason)` shapes the channel's own error
    answers.
    """
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        return problem(
            400,
            "Idempotency-Key",
            _(
                "Send an Idempotency-Key header with every write: a unique value per referral, reused when you retry."
            ),
        )
    if len(key) > MAX_KEY_LENGTH:
        return problem(
            400, "Idempotency-Key", _("The Idempotency-Key may be at most 255 characters.")
        )
    fingerprint = request_fingerprint(endpoint, body)
    find = partial(
        idempotency_find, system=system, key=key, endpoint=endpoint, fingerprint=fingerprint
    )
    store = partial(
        idempotency_store, system=system, key=key, endpoint=endpoint, fingerprint=fingerprint
    )
    found = find()
    if found.outcome is not Outcome.NEW:
        return _answer_known(request, found, problem)
    try:
        # One transaction for the request's writes and its stored response: both or neither.
        with transaction.atomic():
            response, referral = handle()
            if 200 <= response.status_code < 300:
                store(
                    status_code=response.status_code,
                    body=json.loads(response.content),
                    referral=referral,
                )
            else:
                # Only successes are kept: a refused request may be corrected and sent with the
                # same key. (It wrote nothing to keep; a failure inside the intake may already
                # have marked the transaction to be undone.)
                transaction.set_rollback(True)
    except IntegrityError:
        # Another request with this key stored its response first: this one's work is undone
        # and it answers as a repeat of that one.
        found = find()
        if found.outcome is Outcome.NEW:
            raise
        return _answer_known(request, found, problem)
    if response.status_code >= 400:
        # Refused because another request with this key made the same referral meanwhile (its
        # external id is now taken): answer as a repeat of that request.
        found = find()
        if found.outcome is not Outcome.NEW:
            return _answer_known(request, found, problem)
    return response


def _answer_known(
    request: HttpRequest,
    found: Reservation,
    problem: Callable[[int, str, str], JsonResponse],
) -> HttpResponse:
    """The answer to a key already used: its stored response, or why it cannot be given."""
    if found.outcome is Outcome.MISMATCH:
        return problem(
            409,
            "Idempotency-Key",
            _(
                "This Idempotency-Key was already used for a different request. Use a new key for a new referral."
            ),
        )
    if found.outcome is Outcome.IN_PROGRESS:
        return problem(
            409,
            "Idempotency-Key",
            _("A request with this Idempotency-Key is still being processed. Retry in a moment."),
        )
    record = found.record
    assert record is not None
    response = json_answer(record.response_body, status=record.status_code or 200)
    if is_fhir(request):
        response["Content-Type"] = FHIR_CONTENT_TYPE
    response["Idempotent-Replayed"] = "true"
    return response


def system_label(system: ExternalSystem) -> str:
    return f"API: {system.name}"


def intake(request: HttpRequest, data: ReferralInput, channel: str) -> IntakeResult:
    """One referral of a single create, in `idempotent`'s transaction (which is undone whenever
    the intake raises: no savepoint of the intake's own)."""
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]
    return referral_intake(
        actor=system.account,
        organisation=system.organisation,
        data=data,
        channel=channel,
        actor_label=system_label(system),
        request=request,
        savepoint=False,
    )


@dataclass
class BatchItem:
    """One referral of a batch request (or a single create's, answered by the same rules), and
    what became of it: the row the batch received, or the status (403, 409) and detail that
    refused it."""

    index: int
    external_id: str
    row: BatchRow
    status: int | None = None
    detail: str = ""

    @classmethod
    def of(cls, index: int, data: ReferralInput, problems: list[FieldProblem]) -> BatchItem:
        """The referral at `index` as read from the request, with the problems reading found."""
        row = BatchRow(number=index, external_id=data.external_id, data=data, problems=problems)
        return cls(index=index, external_id=data.external_id, row=row)


def receive_item(item: BatchItem, receive: Callable[[], IntakeResult]) -> None:
    """Run `receive` (the intake of the item's referral) and keep what became of it: the result,
    the fields that refused it, or the status and reason of any other refusal (403 where the
    system's clinic may not do it, 409 for any other rule)."""
    try:
        item.row.result = receive()
    except IntakeInvalid as invalid:
        item.row.problems = invalid.problems
    except AccessDenied as denied:
        item.status, item.detail = 403, str(denied)
    except DomainError as refused:
        item.status, item.detail = 409, str(refused)


def intake_batch(
    request: HttpRequest, given: list[tuple[ReferralInput, list[FieldProblem]]]
) -> list[BatchItem]:
    """Receive a batch request's referrals through the bulk files' batch service
    (`receive_batch`: one read of the reference data, the clean referrals written and sent
    together, every other one through `referral_intake` on its own, which names its fields).
    Each referral is one of the system's clinic, as a single create's."""
    system: ExternalSystem = request.auth  # type: ignore[attr-defined]
    label = system_label(system)
    items: list[BatchItem] = []
    first: dict[str, int] = {}
    for index, (data, problems) in enumerate(given):
        item = BatchItem.of(index, data, problems)
        row = item.row
        if problems:
            row.data = None
        elif data.external_id and data.external_id in first:
            row.data = None
            row.problems = [
                FieldProblem(
                    "external_id",
                    _("This external_id is already in referral %(index)s of this batch.")
                    % {"index": first[data.external_id]},
                )
            ]
        elif data.external_id:
            first[data.external_id] = index
        items.append(item)
    by_row = {id(item.row): item for item in items}

    def one_by_one(row: BatchRow) -> None:
        receive_item(
            by_row[id(row)],
            lambda: referral_intake(
                actor=system.account,
                organisation=system.organisation,
                data=row.given,
                channel=IntakeChannel.API,
                actor_label=label,
                request=request,
            ),
        )

    receive_batch(
        [item.row for item in items if item.row.data is not None],
        actor=system.account,
        organisation=system.organisation,
        channel=IntakeChannel.API,
        divisions=DivisionCache(),
        one_by_one=one_by_one,
        actor_label=label,
        request=request,
    )
    return items


# --- Errors for the whole API ----------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Give every API error Kopir's shape: field paths and reasons (OperationOutcome for FHIR)."""

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = []
        status = 422
        for error in exc.errors:
            location = [str(part) for part in error.get("loc", [])]
            if location[:1] == ["header"]:
                status = 400
                path = location[1:]
            else:
                # Drop "body" and the parameter's name: the path starts inside the request body.
                path = location[2:] if location[:1] == ["body"] else location
            problems.append(FieldProblem(".".join(path) or "body", str(error.get("msg", ""))))
        return error_answer(
            status, _("The request was not accepted: correct the fields listed."), problems
        )

    def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        reason = _(
            "Send the token issued to your system as “Authorization: Bearer <token>”. The token is missing, wrong or revoked."
        )
        response = request_refused(request, 401, reason, element="Authorization", code="security")
        response["WWW-Authenticate"] = 'Bearer realm="kopir"'
        return response

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        reason = _("The request is too large. Send fewer or smaller documents per request.")
        return request_refused(request, 413, reason, element="Bundle", code="too-long")

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # Raised by SystemToken (an address without a valid token) and by ninja for
        # SystemRateThrottle (a system), which sets the same Retry-After again.
        reason = _(
            "Too many requests. Wait the number of seconds in the Retry-After header, then send the request again."
        )
        response = request_refused(request, 429, reason, code="throttled")
        if exc.wait is not None:
            response["Retry-After"] = str(max(1, math.ceil(exc.wait)))
        return response

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # ninja turns whatever its body parser raises into HttpError(400): a BodyRefused from
        # BodyParser is answered with its own status and field paths.
        if isinstance(exc.__cause__, BodyRefused):
            return refused_answer(request, exc.__cause__)
        return request_refused(request, exc.status_code, str(exc), code="processing")

    api.parser = BodyParser()
    # ninja types its handlers loosely (the exception or its class); these take the exception.
    api.add_exception_handler(ValidationError, validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(AuthenticationError, authentication_error)  # type: ignore[arg-type]
    api.add_exception_handler(RequestDataTooBig, too_big)  # type: ignore[arg-type]
    api.add_exception_handler(Throttled, throttled)  # type: ignore[arg-type]
    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
