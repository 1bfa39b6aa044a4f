"""The number sequences every numbered record takes its number from (`core/numbering.py`)."""

from __future__ import annotations

import pytest
from django.db import transaction

from kopir.core.models import NumberSequence
from kopir.core.numbering import next_number, number_used, peek_number
from kopir.core.tests.concurrency import ON_POSTGRESQL, run_at_once


@pytest.mark.django_db
def test_a_sequence_starts_at_one_and_runs_per_scope_and_year() -> None:
    assert [next_number("test.a", 2026) for _ in range(3)] == [1, 2, 3]
    assert next_number("test.a", 2027) == 1
    assert next_number("test.b", 2026) == 1
    assert NumberSequence.objects.get(scope="test.a", year=2026).last_issued == 3


@pytest.mark.django_db
def test_a_number_taken_in_a_rolled_back_transaction_is_given_again() -> None:
    def save_that_fails() -> None:
        with transaction.atomic():
            next_number("test.a", 2026)
            raise RuntimeError("the record failed to save")

    next_number("test.a", 2026)
    with pytest.raises(RuntimeError):
        save_that_fails()
    assert next_number("test.a", 2026) == 2


@pytest.mark.django_db
def test_a_peek_takes_nothing() -> None:
    assert peek_number("test.a", 2026) == 1
    next_number("test.a", 2026)
    assert peek_number("test.a", 2026) == 2
    assert peek_number("test.a", 2026) == 2


@pytest.mark.django_db
def test_a_number_given_by_hand_is_never_issued_again_and_never_lowers_the_sequence() -> None:
    number_used("test.a", 2026, 7)
    assert next_number("test.a", 2026) == 8
    number_used("test.a", 2026, 3)
    assert next_number("test.a", 2026) == 9


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_twenty_callers_at_once_get_twenty_different_numbers(
    committing_db: None,
) -> None:
    def take(_index: int) -> int:
        with transaction.atomic():
            return next_number("test.race", 2026)

    results = run_at_once(take, 20)

    assert sorted(results) == list(range(1, 21))  # type: ignore[type-var]
