"""The catalogue's reference texts (titles, legal bases, notes, suggestion reasons) and the quota
bands' legal basis in Kazakh and Russian beside the English; the seeded rows get theirs."""

from django.db import migrations, models

from kopir.rehabilitation.seed import translate_seeded_catalogue

# The quota bands' legal basis as 0003 seeded it, and its translations.
BAND_SOURCE = (
    "Social Code of the Republic of Kazakhstan (quota of 2-4 % of headcount, employers with 50 or "
    "more employees); bands as in the 2016 quota rules"
)
BAND_SOURCE_KK = (
    "Қазақстан Республикасының Әлеуметтік кодексі (квота — қызметкерлер санының 2-4 %, 50 және "
    "одан көп қызметкері бар жұмыс берушілер); топтар 2016 жылғы квота қағидаларындағыдай"
)
BAND_SOURCE_RU = (
    "Социальный кодекс Республики Казахстан (квота 2-4 % от численности работников, для "
    "работодателей с численностью 50 и более работников); группы — как в правилах квотирования "
    "2016 года"
)


def translate(apps, schema_editor):
    translate_seeded_catalogue(
        apps.get_model("rehabilitation", "MeasureCatalogue"),
        apps.get_model("rehabilitation", "MeasureType"),
        apps.get_model("rehabilitation", "SuggestionRule"),
    )
    apps.get_model("rehabilitation", "QuotaBand").objects.filter(
        legal_source=BAND_SOURCE
    ).update(legal_source_kk=BAND_SOURCE_KK, legal_source_ru=BAND_SOURCE_RU)


class Migration(migrations.Migration):

    dependencies = [
        ('rehabilitation', '0004_handoff_tracked_message'),
    ]

    operations = [
        migrations.AddField(
            model_name='measurecatalogue',
            name='legal_source_kk',
            field=models.CharField(blank=True, max_length=500, verbose_name='legal basis in Kazakh'),
        ),
        migrations.AddField(
            model_name='measurecatalogue',
            name='legal_source_ru',
            field=models.CharField(blank=True, max_length=500, verbose_name='legal basis in Russian'),
        ),
        migrations.AddField(
            model_name='measurecatalogue',
            name='notes_kk',
            field=models.TextField(blank=True, verbose_name='notes in Kazakh'),
        ),
        migrations.AddField(
            model_name='measurecatalogue',
            name='notes_ru',
            field=models.TextField(blank=True, verbose_name='notes in Russian'),
        ),
        migrations.AddField(
            model_name='measurecatalogue',
            name='title_kk',
            field=models.CharField(blank=True, max_length=200, verbose_name='title in Kazakh'),
        ),
        migrations.AddField(
            model_name='measurecatalogue',
            name='title_ru',
            field=models.CharField(blank=True, max_length=200, verbose_name='title in Russian'),
        ),
        migrations.AddField(
            model_name='measuretype',
            name='legal_source_kk',
            field=models.CharField(blank=True, max_length=500, verbose_name='legal basis in Kazakh'),
        ),
        migrations.AddField(
            model_name='measuretype',
            name='legal_source_ru',
            field=models.CharField(blank=True, max_length=500, verbose_name='legal basis in Russian'),
        ),
        migrations.AddField(
            model_name='quotaband',
            name='legal_source_kk',
            field=models.CharField(blank=True, max_length=500, verbose_name='legal basis in Kazakh'),
        ),
        migrations.AddField(
            model_name='quotaband',
            name='legal_source_ru',
            field=models.CharField(blank=True, max_length=500, verbose_name='legal basis in Russian'),
        ),
        migrations.AddField(
            model_name='suggestionrule',
            name='reason_kk',
            field=models.CharField(blank=True, max_length=300, verbose_name='why, in Kazakh'),
        ),
        migrations.AddField(
            model_name='suggestionrule',
            name='reason_ru',
            field=models.CharField(blank=True, max_length=300, verbose_name='why, in Russian'),
        ),
        migrations.RunPython(translate, migrations.RunPython.noop),
    ]
