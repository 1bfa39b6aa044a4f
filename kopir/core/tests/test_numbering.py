"""The number sequences every numbered record takes its number from (`core/numbering.py`)."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction

from kopir.core.models import NumberSequence
from kopir.core.numbering import draw_numbers, next_number, number_used, peek_number
from kopir.core.tests.concurrency import ON_POSTGRESQL, run_at_once_all_succeeding


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

    results = run_at_once_all_succeeding(take, 20)

    assert sorted(results) == list(range(1, 21))


@pytest.mark.django_db
def test_drawn_numbers_continue_the_register_and_come_ascending_in_one_call() -> None:
    next_number("test.drawn", 2026)
    next_number("test.drawn", 2026)

    assert draw_numbers("test.drawn", 2026, 3) == [3, 4, 5]
    assert draw_numbers("test.drawn", 2026) == [6]
    assert draw_numbers("test.drawn", 2027, 2) == [1, 2]
    assert draw_numbers("test.drawn", 2026, 0) == []


def _drawn_then_failed() -> None:
    with transaction.atomic():
        draw_numbers("test.gap", 2026)
        raise RuntimeError("the record failed to save")


@ON_POSTGRESQL
@pytest.mark.django_db
def test_on_postgresql_a_rolled_back_draw_leaves_a_gap_and_holds_no_lock() -> None:
    assert draw_numbers("test.gap", 2026) == [1]
    with pytest.raises(RuntimeError):
        _drawn_then_failed()
    assert draw_numbers("test.gap", 2026) == [3]
    # The counter row is not touched: nothing stays locked until the commit.
    assert not NumberSequence.objects.filter(scope="test.gap").exists()


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
def test_twenty_callers_drawing_at_once_never_get_the_same_number(
    committing_db: None,
) -> None:
    scope = f"test.drawn-race-{uuid.uuid4().hex[:8]}"  # sequences outlive a flushed database

    def take(_index: int) -> list[int]:
        with transaction.atomic():
            return draw_numbers(scope, 2026, 5)

    results = run_at_once_all_succeeding(take, 20)

    drawn = sorted(n for batch in results for n in batch)
    assert drawn == list(range(1, 101))
