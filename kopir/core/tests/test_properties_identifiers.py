"""Property tests of IIN, BIN and KATO parsing: every valid generated number is accepted, and any
text at all is either accepted as exactly its normalised ASCII digits or refused with a
ValidationError, never another exception."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kopir.core.identifiers import (
    make_bin,
    make_iin,
    normalise_identifier,
    validate_bin,
    validate_iin,
    validate_kato,
)

PROPERTY = settings(max_examples=200, deadline=None)
VALIDATORS: dict[str, Callable[[str], None]] = {
    "iin": validate_iin,
    "bin": validate_bin,
    "kato": validate_kato,
}
# Text that looks like a number: digits of every script, full-width ones, spaces and signs.
NUMBERISH = st.text(
    alphabet=st.one_of(
        st.sampled_from("0123456789 -+.\t\n"),
        st.characters(categories=["Nd"]),
        st.sampled_from("０１２３４５６７８９"),
    ),
    max_size=14,
)
ANY_TEXT = st.one_of(NUMBERISH, st.text(max_size=20), st.text(alphabet=st.characters(), max_size=5))


@PROPERTY
@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["male", "female"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_every_generated_iin_is_accepted(birth: dt.date, sex: str, serial: int) -> None:
    iin = make_iin(birth, sex, serial)
    assume(iin is not None)
    assert iin is not None

    validate_iin(iin)


@PROPERTY
@given(
    registered=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)),
    entity_type=st.sampled_from([4, 5, 6]),
    attribute=st.integers(min_value=0, max_value=9),
    serial=st.integers(min_value=0, max_value=99999),
)
def test_every_generated_bin_is_accepted(
    registered: dt.date, entity_type: int, attribute: int, serial: int
) -> None:
    number = make_bin(registered, entity_type, attribute, serial)
    assume(number is not None)
    assert number is not None

    validate_bin(number)


@PROPERTY
@given(code=st.from_regex(r"\A[0-9]{9}\Z"))
def test_every_nine_digit_kato_code_is_accepted(code: str) -> None:
    validate_kato(code)


@PROPERTY
@given(kind=st.sampled_from(sorted(VALIDATORS)), text=ANY_TEXT)
def test_any_text_is_accepted_as_ascii_digits_or_refused_with_a_validation_error(
    kind: str, text: str
) -> None:
    value = normalise_identifier(text)
    refusal: ValidationError | None = None
    try:
        VALIDATORS[kind](value)
    except ValidationError as error:
        refusal = error
    if refusal is not None:
        assert refusal.messages
        assert all(e.code for e in refusal.error_list)
        return
    # Accepted: the stored form is exactly ASCII digits, of the identifier's length.
    assert value.isascii()
    assert value.isdigit()
    assert len(value) == (9 if kind == "kato" else 12)
