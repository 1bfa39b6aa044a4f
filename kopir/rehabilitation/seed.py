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


def _known(model: Any, row: dict[str, Any]) -> dict[str, Any]:
    """The row's values the model has: an early migration's historical model lacks the fields
    added later (the Kazakh and Russian texts), which a later migration fills in."""
    names = {field.name for field in model._meta.get_fields()}
    return {name: value for name, value in row.items() if name in names or name == "measure"}


def seed_data() -> dict[str, Any]:
    return dict(json.loads(DATA.read_text(encoding="utf-8")))


def seed_catalogue(catalogue_model: Any, measure_model: Any, rule_model: Any) -> bool:
    """Create the seeded, active catalogue unless any catalogue exists; True if it did."""
    if catalogue_model.objects.exists():
        return False
    data = seed_data()
    catalogue = catalogue_model.objects.create(
        status="active", **_known(catalogue_model, data["catalogue"])
    )
    by_code = {}
    for row in data["measures"]:
        values = _known(measure_model, row)
        for name in ("default_quantity", "max_quantity"):
            values[name] = _decimal(values[name])
        by_code[values["code"]] = measure_model.objects.create(catalogue=catalogue, **values)
    for row in data["suggestion_rules"]:
        values = _known(rule_model, row)
        measure = by_code[values.pop("measure")]
        values["quantity"] = _decimal(values["quantity"])
        rule_model.objects.create(catalogue=catalogue, measure_type=measure, **values)
    return True


def translate_seeded_catalogue(catalogue_model: Any, measure_model: Any, rule_model: Any) -> None:
    """Give the seeded catalogue (version 1, if it is the seed) its Kazakh and Russian texts and
    the measures' current names, in place: the seed's texts were English only."""
    catalogue = catalogue_model.objects.filter(number=1, based_on__isnull=True).first()
    if catalogue is None:
        return
    data = seed_data()
    texts = data["catalogue"]
    if catalogue.title != texts["title"]:
        return  # not the seed: an administrator's own catalogue is left alone
    for name in ("title", "legal_source", "notes"):
        for lang in ("kk", "ru"):
            setattr(catalogue, f"{name}_{lang}", texts[f"{name}_{lang}"])
    catalogue.save()
    for row in data["measures"]:
        measure_model.objects.filter(catalogue=catalogue, code=row["code"]).update(
            name_kk=row["name_kk"],
            name_ru=row["name_ru"],
            name_en=row["name_en"],
            legal_source_kk=row["legal_source_kk"],
            legal_source_ru=row["legal_source_ru"],
        )
    for row in data["suggestion_rules"]:
        rule_model.objects.filter(
            catalogue=catalogue, measure_type__code=row["measure"], reason=row["reason"]
        ).update(reason_kk=row["reason_kk"], reason_ru=row["reason_ru"])
