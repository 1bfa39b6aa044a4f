"""Twenty secretaries (or visitors) at once: each register still gives twenty different numbers.

Runs the real create services from twenty threads against PostgreSQL; skipped on SQLite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from kopir.accounts.models import User
from kopir.core.tests.concurrency import ON_POSTGRESQL, run_at_once_all_succeeding
from kopir.council import models as m
from kopir.council.services.letters import letter_create
from kopir.council.services.petitions import petition_register
from kopir.council.services.recommendations import recommendation_create
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.directory.models import Organisation

pytestmark = [
    ON_POSTGRESQL,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("committing_db"),
]

AT_ONCE = 20


def numbers_given_at_once(
    create: Callable[[int], object],
    register: type[m.Recommendation | m.Petition | m.Letter],
    council: m.Council,
) -> list[str]:
    """Run `create(0)` … `create(AT_ONCE - 1)` at once; every call must succeed. The numbers the
    council's register then holds, sorted as text."""
    run_at_once_all_succeeding(create, AT_ONCE)
    return sorted(register.objects.filter(council=council).values_list("number", flat=True))


def test_recommendations_drafted_at_once_get_distinct_numbers(
    council: m.Council, secretary: User, agency: Organisation
) -> None:
    numbers = numbers_given_at_once(
        lambda index: recommendation_create(
            actor=secretary, council=council, addressee=agency, text=f"Ұсыныс {index}"
        ),
        m.Recommendation,
        council,
    )

    year = timezone.localdate().year
    assert numbers == [f"{year}-{n:03d}" for n in range(1, AT_ONCE + 1)]


def test_petitions_submitted_at_once_get_distinct_numbers(council: m.Council) -> None:
    numbers = numbers_given_at_once(
        lambda index: petition_register(
            actor=None,
            council=council,
            received_on=dt.date(2026, 11, 2),
            submitted_online=True,
            petitioner_kind=m.PetitionerKind.CITIZEN,
            petitioner_name=f"Өтініш беруші {index}",
            contact_phone="+77010000000",
            subject="Пандус",
            text="Емханаға кіреберісте пандус жоқ.",
        ),
        m.Petition,
        council,
    )

    assert numbers == [f"Ө-2026-{n:04d}" for n in range(1, AT_ONCE + 1)]


def test_letters_registered_at_once_without_a_number_get_distinct_numbers(
    council: m.Council, secretary: User, agency: Organisation
) -> None:
    numbers = numbers_given_at_once(
        lambda index: letter_create(
            actor=secretary,
            council=council,
            sent_on=dt.date(2026, 5, 20),
            addressee=agency,
            subject=f"Хат {index}",
        ),
        m.Letter,
        council,
    )

    assert numbers == sorted(f"2026/{n}" for n in range(1, AT_ONCE + 1))
