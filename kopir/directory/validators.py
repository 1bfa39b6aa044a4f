"""Validators for the directory's own codes and contacts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

KATO_LENGTH = 9


def validate_kato(value: str) -> None:
    """A KATO code is exactly 9 digits (AB CD EF HIJ, docs/domain/identifiers.md §3)."""
    code = (value or "").strip()
    if not code.isdigit():
        raise ValidationError(_("A KATO code contains digits only."), code="not_digits")
    if len(code) != KATO_LENGTH:
        raise ValidationError(
            _("A KATO code is exactly 9 digits; %(count)s given."),
            code="length",
            params={"count": len(code)},
        )


PHONE_CHARACTERS = frozenset("+0123456789 ()-")
# E.164 allows at most 15 digits; a Kazakh number written +7 7xx xxx xx xx has 11. Fewer than 10
# digits cannot be dialled from another city, and the SMS gateway needs the whole number.
PHONE_MIN_DIGITS = 10
PHONE_MAX_DIGITS = 15


def validate_phone(value: str) -> None:
    """A phone number an SMS gateway can dial: digits, optionally "+", spaces, brackets, hyphens."""
    phone = (value or "").strip()
    if not phone:
        return
    digits = sum(character.isdigit() for character in phone)
    if any(character not in PHONE_CHARACTERS for character in phone) or not (
        PHONE_MIN_DIGITS <= digits <= PHONE_MAX_DIGITS
    ):
        raise ValidationError(_("Enter a phone number like +7 701 234 56 78."), code="phone")
