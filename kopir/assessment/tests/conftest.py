"""Fixtures shared by the assessment app's tests. Each helper's fixtures live in their own module
and are re-exported here, so every test module can use them by name."""

import pytest
from django.utils import translation

from kopir.assessment.tests.clinic_fixtures import *  # noqa: F403
from kopir.assessment.tests.division_fixtures import *  # noqa: F403
from kopir.assessment.tests.intake_fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _english_messages() -> None:
    # These tests assert the English wording of messages; a test about another language
    # switches with translation.override().
    translation.activate("en")
