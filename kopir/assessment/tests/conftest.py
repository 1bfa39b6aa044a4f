"""Fixtures shared by the assessment app's tests. Each helper's fixtures live in their own module
and are re-exported here, so every test module can use them by name."""

from typing import Any

import pytest

from kopir.assessment.tests.clinic_fixtures import *  # noqa: F403
from kopir.assessment.tests.division_fixtures import *  # noqa: F403
from kopir.assessment.tests.intake_fixtures import *  # noqa: F403
from kopir.core.tests.fixtures import clock as clock
from kopir.core.tests.fixtures import english_messages as english_messages
from kopir.core.tests.fixtures import immediate_tasks as immediate_tasks
from kopir.core.tests.fixtures import no_second_factor as no_second_factor

# The registry's clinicians, built on this app's own polyclinics (clinic_fixtures).
from kopir.people.tests.fixtures import clinician as clinician
from kopir.people.tests.fixtures import outsider as outsider


@pytest.fixture(autouse=True)
def _settings(settings: Any, tmp_path: Any, no_second_factor: None, english_messages: None) -> None:
    """These tests assert English messages; the second factor is tested in accounts. Uploaded
    documents go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
