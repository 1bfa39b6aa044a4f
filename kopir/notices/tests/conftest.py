"""Fixtures for the notices tests: immediate tasks, a test template, recipients of each kind."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory
from kopir.people.models import Person
from kopir.people.tests.factories import PersonFactory

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE = "notices_test/greeting"


@pytest.fixture(autouse=True)
def _notices_test_settings(settings: Any) -> None:
    settings.KOPIR_REQUIRE_2FA = False
    settings.KOPIR_DEMO = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.KOPIR_SMS_BACKEND = "kopir.notices.sms.OutboxSmsBackend"
    templates = [dict(engine) for engine in django_settings.TEMPLATES]
    templates[0]["DIRS"] = [TEMPLATES_DIR]
    settings.TEMPLATES = templates


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def clinic(db: None) -> Organisation:
    return OrganisationFactory.create(email="clinic@example.test", phone="+77112000000")


@pytest.fixture
def other_clinic(db: None) -> Organisation:
    return OrganisationFactory.create(email="other@example.test")


@pytest.fixture
def person(db: None) -> Person:
    return PersonFactory.create(email="person@example.test", phone="", preferred_language="ru")


@pytest.fixture
def sms_person(db: None) -> Person:
    return PersonFactory.create(email="", phone="+77011234567", preferred_language="kk")


@pytest.fixture
def administrator(db: None) -> User:
    return UserFactory.create(roles=[Role.ADMINISTRATOR])


@pytest.fixture
def clinician(clinic: Organisation) -> User:
    return UserFactory.create(organisation=clinic, roles=[Role.CLINICIAN])


@pytest.fixture
def outsider(other_clinic: Organisation) -> User:
    return UserFactory.create(organisation=other_clinic, roles=[Role.CLINICIAN])
