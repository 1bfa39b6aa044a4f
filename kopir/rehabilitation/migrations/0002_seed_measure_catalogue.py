"""Seed the first, active measure catalogue from data/measure_catalogue.json (the measures of
docs/domain/rehabilitation.md §7 and the rules that suggest them). Later changes are made by an
administrator as new catalogue versions, never by editing this file."""

import json
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "measure_catalogue.json"


def _decimal(value):
    return None if value is None else Decimal(str(value))


def seed(apps, schema_editor):
    MeasureCatalogue = apps.get_model("rehabilitation", "MeasureCatalogue")
    MeasureType = apps.get_model("rehabilitation", "MeasureType")
    SuggestionRule = apps.get_model("rehabilitation", "SuggestionRule")
    if MeasureCatalogue.objects.exists():
        return
    data = json.loads(DATA.read_text(encoding="utf-8"))
    catalogue = MeasureCatalogue.objects.create(status="active", **data["catalogue"])
    by_code = {}
    for row in data["measures"]:
        row = dict(row)
        for name in ("default_quantity", "max_quantity"):
            row[name] = _decimal(row[name])
        by_code[row["code"]] = MeasureType.objects.create(catalogue=catalogue, **row)
    for row in data["suggestion_rules"]:
        row = dict(row)
        measure = by_code[row.pop("measure")]
        row["quantity"] = _decimal(row["quantity"])
        SuggestionRule.objects.create(catalogue=catalogue, measure_type=measure, **row)


def unseed(apps, schema_editor):
    MeasureCatalogue = apps.get_model("rehabilitation", "MeasureCatalogue")
    MeasureCatalogue.objects.filter(number=1, based_on__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rehabilitation", "0001_programmes_measures_and_catalogue")]

    operations = [migrations.RunPython(seed, unseed)]
