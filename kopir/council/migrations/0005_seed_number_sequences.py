# Petitions, recommendations and letters are numbered from core's number sequences from now on.
# Each council's sequence for each year starts from the highest number already in its register,
# so numbering continues where the old "highest plus one" left off.

import re

from django.db import migrations

# (model, sequence scope prefix, the numbers the old code gave: year and number as groups)
REGISTERS = [
    ("Petition", "council.petition", re.compile(r"Ө-(?P<year>[0-9]{4})-(?P<n>[0-9]+)")),
    ("Recommendation", "council.recommendation", re.compile(r"(?P<year>[0-9]{4})-(?P<n>[0-9]+)")),
    ("Letter", "council.letter", re.compile(r"(?P<year>[0-9]{4})/(?P<n>[0-9]+)")),
]


def seed(apps, schema_editor):
    NumberSequence = apps.get_model("core", "NumberSequence")
    for model_name, scope, pattern in REGISTERS:
        model = apps.get_model("council", model_name)
        highest: dict[tuple[str, int], int] = {}
        for council_id, number in model.objects.values_list("council_id", "number").iterator():
            match = pattern.fullmatch(number)
            if match:
                key = (f"{scope}:{council_id}", int(match["year"]))
                highest[key] = max(highest.get(key, 0), int(match["n"]))
        for (sequence, year), last in highest.items():
            NumberSequence.objects.update_or_create(
                scope=sequence, year=year, defaults={"last_issued": last}
            )


def unseed(apps, schema_editor):
    NumberSequence = apps.get_model("core", "NumberSequence")
    for _model_name, scope, _pattern in REGISTERS:
        NumberSequence.objects.filter(scope__startswith=f"{scope}:").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('council', '0004_petition_version_and_timeline'),
        ('core', '0003_number_sequences'),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
    ]
