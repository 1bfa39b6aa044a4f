"""Fixtures for the exchange's tests: organisations and their staff, an administrator, and event
kinds of the tests' own (the publishing apps' kinds are tested in those apps)."""

from __future__ import annotations

from typing import Any

import pytest
from ninja import Schema

from kopir.accounts.models import Role
from kopir.accounts.tests.fixtures import administrator, staff_fixture
from kopir.core.tests.fixtures import no_second_factor
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange import catalogue

__all__ = ["administrator", "no_second_factor"]


class ThingPayload(Schema):
    number: str
    count: int = 0


THING = catalogue.EventKind("test.thing", "A thing happened (tests).", ThingPayload)


@pytest.fixture(autouse=True)
def _exchange_test_settings(
    settings: Any, no_second_factor: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A kind of the tests' own, gone again after each test.
    monkeypatch.setitem(catalogue._KINDS, THING.name, THING)
    settings.KOPIR_DEMO = False
    settings.KOPIR_WEBHOOK_MAX_ATTEMPTS = 4
    settings.KOPIR_WEBHOOK_BACKOFF_BASE_SECONDS = 30
    settings.KOPIR_WEBHOOK_TIMEOUT_SECONDS = 1


@pytest.fixture
def sender(db: None) -> Organisation:
    return OrganisationFactory.create(code="test-mse-division")


@pytest.fixture
def recipient(db: None) -> Organisation:
    return OrganisationFactory.create(code="test-career-centre")


@pytest.fixture
def stranger_org(db: None) -> Organisation:
    return OrganisationFactory.create(code="test-other-agency")


sender_staff = staff_fixture(Role.MSE_HEAD, of="sender")


recipient_staff = staff_fixture(Role.AGENCY_OFFICER, of="recipient")


stranger = staff_fixture(Role.AGENCY_OFFICER, of="stranger_org")


council_member = staff_fixture(Role.COUNCIL_MEMBER, of="recipient")
