"""Validators for the directory's own codes."""

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
