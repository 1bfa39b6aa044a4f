"""Fixtures for rehabilitation's tests: assessment's cast (a clinic, the MSE division, its head
and experts, a person with a vision referral), an executing organisation per kind routed by
rule for the person's region, and helpers to decide a case with the real services."""

from typing import Any

import pytest

from kopir.assessment.tests.clinic_fixtures import *  # noqa: F403
from kopir.assessment.tests.division_fixtures import *  # noqa: F403
from kopir.core.tests.fixtures import english_messages as english_messages
from kopir.core.tests.fixtures import immediate_tasks as immediate_tasks
from kopir.core.tests.fixtures import no_second_factor as no_second_factor
from kopir.people.tests.fixtures import clinician as clinician
from kopir.people.tests.fixtures import outsider as outsider
from kopir.rehabilitation.models import MeasureCatalogue, MeasureType, SuggestionRule
from kopir.rehabilitation.seed import seed_catalogue
from kopir.rehabilitation.tests.fixtures import *  # noqa: F403


@pytest.fixture(autouse=True)
def _settings(
    settings: Any, tmp_path: Any, no_second_factor: None, english_messages: None, icd10: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # The migration seeds the catalogue; a transactional test run before this one flushed it.
    seed_catalogue(MeasureCatalogue, MeasureType, SuggestionRule)


from kopir.accounts.tests.fixtures import administrator as administrator  # noqa: E402
