"""Kazakhstan's 12-digit identifiers: IIN (persons) and BIN (organisations).

Both end in a mod-11 check digit computed with two weight vectors (docs/domain/identifiers.md §1). Since
Government decree No. 853 of 26.08.2013 an IIN need not encode the date of birth or sex, so those
digits are decoded only as a hint and never a reason to refuse a number.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Python's str.isdigit() and int() accept the digits of every script ("９", "٩"), so a number
# typed with them would pass the check digit and be stored as a different string from the same
# number in ASCII: a second record for the same person. Identifiers are ASCII 0-9 only.
ASCII_DIGITS = re.compile(r"[0-9]+")
NOT_ASCII_DIGITS = _("Use the digits 0-9: digits of other scripts are not accepted.")

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def normalise_identifier(value: str | None) -> str:
    """An identifier as typed or pasted, in the form it is stored and compared in.

    NFKC folds full-width characters (a Chinese or Japanese keyboard, a copied PDF) to ASCII, so
    "８５０４１２…" becomes "850412…"; digits of other scripts stay as they are, and the
    validators below refuse them with `NOT_ASCII_DIGITS`. Call it before validating any input.
    """
    return unicodedata.normalize("NFKC", value or "").strip()


def compact_identifier(value: str | None) -> str:
    """An identifier as typed or pasted into a form ("791028 302728", "791028-302728", full-width
    "７９１０…"), normalised (`normalise_identifier`) and without its spaces and dashes."""
    return "".join(ch for ch in normalise_identifier(value) if ch not in " \t-")


def has_foreign_digits(value: str) -> bool:
    """Whether the value holds a digit that is not ASCII 0-9 (Arabic-Indic, Devanagari, …)."""
    return any(ch.isdigit() and not ch.isascii() for ch in value)


def require_ascii_digits(value: str) -> None:
    """Refuse a number with digits of another script, or with anything but digits."""
    if has_foreign_digits(value):
        raise ValidationError(NOT_ASCII_DIGITS, code="foreign_digits")
    if not ASCII_DIGITS.fullmatch(value):
        raise ValidationError(_("It must contain digits only."), code="not_digits")


def validate_kato(value: str) -> None:
    """Refuse a value that cannot be a KATO code (9 ASCII digits)."""
    _require_digits(value, 9, _("A KATO code is exactly 9 digits; %(count)s given."))


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when both weightings give 10 (never issued)."""
    digits = [int(c) for c in first_eleven]
    remainder = sum(d * w for d, w in zip(digits, FIRST_WEIGHTS, strict=True)) % 11
    if remainder == 10:
        remainder = sum(d * w for d, w in zip(digits, SECOND_WEIGHTS, strict=True)) % 11
        if remainder == 10:
            return None
    return remainder


def checksum_ok(number: str) -> bool:
    if len(number) != 12 or not ASCII_DIGITS.fullmatch(number):
        return False
    expected = check_digit(number[:11])
    return expected is not None and expected == int(number[11])


def _require_digits(value: str, length: int, wrong_length: StrOrPromise) -> str:
    """The value trimmed, if it is `length` ASCII digits; else the reason (`%(count)s` given)."""
    number = (value or "").strip()
    require_ascii_digits(number)
    if len(number) != length:
        raise ValidationError(wrong_length, code="length", params={"count": len(number)})
    return number


def _require_check_digit(number: str) -> None:
    """Refuse twelve digits whose last is not the check digit of the first eleven (IIN, BIN)."""
    if check_digit(number[:11]) is None:
        raise ValidationError(
            _("This number is never issued (no check digit exists for it)."), code="unissuable"
        )
    if not checksum_ok(number):
        raise ValidationError(
            _("The check digit (the last one) does not match: there is a typo in the number."),
            code="checksum",
        )


def _require_twelve_digits(value: str) -> str:
    return _require_digits(value, 12, _("It must be exactly 12 digits; %(count)s given."))


def validate_iin(value: str) -> None:
    """Refuse a value that cannot be an IIN, saying why in the reader's language."""
    number = _require_twelve_digits(value)
    # Digit 7 (century and sex) is 1..6 in every IIN issued under the original rules; 0 also
    # excludes all-zero numbers, which pass the checksum.
    if number[6] == "0" or number[6] in "789":
        raise ValidationError(_("The 7th digit must be from 1 to 6."), code="century_digit")
    _require_check_digit(number)


def typed_iin(value: str | None) -> str:
    """An IIN typed into a form, without its spaces and dashes (`compact_identifier`), once it
    is checked (`validate_iin`: a ValidationError saying what is wrong with it)."""
    iin = compact_identifier(value)
    validate_iin(iin)
    return iin


def validate_bin(value: str) -> None:
    """Refuse a value that cannot be a BIN (same check digit as the IIN; digit 5 is the type)."""
    number = _require_twelve_digits(value)
    if number[4] not in "456":
        raise ValidationError(
            _("The 5th digit (the kind of entity) must be 4, 5 or 6."), code="entity_type"
        )
    _require_check_digit(number)


@dataclass(frozen=True)
class IinHint:
    """What an IIN suggests about its holder. A hint only: never compare it to decide validity."""

    birth_date: dt.date | None
    sex: str | None  # "male" / "female"


def iin_hint(iin: str) -> IinHint:
    if len(iin) != 12 or not ASCII_DIGITS.fullmatch(iin) or iin[6] not in "123456":
        return IinHint(None, None)
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[iin[6]]
    try:
        birth = dt.date(century + int(iin[0:2]), int(iin[2:4]), int(iin[4:6]))
    except ValueError:
        birth = None
    return IinHint(birth, "male" if int(iin[6]) % 2 else "female")


def make_iin(birth_date: dt.date, sex: str, serial: int) -> str | None:
    """Compose a valid IIN for synthetic data (the demo and tests); None if the serial is unissuable."""
    century_digit = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100]
    if sex == "female":
        century_digit += 1
    first = f"{birth_date:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(first)
    return None if digit is None else f"{first}{digit}"


def make_bin(registered: dt.date, entity_type: int, attribute: int, serial: int) -> str | None:
    """Compose a valid BIN for synthetic data; None if the serial is unissuable."""
    first = f"{registered:%y%m}{entity_type}{attribute}{serial:05d}"
    digit = check_digit(first)
    return None if digit is None else f"{first}{digit}"
