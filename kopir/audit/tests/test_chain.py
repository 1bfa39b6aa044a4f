"""The audit log's hash chain: every kind of tampering by the database's owner is found, at the
right record, and concurrent writers never fork the chain."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from kopir.audit import chain, triggers
from kopir.audit.models import AuditAction, AuditEvent, AuditLogIsAppendOnly
from kopir.audit.services import audit_deferred, audit_record, audit_record_many
from kopir.core.bulk import COPY_FROM

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"
)


def _three_records() -> list[AuditEvent]:
    return [
        audit_record(actor=None, action=AuditAction.SEARCH, detail=f"search {n}") for n in range(3)
    ]


def _verify(*args: str) -> str:
    """audit_verify's output when the chain is whole; raises CommandError when it is not."""
    from io import StringIO

    out = StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def _broken_at(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        _verify(*args)
    assert raised.value.returncode == 1
    return str(raised.value)


@pytest.fixture
def as_database_owner() -> Iterator[None]:
    """The attacker owns the database: they lift the append-only triggers, tamper, and put the
    triggers back."""
    triggers.remove(connection)
    yield
    triggers.install(connection)


def _sql(statement: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _forge(*, record_id: int | None, prev_hash: str, row_hash: str | None, at: dt.datetime) -> int:
    """Insert an audit record with plain SQL, as an attacker would, and return its id."""
    values = SimpleNamespace(
        at=at,
        actor_id=None,
        actor_username="ghost",
        organisation_id=None,
        action="view",
        target_type="people.person",
        target_id="1",
        channel="web",
        source="",
        fields=[],
        detail="",
        prev_hash=prev_hash,
    )
    computed = chain.content_hash(values) if row_hash is None else row_hash
    fields = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    columns = "at, actor_username, action, target_type, target_id, channel, source, fields, detail, prev_hash, row_hash"
    params: list[Any] = [
        connection.ops.adapt_datetimefield_value(at),
        "ghost",
        "view",
        "people.person",
        "1",
        "web",
        "",
        "[]",
        "",
        prev_hash,
        computed,
    ]
    placeholders = f"%s, %s, %s, %s, %s, %s, %s, {fields}, %s, %s, %s"
    if record_id is not None:
        columns = "id, " + columns
        placeholders = "%s, " + placeholders
        params.insert(0, record_id)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO audit_auditevent ({columns}) VALUES ({placeholders})",  # noqa: S608
            params,
        )
        cursor.execute("SELECT MAX(id) FROM audit_auditevent")
        return int(record_id or cursor.fetchone()[0])


def _skip_one_id() -> None:
    """Leave a gap in the ids, as a rolled-back transaction does on PostgreSQL."""
    if connection.vendor == "postgresql":
        _sql("SELECT nextval(pg_get_serial_sequence('audit_auditevent', 'id'))", [])
    else:
        _sql("UPDATE sqlite_sequence SET seq = seq + 1 WHERE name = 'audit_auditevent'", [])


def test_each_record_links_to_the_hash_of_the_one_before():
    first, second, third = _three_records()

    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.row_hash
    assert third.prev_hash == second.row_hash
    third.refresh_from_db()
    assert third.row_hash == chain.content_hash(third)


def test_a_bulk_append_continues_the_chain_in_id_order_and_verifies():
    first, second, third = _three_records()
    with transaction.atomic():
        appended = audit_record_many(
            actor=None,
            action=AuditAction.UPDATE,
            entries=[(first, "bulk one"), (second, "bulk two"), (third, "bulk three")],
            channel="task",
            fields=["b", "a"],
        )
    after = audit_record(actor=None, action=AuditAction.SEARCH)

    stored = list(AuditEvent.objects.order_by("id"))
    assert [e.pk for e in stored] == [
        first.pk,
        second.pk,
        third.pk,
        *(e.pk for e in appended),
        after.pk,
    ]
    assert [e.detail for e in stored[3:6]] == ["bulk one", "bulk two", "bulk three"]
    assert stored[3].target_id == str(first.pk)
    assert stored[3].fields == ["a", "b"]
    assert [e.prev_hash for e in stored[1:]] == [e.row_hash for e in stored[:-1]]
    assert f"7 records checked. Head: {after.pk}:{after.row_hash}" in _verify()


def _audited_then_failed(target: AuditEvent | None) -> None:
    with transaction.atomic(), audit_deferred():
        audit_record(actor=None, action=AuditAction.UPDATE, target=target, detail="dropped")
        raise RuntimeError("the write failed and rolled back")


def test_deferred_records_go_in_at_the_end_of_the_block_in_order_and_verify():
    first, _second, _third = _three_records()
    with transaction.atomic(), audit_deferred():
        held = audit_record(actor=None, action=AuditAction.UPDATE, target=first, detail="one")
        # Inside the block nothing is written yet: the chain's lock is not taken.
        assert held.pk is None
        assert AuditEvent.objects.count() == 3
        audit_record_many(
            actor=None, action=AuditAction.UPDATE, entries=[(first, "two"), (first, "three")]
        )
        with pytest.raises(RuntimeError):
            _audited_then_failed(first)
        audit_record(actor=None, action=AuditAction.UPDATE, target=first, detail="four")

    stored = list(AuditEvent.objects.order_by("id"))
    assert held.pk is not None
    assert [e.detail for e in stored[3:]] == ["one", "two", "three", "four"]
    assert [e.prev_hash for e in stored[1:]] == [e.row_hash for e in stored[:-1]]
    assert "7 records checked." in _verify()


def test_deferred_records_of_a_failed_block_are_never_written():
    with pytest.raises(RuntimeError):
        _audited_then_failed(None)

    assert AuditEvent.objects.count() == 0
    audit_record(actor=None, action=AuditAction.SEARCH)
    assert AuditEvent.objects.count() == 1


def test_a_bulk_append_of_many_records_keeps_id_order_chain_order():
    # More than core.bulk.COPY_FROM: on PostgreSQL the ids are drawn first and the rows COPied.
    first, _second, _third = _three_records()
    count = COPY_FROM + 5
    with transaction.atomic():
        appended = audit_record_many(
            actor=None,
            action=AuditAction.UPDATE,
            entries=[(first, f"bulk {n}") for n in range(count)],
            channel="task",
            fields=["escalation_tier"],
        )
    stored = list(AuditEvent.objects.order_by("id"))[3:]
    assert [e.pk for e in stored] == [e.pk for e in appended]
    assert [e.detail for e in stored] == [f"bulk {n}" for n in range(count)]
    assert {tuple(e.fields) for e in stored} == {("escalation_tier",)}
    assert [e.row_hash for e in stored] == [e.row_hash for e in appended]
    assert f"{count + 3} records checked." in _verify()


def test_bulk_create_is_refused_so_nothing_skips_the_chain():
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.bulk_create([AuditEvent(action=AuditAction.VIEW)])
    assert audit_record_many(actor=None, action=AuditAction.VIEW, entries=[]) == []


def test_a_whole_chain_is_reported_with_its_length_and_head():
    *_, last = _three_records()

    assert _verify() == f"Audit chain intact: 3 records checked. Head: {last.pk}:{last.row_hash}\n"


def test_an_empty_log_is_whole():
    assert "0 records checked" in _verify()


def test_a_record_inserted_with_sql_is_found_as_forged():
    first, *_ = _three_records()

    forged = _forge(record_id=None, prev_hash="", row_hash="", at=first.at)

    assert _broken_at() == (
        f"Audit chain broken at record {forged}: has no hash: it was inserted outside Kopir. "
        "3 records before it are intact."
    )


def test_a_forged_record_with_a_correct_hash_slipped_into_a_gap_is_found(as_database_owner):
    first = audit_record(actor=None, action=AuditAction.SEARCH)
    _skip_one_id()
    second = audit_record(actor=None, action=AuditAction.SEARCH)

    # The attacker computes the hash exactly as Kopir does and back-dates the record.
    forged = _forge(
        record_id=first.pk + 1,
        prev_hash=first.row_hash,
        row_hash=None,
        at=first.at - dt.timedelta(days=30),
    )

    assert first.pk < forged < second.pk
    assert _broken_at().startswith(f"Audit chain broken at record {forged}: forged insert")


def test_a_deleted_record_is_found_at_the_record_after_it(as_database_owner):
    _first, second, third = _three_records()

    _sql("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])

    assert _broken_at().startswith(
        f"Audit chain broken at record {third.pk}: predecessor hash mismatch"
    )


def test_a_changed_detail_is_found_at_the_changed_record(as_database_owner):
    _first, second, _third = _three_records()

    _sql("UPDATE audit_auditevent SET detail = 'nothing happened' WHERE id = %s", [second.pk])

    assert _broken_at().startswith(f"Audit chain broken at record {second.pk}: content changed")


def test_a_back_dated_record_is_found(as_database_owner):
    _first, second, third = _three_records()

    earlier = connection.ops.adapt_datetimefield_value(second.at - dt.timedelta(days=365))
    _sql("UPDATE audit_auditevent SET at = %s WHERE id = %s", [earlier, third.pk])

    assert _broken_at().startswith(f"Audit chain broken at record {third.pk}: content changed")


def test_since_id_checks_only_the_records_from_that_id_on(as_database_owner):
    first, second, _third = _three_records()
    _sql("UPDATE audit_auditevent SET detail = 'x' WHERE id = %s", [first.pk])

    assert "2 records checked" in _verify("--since-id", str(second.pk))
    assert _broken_at("--since-id", str(first.pk)).startswith(
        f"Audit chain broken at record {first.pk}"
    )


def test_an_anchored_head_finds_records_cut_from_the_end(as_database_owner):
    *_, last = _three_records()
    anchor = f"{last.pk}:{last.row_hash}"
    assert "3 records checked" in _verify("--anchor", anchor)

    # Removing the last record leaves a whole, shorter chain: only the anchor shows the cut.
    _sql("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])

    assert "2 records checked" in _verify()
    assert _broken_at("--anchor", anchor) == (
        f"Audit chain broken at record {last.pk}: the anchored record is missing: the log was "
        "rewritten or cut after it."
    )


def test_the_migration_chains_records_written_before_it(as_database_owner):
    from importlib import import_module

    _first, _second, third = _three_records()
    _sql("UPDATE audit_auditevent SET prev_hash = '', row_hash = ''", [])
    assert "has no hash" in _broken_at()

    migration = import_module("kopir.audit.migrations.0003_hash_chain")
    # The models as the migration sees them; of the schema editor it needs only the connection.
    state = MigrationLoader(connection).project_state(("audit", "0003_hash_chain"))
    migration.chain_existing_records(state.apps, SimpleNamespace(connection=connection))

    assert "3 records checked" in _verify()
    assert AuditEvent.objects.get(pk=third.pk).row_hash == third.row_hash


def test_verification_reads_in_batches_and_finds_the_break_past_the_first_batch(
    as_database_owner,
):
    records = [audit_record(actor=None, action=AuditAction.VIEW) for _ in range(7)]
    _sql("UPDATE audit_auditevent SET source = '10.0.0.9' WHERE id = %s", [records[5].pk])

    verdict = chain.verify_chain(batch_size=2)

    assert verdict.broken == chain.Break(
        records[5].pk, "content changed: its stored hash does not match what it says"
    )
    assert verdict.checked == 5


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_on_postgresql_keep_the_chain_linear(
    committing_db,
):
    # Half the writers append one record a transaction, half three at once (the bulk path).
    writers, records_each = 6, 15
    target = audit_record(actor=None, action=AuditAction.VIEW, detail="target")
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(bulk: bool) -> None:
        try:
            start.wait()
            for n in range(records_each):
                with transaction.atomic():
                    if bulk:
                        audit_record_many(
                            actor=None,
                            action=AuditAction.VIEW,
                            entries=[(target, f"{n}.{k}") for k in range(3)],
                        )
                    else:
                        audit_record(actor=None, action=AuditAction.VIEW, detail=str(n))
                    # Other work in the same transaction widens the window for a fork.
                    _sql("SELECT pg_sleep(0.002)", [])
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n % 2 == 1,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = 1 + (writers // 2) * records_each * (1 + 3)
    assert AuditEvent.objects.count() == total
    hashes = list(AuditEvent.objects.order_by("id").values_list("prev_hash", "row_hash"))
    # Linear: every record links to the record before it by id, and no two share a predecessor.
    assert [prev for prev, _ in hashes] == [chain.GENESIS] + [own for _, own in hashes[:-1]]
    assert f"{total} records checked" in _verify()
