"""Reading territory reference files (KATO extracts) into checked rows, before anything is written.

A file is JSON in the `kopir-territories/1` format:

    {
      "format": "kopir-territories/1",
      "source": {"code": "...", "title": "...", "version": "...", "published": "YYYY-MM-DD",
                 "notes": "..."},
      "territories": [
        {"kato": "270000000", "level": "region", "parent": null, "name_kk": "...",
         "name_ru": "...", "name_en": "...", "code_status": "inferred"},
        ...
      ]
    }

Every problem is collected with the row number (1 = the first territory) and the field, so one run
shows the whole list of fixes a file needs instead of one error at a time.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from kopir.core.errors import DomainError
from kopir.directory.models import CodeStatus, TerritoryLevel
from kopir.directory.validators import validate_kato

FILE_FORMAT = "kopir-territories/1"
NAME_FIELDS = ("name_kk", "name_ru", "name_en")
ROW_FIELDS = frozenset({"kato", "level", "parent", "code_status", *NAME_FIELDS})
SOURCE_FIELDS = frozenset({"code", "title", "version", "published", "notes"})
NAME_MAX_LENGTH = 255


class ReferenceFileError(DomainError):
    """A reference file cannot be loaded. `errors` lists every problem found, one per line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class SourceInfo:
    code: str
    title: str
    version: str
    published: dt.date | None
    notes: str


@dataclass(frozen=True)
class TerritoryRow:
    number: int
    kato: str
    level: str
    parent: str | None
    name_kk: str
    name_ru: str
    name_en: str
    code_status: str


@dataclass(frozen=True)
class TerritoryFile:
    source: SourceInfo
    rows: list[TerritoryRow]


def _messages(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


def _row_error(number: int, field: str, message: str) -> str:
    return _("Row %(row)s, field “%(field)s”: %(message)s") % {
        "row": number,
        "field": field,
        "message": message,
    }


def _source_error(field: str, message: str) -> str:
    return _("Source, field “%(field)s”: %(message)s") % {"field": field, "message": message}


def _read_source(raw: Any, errors: list[str]) -> SourceInfo | None:
    if not isinstance(raw, Mapping):
        errors.append(_("The file has no “source” object saying where its data comes from."))
        return None
    for field in sorted(set(raw) - SOURCE_FIELDS):
        errors.append(_source_error(field, _("This field is not known.")))
    values: dict[str, str] = {}
    for field in ("code", "title", "version", "notes"):
        value = raw.get(field, "")
        if not isinstance(value, str):
            errors.append(_source_error(field, _("It must be text.")))
            value = ""
        values[field] = value.strip()
        if field != "notes" and not values[field]:
            errors.append(_source_error(field, _("It is required.")))
    if values["code"]:
        try:
            validate_slug(values["code"])
        except ValidationError as error:
            errors.append(_source_error("code", _messages(error)))
    published: dt.date | None = None
    raw_published = raw.get("published")
    if raw_published not in (None, ""):
        try:
            published = dt.date.fromisoformat(str(raw_published))
        except ValueError:
            errors.append(_source_error("published", _("It must be a date as YYYY-MM-DD.")))
    return SourceInfo(published=published, **values)


def _check_kato_text(
    number: int, field: str, value: Any, errors: list[str], *, not_text: str
) -> None:
    """A KATO code must come as text: a JSON number would silently lose leading zeros
    ("000000000" becomes 0)."""
    if not isinstance(value, str):
        errors.append(_row_error(number, field, not_text))
        return
    try:
        validate_kato(value)
    except ValidationError as error:
        errors.append(_row_error(number, field, _messages(error)))


def _read_row(number: int, raw: Any, errors: list[str]) -> TerritoryRow | None:
    if not isinstance(raw, Mapping):
        errors.append(_("Row %(row)s: it must be an object with named fields.") % {"row": number})
        return None
    before = len(errors)
    for field in sorted(set(raw) - ROW_FIELDS):
        errors.append(_row_error(number, field, _("This field is not known.")))

    kato = raw.get("kato")
    _check_kato_text(number, "kato", kato, errors, not_text=_("It must be text (in quotes)."))

    level = raw.get("level")
    if level not in TerritoryLevel.values:
        errors.append(
            _row_error(
                number,
                "level",
                _("“%(value)s” is not a level; use one of: %(choices)s.")
                % {"value": level, "choices": ", ".join(TerritoryLevel.values)},
            )
        )

    parent = raw.get("parent")
    if parent is not None:
        _check_kato_text(
            number, "parent", parent, errors, not_text=_("It must be text (in quotes) or null.")
        )
        if isinstance(parent, str) and parent == kato:
            errors.append(_row_error(number, "parent", _("A territory cannot contain itself.")))

    code_status = raw.get("code_status", CodeStatus.VERIFIED)
    if code_status not in CodeStatus.values:
        errors.append(
            _row_error(
                number,
                "code_status",
                _("“%(value)s” is not a code status; use one of: %(choices)s.")
                % {"value": code_status, "choices": ", ".join(CodeStatus.values)},
            )
        )

    names: dict[str, str] = {}
    for field in NAME_FIELDS:
        value = raw.get(field)
        if not isinstance(value, str) or not value.strip():
            errors.append(_row_error(number, field, _("It is required.")))
            value = ""
        elif len(value.strip()) > NAME_MAX_LENGTH:
            errors.append(
                _row_error(
                    number,
                    field,
                    _("It is longer than %(limit)s characters.") % {"limit": NAME_MAX_LENGTH},
                )
            )
        names[field] = value.strip()

    if len(errors) > before:
        return None
    return TerritoryRow(
        number=number,
        kato=str(kato),
        level=str(level),
        parent=parent,
        code_status=str(code_status),
        **names,
    )


def parse_territory_data(data: Any) -> TerritoryFile:
    """Check a decoded file completely; raise ReferenceFileError listing every problem."""
    errors: list[str] = []
    if not isinstance(data, Mapping):
        raise ReferenceFileError([_("The file must hold one JSON object.")])
    if data.get("format") != FILE_FORMAT:
        errors.append(
            _("The file format must be “%(expected)s”, not “%(given)s”.")
            % {"expected": FILE_FORMAT, "given": data.get("format", "")}
        )
    source = _read_source(data.get("source"), errors)
    raw_rows = data.get("territories")
    if not isinstance(raw_rows, list) or not raw_rows:
        errors.append(_("The file has no “territories” list, or the list is empty."))
        raw_rows = []

    rows: list[TerritoryRow] = []
    first_row_of: dict[str, int] = {}
    for number, raw in enumerate(raw_rows, start=1):
        row = _read_row(number, raw, errors)
        if row is None:
            continue
        if row.kato in first_row_of:
            errors.append(
                _row_error(
                    number,
                    "kato",
                    _("The code %(code)s is already used in row %(first)s.")
                    % {"code": row.kato, "first": first_row_of[row.kato]},
                )
            )
            continue
        first_row_of[row.kato] = number
        rows.append(row)

    errors.extend(_cycle_errors(rows))
    if errors or source is None:
        raise ReferenceFileError(errors)
    return TerritoryFile(source=source, rows=rows)


def _cycle_errors(rows: list[TerritoryRow]) -> list[str]:
    """Rows whose chain of parents inside the file comes back to themselves."""
    parent_of = {row.kato: row.parent for row in rows}
    errors = []
    for row in rows:
        seen = {row.kato}
        current = row.parent
        while current is not None and current in parent_of:
            if current in seen:
                errors.append(
                    _row_error(
                        row.number,
                        "parent",
                        _("The chain of parents comes back to this territory."),
                    )
                )
                break
            seen.add(current)
            current = parent_of[current]
    return errors


def read_territory_file(path: Path) -> TerritoryFile:
    if path.suffix.lower() != ".json":
        raise ReferenceFileError(
            [
                _("Only JSON territory files (.json) can be loaded; %(name)s is not one.")
                % {"name": path.name}
            ]
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReferenceFileError(
            [_("The file %(name)s cannot be read: %(reason)s") % {"name": path, "reason": error}]
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReferenceFileError(
            [
                _("The file is not valid JSON (line %(line)s, column %(column)s): %(reason)s")
                % {"line": error.lineno, "column": error.colno, "reason": error.msg}
            ]
        ) from error
    return parse_territory_data(data)
