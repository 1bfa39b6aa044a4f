"""The bulk upload's file format: the documented columns, the template, and reading one row.

UTF-8 CSV (with or without a byte-order mark), commas or semicolons, a header row naming the
columns, one referral per row keyed by `external_id`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopir.assessment.services.intake import FieldProblem, PersonInput, ReferralInput
from kopir.assessment.services.referral_inputs import FindingInput, LimitationInput


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: Any  # lazily translated
    example: str


# The documented header, in this order in the template file. Only the required columns must be
# present; the others may be left out entirely or left empty in a row.
COLUMNS: tuple[Column, ...] = (
    Column(
        "external_id",
        True,
        _(
            "Your own identifier of the referral, unique in your clinic. A row whose identifier was already received is not created again."
        ),
        "MIS-2026-000451",
    ),
    Column("iin", True, _("The person's IIN, 12 digits."), "850412490216"),
    Column(
        "last_name",
        True,
        _("Surname, as in the identity document; for a registered person it must match."),
        "Сынақова",
    ),
    Column(
        "first_name",
        True,
        _("Given name, as in the identity document; for a registered person it must match."),
        "Әлия",
    ),
    Column("patronymic", False, _("Patronymic, if any."), "Қуанышқызы"),
    Column(
        "birth_date",
        True,
        _("Date of birth, YYYY-MM-DD or DD.MM.YYYY; for a registered person it must match."),
        "1985-04-12",
    ),
    Column("sex", True, _("female or male."), "female"),
    Column(
        "territory_kato",
        True,
        _("KATO code of the place of residence, 9 digits."),
        "271010000",
    ),
    Column("phone", False, _("Phone for notices (SMS)."), "+77010000000"),
    Column("email", False, _("E-mail for notices."), ""),
    Column("preferred_language", False, _("Language for notices: kk or ru."), "kk"),
    Column("purpose", True, _("primary, re_examination, change_group or change_cause."), "primary"),
    Column("route", True, _("in_person or in_absentia."), "in_absentia"),
    Column("primary_code", True, _("Main diagnosis, an ICD-10 code."), "H54.0"),
    Column("secondary_codes", False, _("Further ICD-10 codes, separated by semicolons."), "E11.3"),
    Column(
        "commission_protocol_number",
        False,
        _("Number of the medical advisory commission's protocol."),
        "ВКК-118",
    ),
    Column(
        "commission_date",
        False,
        _("Date of the commission, YYYY-MM-DD or DD.MM.YYYY."),
        "2026-11-10",
    ),
    Column("commission_conclusion", False, _("The commission's conclusion."), ""),
    Column("treatment_history", False, _("Treatment history."), ""),
    Column("rehabilitation_history", False, _("Rehabilitation history."), ""),
    Column(
        "findings",
        False,
        _(
            "Findings, separated by semicolons, each as kind:side:value:date, e.g. visual_acuity:right:0.03:2026-11-02. Leave the side empty when there is none (hba1c::8.1:2026-11-02); a written result goes in place of the value."
        ),
        "visual_acuity:right:0.03:2026-11-02;visual_acuity:left:0.02:2026-11-02",
    ),
    Column(
        "limitations",
        False,
        _(
            "Limitations of life activity, separated by semicolons, each as category:degree, e.g. orientation:2."
        ),
        "orientation:2",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
REQUIRED = tuple(column.name for column in COLUMNS if column.required)

ENCODING = "utf-8-sig"  # UTF-8, with or without the byte-order mark spreadsheet programs add


def template_csv() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMN_NAMES)
    writer.writerow([column.example for column in COLUMNS])
    return buffer.getvalue()


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def _date(value: str) -> dt.date:
    value = value.strip()
    iso = _ISO_DATE.fullmatch(value)
    if iso:  # the usual shape, without strptime's cost (a date that does not exist: ValueError)
        return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise ValueError(value)


def _findings(text: str, problems: list[FieldProblem]) -> list[FindingInput]:
    findings = []
    for number, item in enumerate(
        filter(None, (part.strip() for part in text.split(";"))), start=1
    ):
        parts = [part.strip() for part in item.split(":")]
        if len(parts) != 4:
            problems.append(
                FieldProblem(
                    "findings",
                    gettext("Item %(n)s: write it as kind:side:value:date.") % {"n": number},
                )
            )
            continue
        kind, side, value, day = parts
        try:
            measured_on = _date(day)
        except ValueError:
            problems.append(
                FieldProblem(
                    "findings",
                    gettext("Item %(n)s: the date is not YYYY-MM-DD or DD.MM.YYYY.")
                    % {"n": number},
                )
            )
            continue
        number_value: Decimal | None = None
        try:
            number_value = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number_value = None
        findings.append(
            FindingInput(
                kind=kind,
                measured_on=measured_on,
                side=side,
                value=number_value,
                text="" if number_value is not None else value,
            )
        )
    return findings


def _limitations(text: str, problems: list[FieldProblem]) -> list[LimitationInput]:
    limitations = []
    for number, item in enumerate(
        filter(None, (part.strip() for part in text.split(";"))), start=1
    ):
        category, _sep, degree = item.partition(":")
        if not degree.strip().isdigit():
            problems.append(
                FieldProblem(
                    "limitations",
                    gettext("Item %(n)s: write it as category:degree, e.g. orientation:2.")
                    % {"n": number},
                )
            )
            continue
        limitations.append(LimitationInput(category=category.strip(), degree=int(degree)))
    return limitations


def parse_row(
    row: dict[str, str], *, send: bool
) -> tuple[ReferralInput | None, list[FieldProblem]]:
    """One CSV row as a ReferralInput, or the problems that stop it being read."""
    value = {name: (row.get(name) or "").strip() for name in COLUMN_NAMES}
    problems = [
        FieldProblem(name, gettext("This column is required."))
        for name in REQUIRED
        if not value[name]
    ]
    dates: dict[str, dt.date | None] = {}
    for name in ("birth_date", "commission_date"):
        dates[name] = None
        if value[name]:
            try:
                dates[name] = _date(value[name])
            except ValueError:
                problems.append(
                    FieldProblem(name, gettext("Write the date as YYYY-MM-DD or DD.MM.YYYY."))
                )
    findings = _findings(value["findings"], problems)
    limitations = _limitations(value["limitations"], problems)
    if problems:
        return None, problems
    data = ReferralInput(
        person=PersonInput(
            iin=value["iin"],
            last_name=value["last_name"],
            first_name=value["first_name"],
            patronymic=value["patronymic"],
            birth_date=dates["birth_date"],
            sex=value["sex"],
            territory_kato=value["territory_kato"],
            phone=value["phone"],
            email=value["email"],
            preferred_language=value["preferred_language"],
        ),
        purpose=value["purpose"],
        route=value["route"],
        primary_code=value["primary_code"],
        secondary_codes=[
            code.strip() for code in value["secondary_codes"].split(";") if code.strip()
        ],
        commission_protocol_number=value["commission_protocol_number"],
        commission_date=dates["commission_date"],
        commission_conclusion=value["commission_conclusion"],
        treatment_history=value["treatment_history"],
        rehabilitation_history=value["rehabilitation_history"],
        findings=findings,
        limitations=limitations,
        external_id=value["external_id"],
        send=send,
    )
    return data, []


def column_of(path: str) -> tuple[str, str]:
    """The CSV column a service's field path came from, and a note on which item of a list."""
    parts = path.split(".")
    if parts[0] == "person":
        return (parts[1] if len(parts) > 1 else "iin"), ""
    if parts[0] in ("findings", "limitations") and len(parts) > 1 and parts[1].isdigit():
        return parts[0], gettext("Item %(n)s: ") % {"n": int(parts[1]) + 1}
    return parts[0], ""
