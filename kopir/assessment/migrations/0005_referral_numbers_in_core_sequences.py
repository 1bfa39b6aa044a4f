# Referral numbers move from assessment's own counter to core's number sequences: each year's
# counter is copied (never below the highest number already on a referral), then the old table
# goes.

from django.db import migrations

SCOPE = "assessment.referral"  # kopir.assessment.services.referral_routing.REFERRAL_SEQUENCE


def copy_counters(apps, schema_editor):
    ReferralCounter = apps.get_model("assessment", "ReferralCounter")
    Referral = apps.get_model("assessment", "Referral")
    NumberSequence = apps.get_model("core", "NumberSequence")
    last = {counter.year: counter.last_number for counter in ReferralCounter.objects.all()}
    for number in Referral.objects.values_list("number", flat=True).iterator():
        # "MSE-<year>-<nnnnnn>"; anything else was not issued by the counter.
        parts = number.split("-")
        if len(parts) == 3 and parts[0] == "MSE" and parts[1].isdigit() and parts[2].isdigit():
            year, issued = int(parts[1]), int(parts[2])
            last[year] = max(last.get(year, 0), issued)
    for year, issued in last.items():
        NumberSequence.objects.update_or_create(
            scope=SCOPE, year=year, defaults={"last_issued": issued}
        )


def copy_back(apps, schema_editor):
    ReferralCounter = apps.get_model("assessment", "ReferralCounter")
    NumberSequence = apps.get_model("core", "NumberSequence")
    for sequence in NumberSequence.objects.filter(scope=SCOPE):
        ReferralCounter.objects.update_or_create(
            year=sequence.year, defaults={"last_number": sequence.last_issued}
        )


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0004_attachment_release'),
        ('core', '0003_number_sequences'),
    ]

    operations = [
        migrations.RunPython(copy_counters, copy_back),
        migrations.DeleteModel(
            name='ReferralCounter',
        ),
    ]
