"""The hash chain that makes the audit log tamper-evident.

Every record carries `row_hash`, the SHA-256 of its canonical content, and `prev_hash`, the
`row_hash` of the record before it (by id). The content hashed includes `prev_hash`, so changing,
back-dating, deleting or slipping in a record breaks the chain at a place `verify_chain` names.

What the chain cannot show on its own: an attacker who owns the database and recomputes every
hash after the record they forge or delete (the algorithm is public). Against that the head of the
chain is anchored outside the database: `audit_verify` prints the last id and hash, the operator
keeps them (the backup manifest carries them too), and `audit_verify --anchor ID:HASH` later
checks that record still stands with that hash.

The canonical form is the JSON of the columns below, keys sorted, no spaces, UTF-8. `id` is left
out on purpose: the database assigns it only during the INSERT, and the record's place in the
chain is already fixed by `prev_hash`. Anything that changes this form must add a new version tag
rather than change "v1", or every existing chain breaks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections

VERSION = "v1"
# The predecessor of the first record.
GENESIS = "0" * 64
# Any constant that no other part of Kopir uses as an advisory lock key.
POSTGRES_LOCK_KEY = 0x4B6F7069_72417564  # "KopirAud"
TABLE = "audit_auditevent"
POSTGRES_HEAD_FUNCTION = "audit_auditevent_lock_chain_head"
HASHED_COLUMNS = (
    "at",
    "actor_id",
    "actor_username",
    "organisation_id",
    "action",
    "target_type",
    "target_id",
    "channel",
    "source",
    "fields",
    "detail",
    "prev_hash",
)


def _timestamp(value: dt.datetime) -> str:
    # Microseconds always written, in UTC: both databases keep microseconds, and the same
    # instant must serialise the same way whichever time zone the reader runs in.
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def content_hash(record: Any) -> str:
    """The SHA-256 (hex) of one record's canonical content, its `prev_hash` included.

    Takes any object with the hashed attributes, so the data migration's historical model and
    the command's plain rows hash the same way as `AuditEvent`.
    """
    content: dict[str, Any] = {"v": VERSION}
    for column in HASHED_COLUMNS:
        value = getattr(record, column)
        content[column] = _timestamp(value) if column == "at" else value
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def lock_head_and_read(using: str) -> str:
    """Serialise writers of the chain, then return the hash of its last record.

    Must run inside the transaction that inserts the new record, and the lock lasts until that
    transaction ends: a second writer reading the head before the first commits would link to
    the same predecessor and fork the chain. On PostgreSQL this is a transaction-level advisory
    lock (taken, and the head read, by one database function: `install_head_function`); the
    INSERT that follows draws its id from the sequence only after the lock is taken,
    so chain order and id order agree (with READ COMMITTED, Kopir's isolation level, the head is
    read after the previous writer committed). On SQLite, Kopir's transactions take the write
    lock at BEGIN (IMMEDIATE), so writers are already serialised.

    Cost. The lock is held from the audit INSERT until the commit, so transactions that write
    audit records commit one at a time, and whatever a transaction does after its audit record
    is done under the lock. Measured on PostgreSQL 15 (2 cores, fsync on), transactions of one
    audit record, 8 concurrent writers: committing right after the record, about 1,050/s
    unchained and 640/s chained (one writer alone: 1,110/s and 800/s, one round trip more);
    with 2 ms of other work after the record, 990/s unchained and 210/s chained. On a disk busy
    enough that a commit took 13 ms, 8 writers managed 658/s unchained and 75/s chained: the
    ceiling is about one transaction per (work after the record + commit). Hence audit
    records go last in short transactions (and Kopir does not set ATOMIC_REQUESTS, which would
    hold the lock through the rendering of every page that audits a read). Taking the lock
    any later is not possible: the record must be inserted, under the lock, in the same
    transaction.
    A transaction that writes the audit record and then waits for a row another audit-writing
    transaction holds can deadlock; PostgreSQL detects it and one of them fails with an error.
    """
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {POSTGRES_HEAD_FUNCTION}()")
        else:
            cursor.execute(f"SELECT row_hash FROM {TABLE} ORDER BY id DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return row[0] if row and row[0] else GENESIS


def install_head_function(connection: Any) -> None:
    """Create the PostgreSQL function that takes the chain's lock and then reads its head.

    One round trip instead of two, and it has to be a function: a single SELECT would read the
    head in a snapshot taken before it waited for the lock, i.e. possibly before the previous
    writer committed. Inside a VOLATILE PL/pgSQL function each statement takes a fresh snapshot
    (READ COMMITTED), so the head is read after the lock is granted.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE OR REPLACE FUNCTION {POSTGRES_HEAD_FUNCTION}() RETURNS text
                VOLATILE LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_advisory_xact_lock({POSTGRES_LOCK_KEY});
                    RETURN (SELECT row_hash FROM {TABLE} ORDER BY id DESC LIMIT 1);
                END $$"""  # noqa: S608 - constants only
        )


@dataclass(frozen=True)
class Break:
    """The first place the chain is broken: the record's id and what is wrong with it."""

    id: int
    reason: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    last_id: int | None
    last_hash: str
    broken: Break | None


def _rows(using: str, after_id: int, batch_size: int) -> Iterator[Any]:
    """Every record after `after_id` in id order, fetched in keyset batches: constant memory
    however long the log, and no server-side cursor held open across batches."""
    from kopir.audit.models import AuditEvent  # here: the models module imports this one

    columns = ("id", "row_hash", *HASHED_COLUMNS)
    while True:
        batch = list(
            AuditEvent.objects.using(using)
            .filter(id__gt=after_id)
            .order_by("id")
            .values_list(*columns, named=True)[:batch_size]
        )
        yield from batch
        if len(batch) < batch_size:
            return
        after_id = batch[-1].id


def verify_chain(
    *, using: str = "default", since_id: int | None = None, batch_size: int = 5000
) -> Verdict:
    """Walk the chain in id order and return the first break, or none and how many records.

    With `since_id`, start at that record and trust the hash stored on the record before it
    (verification of the part written since the last full run).
    """
    from kopir.audit.models import AuditEvent

    expected_prev = GENESIS
    previous_prev: str | None = None
    after_id = 0
    if since_id is not None:
        before = (
            AuditEvent.objects.using(using)
            .filter(id__lt=since_id)
            .order_by("-id")
            .values_list("id", "row_hash", "prev_hash")
            .first()
        )
        if before is not None:
            after_id, expected_prev, previous_prev = before

    checked = 0
    last_id: int | None = after_id or None
    previous_id = after_id
    for row in _rows(using, after_id, batch_size):
        if not row.row_hash:
            return Verdict(
                checked,
                last_id,
                expected_prev,
                Break(row.id, "has no hash: it was inserted outside Kopir"),
            )
        if content_hash(row) != row.row_hash:
            return Verdict(
                checked,
                last_id,
                expected_prev,
                Break(row.id, "content changed: its stored hash does not match what it says"),
            )
        if row.prev_hash != expected_prev:
            if previous_prev is not None and row.prev_hash == previous_prev:
                # This record and the one before it both link to the same predecessor: the one
                # before it, sitting between the two in id order, was slipped in afterwards.
                reason = f"forged insert: it claims the predecessor that record {row.id} links to"
                return Verdict(checked, last_id, expected_prev, Break(previous_id, reason))
            return Verdict(
                checked,
                last_id,
                expected_prev,
                Break(
                    row.id,
                    "predecessor hash mismatch: a record before it was deleted, or it was "
                    "inserted out of order",
                ),
            )
        checked += 1
        last_id = previous_id = row.id
        previous_prev = row.prev_hash
        expected_prev = row.row_hash
    return Verdict(checked, last_id, expected_prev, None)
