"""The seeded catalogue's Russian legal basis names the career centre as the glossary does
(«карьерный центр»): 0005 copied «центр карьеры» from the seed file into the seeded catalogue's
measures; an administrator's own text, or another version's, is left alone."""

from django.db import migrations

OLD = "Социальный кодекс Республики Казахстан, ст. 98 (центр карьеры); квота: Социальный кодекс"
NEW = "Социальный кодекс Республики Казахстан, ст. 98 (карьерный центр); квота: Социальный кодекс"


def seeded_measures(apps):
    MeasureType = apps.get_model("rehabilitation", "MeasureType")
    return MeasureType.objects.filter(catalogue__number=1, catalogue__based_on__isnull=True)


def rename(apps, schema_editor):
    seeded_measures(apps).filter(legal_source_ru=OLD).update(legal_source_ru=NEW)


def rename_back(apps, schema_editor):
    seeded_measures(apps).filter(legal_source_ru=NEW).update(legal_source_ru=OLD)


class Migration(migrations.Migration):
    dependencies = [("rehabilitation", "0008_texts_in_the_readers_language")]

    operations = [migrations.RunPython(rename, rename_back)]
