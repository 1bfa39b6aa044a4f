"""The IIN rules of docs/domain/identifiers.md §1, checked with the published vectors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from kopir.core.identifiers import (
    check_digit,
    checksum_ok,
    iin_hint,
    make_iin,
    normalise_identifier,
    typed_iin,
    validate_bin,
    validate_iin,
    validate_kato,
)


@pytest.mark.parametrize("iin", ["791028302728", "061211600012"])
def test_published_valid_iins_are_accepted(iin: str) -> None:
    validate_iin(iin)
    assert checksum_ok(iin)


def test_an_iin_for_which_both_weightings_give_ten_is_refused_as_never_issued() -> None:
    assert check_digit("82121424009") is None
    with pytest.raises(ValidationError) as error:
        validate_iin("821214240092")
    assert error.value.code == "unissuable"


def test_all_zeros_is_refused_although_its_checksum_passes() -> None:
    assert checksum_ok("000000000000")
    with pytest.raises(ValidationError) as error:
        validate_iin("000000000000")
    assert error.value.code == "century_digit"


@pytest.mark.parametrize("value", ["79102830272", "7910283027281", ""])
def test_a_wrong_length_is_refused(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_iin(value)
    assert error.value.code in {"length", "not_digits"}


@pytest.mark.parametrize("value", ["79102830272A", "7910-2830272", "791028 30272"])
def test_non_digits_are_refused(value: str) -> None:
    with pytest.raises(ValidationError) as error:
        validate_iin(value)
    assert error.value.code == "not_digits"


def test_a_single_typo_is_caught_by_the_check_digit() -> None:
    with pytest.raises(ValidationError) as error:
        validate_iin("791028302729")
    assert error.value.code == "checksum"


def test_a_date_of_birth_that_does_not_match_is_never_a_reason_to_refuse() -> None:
    # 28.10.1979 encoded, but decree No. 853 (2013) lets an IIN differ from the real birth date:
    # validation looks at the digits only, and the decoded date is only a hint.
    validate_iin("791028302728")
    hint = iin_hint("791028302728")
    assert hint.birth_date == dt.date(1979, 10, 28)
    assert hint.sex == "male"


def test_an_impossible_date_in_the_iin_gives_no_hint_but_is_not_refused() -> None:
    number = next(
        n
        for serial in range(1, 50)
        if (n := _with_digits("991399", "3", serial)) is not None and checksum_ok(n)
    )
    validate_iin(number)
    assert iin_hint(number).birth_date is None


def _with_digits(date_digits: str, century: str, serial: int) -> str | None:
    first = f"{date_digits}{century}{serial:04d}"
    digit = check_digit(first)
    return None if digit is None else f"{first}{digit}"


@pytest.mark.parametrize(
    ("birth_date", "sex", "century_digit"),
    [
        (dt.date(1955, 1, 31), "male", "3"),
        (dt.date(1955, 1, 31), "female", "4"),
        (dt.date(2012, 7, 1), "male", "5"),
        (dt.date(2012, 7, 1), "female", "6"),
    ],
)
def test_made_up_iins_are_valid_and_agree_with_the_date_and_sex(
    birth_date: dt.date, sex: str, century_digit: str
) -> None:
    numbers = [n for serial in range(1, 40) if (n := make_iin(birth_date, sex, serial))]
    assert numbers
    for number in numbers:
        validate_iin(number)
        assert number[6] == century_digit
        assert iin_hint(number).birth_date == birth_date
        assert iin_hint(number).sex == sex


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.mark.parametrize(
    ("validate", "number"),
    [(validate_iin, "791028302728"), (validate_bin, "061240012340"), (validate_kato, "271010000")],
)
def test_digits_of_other_scripts_are_refused_however_valid_the_number(
    validate: Callable[[str], None], number: str
) -> None:
    validate(number)
    for script in (FULL_WIDTH, ARABIC_INDIC):
        # str.isdigit() and int() accept both: the number would pass and be stored twice.
        with pytest.raises(ValidationError) as refused:
            validate(number.translate(script))
        assert refused.value.code == "foreign_digits"
    assert not checksum_ok("791028302728".translate(FULL_WIDTH))


def test_full_width_digits_are_read_as_ascii_and_other_scripts_kept_for_refusal() -> None:
    assert normalise_identifier(" ７９１０２８３０２７２８ ") == "791028302728"
    assert normalise_identifier("٧٩١٠٢٨٣٠٢٧٢٨") == "٧٩١٠٢٨٣٠٢٧٢٨"


def test_an_iin_typed_into_a_form_loses_its_spaces_and_dashes_and_is_checked() -> None:
    assert typed_iin(" 791028 302-728 ") == "791028302728"
    with pytest.raises(ValidationError) as error:
        typed_iin("791028 302729")
    assert error.value.code == "checksum"
