"""BIN validation (kopir.core.identifiers): the vectors the directory relies on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kopir.core.identifiers import check_digit, make_bin, validate_bin


def _generated_bins() -> list[str]:
    numbers = []
    for serial in range(1, 40):
        number = make_bin(dt.date(2010, 5, 1), 4, 0, serial)
        if number:
            numbers.append(number)
    return numbers


def _refusal(value: str) -> ValidationError:
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        validate_bin(value)
    return raised.value


@pytest.mark.parametrize("number", _generated_bins())
def test_a_bin_made_with_the_check_digit_is_accepted(number: str) -> None:
    validate_bin(number)


@pytest.mark.parametrize(("entity_type", "attribute"), [(4, 0), (4, 1), (5, 2), (6, 3)])
def test_every_entity_type_and_attribute_can_be_composed_and_accepted(
    entity_type: int, attribute: int
) -> None:
    number = make_bin(dt.date(2021, 3, 1), entity_type, attribute, 123)
    assert number is not None
    validate_bin(number)


def test_a_wrong_check_digit_is_refused_as_a_typo() -> None:
    number = _generated_bins()[0]
    wrong = number[:11] + str((int(number[11]) + 1) % 10)
    error = _refusal(wrong)
    assert error.code == "checksum"
    assert "check digit" in error.messages[0]


@pytest.mark.parametrize("value", ["10054000001", "1005400000123"])
def test_a_number_that_is_not_twelve_digits_long_is_refused_with_its_length(value: str) -> None:
    error = _refusal(value)
    assert error.code == "length"
    assert "exactly 12 digits" in error.messages[0]
    assert f"{len(value)} given" in error.messages[0]


def test_an_empty_bin_is_refused_as_not_digits() -> None:
    assert _refusal("").code == "not_digits"


def test_letters_in_a_bin_are_refused() -> None:
    error = _refusal("10054000001A")
    assert error.code == "not_digits"
    assert "digits only" in error.messages[0]


@pytest.mark.parametrize("fifth_digit", "0123789")
def test_a_fifth_digit_other_than_4_5_or_6_is_refused(fifth_digit: str) -> None:
    first_eleven = f"1005{fifth_digit}0000012"[:11]
    digit = check_digit(first_eleven) or 0
    error = _refusal(f"{first_eleven}{digit}")
    assert error.code == "entity_type"
    assert "5th digit" in error.messages[0]


def test_a_number_with_no_possible_check_digit_is_refused_as_never_issued() -> None:
    for serial in range(100_000):
        first_eleven = f"100540{serial:05d}"
        if check_digit(first_eleven) is None:
            break
    else:  # pragma: no cover - such serials exist (about one in 121)
        pytest.fail("no unissuable serial found")
    error = _refusal(f"{first_eleven}0")
    assert error.code == "unissuable"
    assert make_bin(dt.date(2010, 5, 1), 4, 0, serial) is None
