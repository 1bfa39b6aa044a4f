"""Twenty referrals created at the same moment get twenty different numbers, none waiting on
another for its number.

Runs `referral_create` from twenty threads against PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import pytest

from kopir.accounts.models import User
from kopir.assessment.models import Referral
from kopir.assessment.tests.clinic_fixtures import days_ago, make_referral
from kopir.core.tests.concurrency import ON_POSTGRESQL, run_at_once_all_succeeding
from kopir.people.models import Person

pytestmark = [
    ON_POSTGRESQL,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committing_db", "icd10", "demo_rules"),
]

AT_ONCE = 20


def test_referrals_created_at_once_get_distinct_numbers(
    clinician: User, person: Person, division: object
) -> None:
    run_at_once_all_succeeding(lambda _index: make_referral(clinician, person), AT_ONCE)

    year = days_ago(0).year
    numbers = sorted(Referral.objects.values_list("number", flat=True))
    # The register's sequence outlives the flushed tables of earlier tests: the numbers are
    # consecutive, wherever they start.
    first = int(numbers[0].rsplit("-", 1)[1])
    assert numbers == [f"MSE-{year}-{n:06d}" for n in range(first, first + AT_ONCE)]
