"""Seed the first, active measure catalogue from data/measure_catalogue.json (the measures of
docs/domain/rehabilitation.md §7 and the rules that suggest them). Later changes are made by an
administrator as new catalogue versions, never by editing this file."""

from django.db import migrations

from kopir.rehabilitation.seed import seed_catalogue


def seed(apps, schema_editor):
    seed_catalogue(
        apps.get_model("rehabilitation", "MeasureCatalogue"),
        apps.get_model("rehabilitation", "MeasureType"),
        apps.get_model("rehabilitation", "SuggestionRule"),
    )


def unseed(apps, schema_editor):
    MeasureCatalogue = apps.get_model("rehabilitation", "MeasureCatalogue")
    MeasureCatalogue.objects.filter(number=1, based_on__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("rehabilitation", "0001_programmes_measures_and_catalogue")]

    operations = [migrations.RunPython(seed, unseed)]
