"""Fixtures for the notices tests: immediate tasks, a test template, recipients of each kind (the
polyclinics and their clinicians are the shared cast of the registry's tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from kopir.core.tests.fixtures import immediate_tasks, no_second_factor
from kopir.people.models import Person
from kopir.people.tests.factories import PersonFactory
from kopir.people.tests.fixtures import (
    administrator,
    clinic,
    clinician,
    other_clinic,
    outsider,
    territory,
)

__all__ = [
    "administrator",
    "clinic",
    "clinician",
    "immediate_tasks",
    "no_second_factor",
    "other_clinic",
    "outsider",
    "territory",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE = "notices_test/greeting"


@pytest.fixture(autouse=True)
def _notices_test_settings(settings: Any, no_second_factor: None, immediate_tasks: None) -> None:
    settings.KOPIR_DEMO = False
    templates = [dict(engine) for engine in django_settings.TEMPLATES]
    templates[0]["DIRS"] = [TEMPLATES_DIR]
    settings.TEMPLATES = templates


@pytest.fixture
def person(db: None) -> Person:
    """A recipient by e-mail, in Russian, whom no organisation is linked to."""
    return PersonFactory.create(email="person@example.test", phone="", preferred_language="ru")


@pytest.fixture
def sms_person(db: None) -> Person:
    return PersonFactory.create(email="", phone="+77011234567", preferred_language="kk")
