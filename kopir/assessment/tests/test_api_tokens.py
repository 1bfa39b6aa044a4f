"""Tokens per external system, and the idempotency records' edge cases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from kopir.assessment.models import ExternalSystem, IdempotencyRecord
from kopir.assessment.services.external_systems import (
    external_system_authenticate,
    external_system_issue_token,
    token_hash,
)
from kopir.assessment.services.idempotency import (
    RETENTION,
    STALE_RESERVATION,
    Outcome,
    idempotency_find,
    idempotency_prune,
    idempotency_store,
    request_fingerprint,
)
from kopir.assessment.tests.intake_fixtures import get_json

pytestmark = pytest.mark.django_db


def issue(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_api_token", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue()


def test_the_command_prints_a_token_once_and_stores_only_its_hash(clinic):
    token, note = issue("mis-test", clinic.code)

    system = ExternalSystem.objects.get(name="mis-test")
    assert token.startswith("kpr_")
    assert system.token_hash == token_hash(token)
    assert token not in (system.token_prefix, system.token_hash)
    assert token.startswith(system.token_prefix)
    assert system.organisation == clinic
    assert "cannot show it again" in note
    assert external_system_authenticate(token) == system


def test_the_systems_account_acts_for_its_clinic_and_cannot_sign_in(clinic):
    system, _token = external_system_issue_token(name="mis-test", organisation=clinic)

    account = system.account
    assert account.organisation == clinic
    assert not account.has_usable_password()
    assert account.has_role("clinician")


def test_issuing_again_needs_rotate_and_then_the_old_token_stops_working(clinic):
    old, _ = issue("mis-test", clinic.code)
    with pytest.raises(CommandError):
        issue("mis-test", clinic.code)

    new, _ = issue("mis-test", clinic.code, "--rotate")

    assert external_system_authenticate(old) is None
    assert external_system_authenticate(new) is not None


def test_an_unknown_organisation_or_one_that_is_not_a_clinic_is_refused(division):
    with pytest.raises(CommandError):
        issue("mis-test", "no-such-organisation")
    with pytest.raises(CommandError):
        issue("mis-test", division.code)


def test_last_use_is_recorded_without_writing_on_every_call(client, clinic, token, system_token):
    system = system_token[0]
    get_json(client, "/api/referrals/MSE-2026-000001", token=token)
    system.refresh_from_db()
    first_use = system.last_used_at
    assert first_use is not None

    get_json(client, "/api/referrals/MSE-2026-000001", token=token)

    system.refresh_from_db()
    assert system.last_used_at == first_use


def test_a_reservation_of_a_request_cut_short_is_in_progress_until_it_is_stale(
    clinic, system_token
):
    """A record without a response (left by the code before decision 13's change, which reserved
    the key first) holds the key for STALE_RESERVATION, then is taken over."""
    system = system_token[0]
    fingerprint = request_fingerprint("POST /api/referrals", {"a": 1})
    known = {"system": system, "key": "k", "endpoint": "POST /api/referrals"}
    IdempotencyRecord.objects.create(**known, request_hash=fingerprint)

    fresh = idempotency_find(**known, fingerprint=fingerprint)
    IdempotencyRecord.objects.update(
        created_at=timezone.now() - STALE_RESERVATION - dt.timedelta(seconds=1)
    )
    stale = idempotency_find(**known, fingerprint=fingerprint)

    assert (fresh.outcome, stale.outcome) == (Outcome.IN_PROGRESS, Outcome.NEW)
    assert not IdempotencyRecord.objects.exists()


def test_a_key_is_stored_once_a_second_store_is_refused(clinic, system_token):
    system = system_token[0]
    fingerprint = request_fingerprint("POST /api/referrals", {"a": 1})
    known = {"system": system, "key": "k", "endpoint": "POST /api/referrals"}
    idempotency_store(**known, fingerprint=fingerprint, status_code=201, body={}, referral=None)

    with pytest.raises(IntegrityError), transaction.atomic():
        idempotency_store(**known, fingerprint=fingerprint, status_code=201, body={}, referral=None)

    assert idempotency_find(**known, fingerprint=fingerprint).outcome is Outcome.REPLAY
    assert idempotency_find(**known, fingerprint="other").outcome is Outcome.MISMATCH


def test_old_idempotency_records_are_pruned(clinic, system_token):
    system = system_token[0]
    fingerprint = request_fingerprint("POST /api/referrals", {})
    for key in ("old", "new"):
        idempotency_store(
            system=system,
            key=key,
            endpoint="x",
            fingerprint=fingerprint,
            status_code=201,
            body={},
            referral=None,
        )
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=timezone.now() - RETENTION - dt.timedelta(days=1)
    )

    assert idempotency_prune() == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]
