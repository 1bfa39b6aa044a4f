"""Database triggers that make the audit table append-only, for raw SQL as well as the ORM.

Used by the migration that installs them, and by the test suite, which must lift them for the
moment it empties the database between transactional (browser) tests.
"""

from __future__ import annotations

from typing import Any

INSTALL = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_update
           BEFORE UPDATE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
        """CREATE TRIGGER IF NOT EXISTS audit_auditevent_no_delete
           BEFORE DELETE ON audit_auditevent
           BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION audit_auditevent_refuse_change() RETURNS trigger AS $$
           BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql""",
        """CREATE OR REPLACE TRIGGER audit_auditevent_no_change
           BEFORE UPDATE OR DELETE ON audit_auditevent
           FOR EACH ROW EXECUTE FUNCTION audit_auditevent_refuse_change()""",
        # TRUNCATE skips row triggers; a statement trigger refuses it.
        """CREATE OR REPLACE TRIGGER audit_auditevent_no_truncate
           BEFORE TRUNCATE ON audit_auditevent
           FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_refuse_change()""",
    ],
}
REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_auditevent_no_update",
        "DROP TRIGGER IF EXISTS audit_auditevent_no_delete",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent",
        "DROP TRIGGER IF EXISTS audit_auditevent_no_change ON audit_auditevent",
    ],
}


def install(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in INSTALL.get(connection.vendor, []):
            cursor.execute(statement)


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for statement in REMOVE.get(connection.vendor, []):
            cursor.execute(statement)
