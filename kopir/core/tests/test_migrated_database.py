"""The test database a process copies (kopir/core/tests/migrated_database.py) is fully migrated.

That its triggers came along is shown by kopir/audit/tests/test_audit_log.py, which runs on the
same database: raw SQL that changes an audit record is refused.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from kopir.core.tests.migrated_database import migrations_digest, template_name


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied_and_what_migrate_writes_after_them():
    executor = MigrationExecutor(connection)

    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    assert set(executor.loader.graph.nodes) <= set(executor.loader.applied_migrations)
    # A copy skips `migrate`'s post_migrate signal: the content types it wrote came with the copy.
    models = {(model._meta.app_label, model._meta.model_name) for model in apps.get_models()}
    assert models <= set(ContentType.objects.values_list("app_label", "model"))


@pytest.mark.django_db
def test_what_is_kept_is_named_by_the_state_of_the_code_shared_by_the_workers():
    digest = migrations_digest(connection)

    assert digest == migrations_digest(connection)
    assert len(digest) == 16
    if connection.vendor == "postgresql":
        # test_kopir_gw0 and test_kopir_gw1 share one template.
        assert template_name(connection, digest) == (
            connection.settings_dict["NAME"].split("_gw")[0] + f"_migrated_{digest}"
        )


@pytest.mark.django_db
def test_on_postgresql_the_test_database_commits_without_waiting_for_the_disk():
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's; CI runs this module on PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("off",)
