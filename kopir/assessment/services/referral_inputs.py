"""Checking what a referral's sender gives: diagnoses, findings, limitations.

Errors are collected, not raised one by one, so a form (or an API caller) hears about every
problem at once. Keys name the field path: "primary_code", "secondary_codes", "findings.2.value",
"limitations.0.degree".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import (
    FINDING_SPECS,
    FindingKind,
    Icd10Code,
    LimitationCategory,
    LimitationDegree,
    Side,
)
from kopir.assessment.services.icd10 import icd10_codes, normalise_code


@dataclass(frozen=True)
class FindingInput:
    """One clinical finding as the sender gives it. `value` for measured kinds, `text` for
    described ones ("other_test" needs a `name`)."""

    kind: str
    measured_on: dt.date
    side: str = ""
    value: Decimal | None = None
    unit: str = ""
    text: str = ""
    name: str = ""


@dataclass(frozen=True)
class LimitationInput:
    category: str
    degree: int


class Errors:
    """Validation messages by field path, raised together."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[Any]] = {}

    def add(self, field: str, message: Any) -> None:
        self.by_field.setdefault(field, []).append(message)

    def absorb(self, error: ValidationError) -> None:
        for field, messages in error.message_dict.items():
            for message in messages:
                self.add(field, message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def check_date(
    errors: Errors, field: str, day: dt.date | None, *, required: bool, today: dt.date | None = None
) -> None:
    """A date that must not be in the future (`today` given by a caller checking many dates:
    the local date costs a time-zone conversion each time)."""
    if day is None:
        if required:
            errors.add(field, _("Enter the date."))
        return
    if day > (today or timezone.localdate()):
        errors.add(field, _("The date cannot be in the future."))


def resolve_codes(
    errors: Errors, primary_code: str, secondary_codes: Sequence[str]
) -> tuple[Icd10Code | None, list[Icd10Code]]:
    primary: Icd10Code | None = None
    if not (primary_code or "").strip():
        errors.add("primary_code", _("Enter the main diagnosis as an ICD-10 code, e.g. H54.0."))
    else:
        try:
            primary = icd10_codes([primary_code], field="primary_code")[0]
        except ValidationError as error:
            errors.absorb(error)
    secondary: list[Icd10Code] = []
    wanted = [code for code in secondary_codes if code.strip()]
    if primary is not None and primary.code in {normalise_code(code) for code in wanted}:
        errors.add(
            "secondary_codes",
            _("%(code)s is the main diagnosis: do not repeat it among the further ones.")
            % {"code": primary.code},
        )
    try:
        secondary = icd10_codes(list(dict.fromkeys(wanted)), field="secondary_codes")
    except ValidationError as error:
        errors.absorb(error)
    return primary, secondary


def _out_of_range(value: Decimal, minimum: Decimal | None, maximum: Decimal | None) -> bool:
    return (minimum is not None and value < minimum) or (maximum is not None and value > maximum)


# The choices' values, read once: an enum's `.values` and `.choices` build a new list on every
# access, and a bulk file checks thousands of findings.
_SIDES = frozenset(Side.values)
_CATEGORIES = frozenset(LimitationCategory.values)
_DEGREES = frozenset(LimitationDegree.values)


def check_findings(errors: Errors, findings: Sequence[FindingInput]) -> None:
    seen: set[tuple[str, str, str]] = set()
    today = timezone.localdate()
    for index, finding in enumerate(findings):
        path = f"findings.{index}"
        spec = FINDING_SPECS.get(finding.kind)
        if spec is None:
            errors.add(f"{path}.kind", _("Choose a kind of finding from the list."))
            continue
        label = FindingKind(finding.kind).label
        check_date(errors, f"{path}.measured_on", finding.measured_on, required=True, today=today)
        if finding.side and finding.side not in _SIDES:
            errors.add(f"{path}.side", _("Choose right, left or both."))
        elif spec.sided and finding.kind != FindingKind.LIMB_FUNCTION and not finding.side:
            errors.add(
                f"{path}.side",
                _("%(finding)s: say which %(side)s.") % {"finding": label, "side": spec.side_noun},
            )
        elif not spec.sided and finding.side:
            errors.add(f"{path}.side", _("This finding has no side: leave it empty."))
        if finding.kind == FindingKind.OTHER_TEST and not finding.name.strip():
            errors.add(f"{path}.name", _("Enter the name of the test."))
        if spec.numeric:
            if finding.value is None:
                errors.add(f"{path}.value", _("%(finding)s: enter the value.") % {"finding": label})
            elif _out_of_range(finding.value, spec.minimum, spec.maximum):
                errors.add(
                    f"{path}.value",
                    _("%(finding)s must be between %(low)s and %(high)s%(unit)s.")
                    % {
                        "finding": label,
                        "low": number_format(spec.minimum or 0),
                        "high": number_format(spec.maximum or 0),
                        "unit": f" {spec.unit}" if spec.unit else "",
                    },
                )
        elif not finding.text.strip() and finding.value is None:
            errors.add(f"{path}.text", _("%(finding)s: enter the result.") % {"finding": label})
        key = (finding.kind, finding.side, finding.name.strip().casefold())
        if finding.kind != FindingKind.OTHER_TEST and key in seen:
            errors.add(
                f"{path}.kind",
                _("%(finding)s is given twice for the same side.") % {"finding": label},
            )
        seen.add(key)


def check_limitations(errors: Errors, limitations: Sequence[LimitationInput]) -> None:
    seen: set[str] = set()
    for index, limitation in enumerate(limitations):
        path = f"limitations.{index}"
        if limitation.category not in _CATEGORIES:
            errors.add(f"{path}.category", _("Choose a category of life activity from the list."))
        elif limitation.category in seen:
            errors.add(f"{path}.category", _("Each category can be given once."))
        seen.add(limitation.category)
        if limitation.degree not in _DEGREES:
            errors.add(f"{path}.degree", _("Choose the degree: 1, 2 or 3."))


def finding_unit(finding: FindingInput) -> str:
    spec = FINDING_SPECS[finding.kind]
    return finding.unit.strip() or spec.unit
