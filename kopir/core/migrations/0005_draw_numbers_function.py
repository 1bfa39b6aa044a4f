"""The PostgreSQL function behind `core.numbering.draw_numbers` (a sequence per scope and year)."""

from django.db import migrations

from kopir.core import numbering


def install(apps, schema_editor):
    numbering.install_draw_function(schema_editor.connection)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"DROP FUNCTION IF EXISTS {numbering.DRAW_FUNCTION}(text, text, integer, integer)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_worker_heartbeats"),
    ]

    operations = [migrations.RunPython(install, drop)]
