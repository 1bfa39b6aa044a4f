"""Chain the audit records: each carries its own hash and its predecessor's (see audit/chain.py).

Records written before this migration are chained here in id order. The append-only triggers are
lifted for the moment it takes and put back, in the same transaction.
"""

from django.db import migrations, models

from kopir.audit import chain, triggers

BATCH = 2000


def install_head_function(apps, schema_editor):
    chain.install_head_function(schema_editor.connection)


def drop_head_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {chain.POSTGRES_HEAD_FUNCTION}()")


def chain_existing_records(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    using = schema_editor.connection.alias
    triggers.remove(schema_editor.connection)
    previous = chain.GENESIS
    after_id = 0
    while True:
        # Keyset batches: constant memory however long the log already is.
        batch = list(
            AuditEvent.objects.using(using).filter(id__gt=after_id).order_by("id")[:BATCH]
        )
        for event in batch:
            event.prev_hash = previous
            event.row_hash = chain.content_hash(event)
            previous = event.row_hash
        AuditEvent.objects.using(using).bulk_update(batch, ["prev_hash", "row_hash"])
        if len(batch) < BATCH:
            break
        after_id = batch[-1].id
    # On SQLite adding the columns rebuilt the table, which took its triggers with it.
    triggers.install(schema_editor.connection)


def reinstall_triggers(apps, schema_editor):
    # Unapplying drops the columns, which on SQLite rebuilds the table without its triggers.
    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, reinstall_triggers),
        migrations.AddField(
            model_name='auditevent',
            name='prev_hash',
            field=models.CharField(blank=True, max_length=64, verbose_name="previous record's hash"),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='row_hash',
            field=models.CharField(blank=True, max_length=64, verbose_name='hash'),
        ),
        migrations.RunPython(chain_existing_records, migrations.RunPython.noop),
        migrations.RunPython(install_head_function, drop_head_function),
    ]
