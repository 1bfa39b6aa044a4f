"""The first measure catalogue, from data/measure_catalogue.json (docs/domain/rehabilitation.md
§7). Used by the data migration (with its historical models) and by the demo, which re-seeds a
database emptied since migrating (a flushed test database, `manage.py flush`)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data" / "measure_catalogue.json"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def seed_catalogue(catalogue_model: Any, measure_model: Any, rule_model: Any) -> bool:
    """Create the seeded, active catalogue unless any catalogue exists; True if it did."""
    if catalogue_model.objects.exists():
        return False
    data = json.loads(DATA.read_text(encoding="utf-8"))
    catalogue = catalogue_model.objects.create(status="active", **data["catalogue"])
    by_code = {}
    for row in data["measures"]:
        values = dict(row)
        for name in ("default_quantity", "max_quantity"):
            values[name] = _decimal(values[name])
        by_code[values["code"]] = measure_model.objects.create(catalogue=catalogue, **values)
    for row in data["suggestion_rules"]:
        values = dict(row)
        measure = by_code[values.pop("measure")]
        values["quantity"] = _decimal(values["quantity"])
        rule_model.objects.create(catalogue=catalogue, measure_type=measure, **values)
    return True
