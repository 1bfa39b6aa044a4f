"""The standard codings beside Kopir's own in a measure's FHIR Task, read from the table
`data/fhir-task-codings.json`.

A measure is coded in Kopir's catalogue (`urn:kopir:measure`, the catalogue's codes); where a
standard terminology has a concept for the same kind of device or service, and the code was
checked in a published value set or implementation guide (docs/domain/identifiers.md §6), the
table puts it beside Kopir's coding in `Task.code` and a search by that coding finds the measure.
Rows not marked `"verified": true` are kept for review, neither written nor read. The same table
maps the standard codings of a reason for not delivering onto Kopir's reasons; Kopir's own
systems stay accepted as the fallback.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TABLE_PATH = Path(__file__).parent / "data" / "fhir-task-codings.json"


@dataclass(frozen=True)
class StandardCoding:
    system: str
    code: str
    display: str

    def as_fhir(self) -> dict[str, str]:
        return {"system": self.system, "code": self.code, "display": self.display}


@dataclass(frozen=True)
class TaskCodings:
    # Kopir's measure code → its verified standard codings.
    by_measure: dict[str, list[StandardCoding]]
    # (system, code) of a verified standard coding → Kopir's measure code.
    measures: dict[tuple[str, str], str]
    # (system, code) of a verified standard coding → Kopir's reason for not delivering.
    reasons: dict[tuple[str, str], str]
    version: str


@cache
def task_codings() -> TaskCodings:
    raw: dict[str, Any] = json.loads(TABLE_PATH.read_text(encoding="utf-8"))
    by_measure: dict[str, list[StandardCoding]] = {}
    measures: dict[tuple[str, str], str] = {}
    for row in raw["measures"]:
        if row.get("verified") is not True:
            continue
        by_measure.setdefault(row["measure"], []).append(
            StandardCoding(row["system"], row["code"], row["display"])
        )
        measures[(row["system"], row["code"])] = row["measure"]
    reasons = {
        (row["system"], row["code"]): row["reason"]
        for row in raw["not_delivered_reasons"]
        if row.get("verified") is True
    }
    return TaskCodings(
        by_measure=by_measure,
        measures=measures,
        reasons=reasons,
        version=raw["source"]["version"],
    )


def standard_codings(measure_code: str) -> list[StandardCoding]:
    return task_codings().by_measure.get(measure_code, [])


def measure_of(system: str, code: str) -> str | None:
    """Kopir's measure code for a verified standard coding, or None."""
    return task_codings().measures.get((system, code))


def reason_of(system: str, code: str) -> str | None:
    """Kopir's reason for not delivering for a verified standard coding, or None."""
    return task_codings().reasons.get((system, code))
