"""One engine for every workflow: a declared table of allowed moves, and one function that makes
a move (decision 7).

A `Workflow` lists its allowed moves (`Edge`: from → to, and optionally who or what may make
it), how it writes its timeline event, and the audit writer it uses. `Workflow.transition()`
checks the record's version and the table, saves the new status with any further field changes
by one conditional UPDATE, writes the timeline event and the audit record, all in one
transaction. A refused move (not in the table, or its guard says no) raises `InvalidTransition`;
a stale version raises `ConflictError`; nothing is written either way.

Core depends on no Kopir app, so the engine does not import the audit log: the audit app hands
the engine its writer (`functools.partial(audit_record, action=AuditAction.UPDATE)`) from its
`ready()` through `set_default_audit`, and every workflow uses it unless it passes its own. The
arrows stay app → core and audit → core.

`declare()` is the compact way to build one: a name, the model, the `from → {to, ...}` table, the
refusal (a message naming the statuses, `%(from)s`, `%(to)s`, or `%(status)s` for the stored one,
filled with the status field's labels) and the conflict message; a timeline, guards, another
status field or no version column are the keywords of `Workflow`.

`Workflow.transition_many()` makes the same move for many records at once, for a step that moves
a batch in one transaction (a bulk file's rows sent together): the same table and guard checks
per record, one locked read of every record's status and version, one conditional UPDATE per
group of records that share their status, version and changes (`WHERE id IN (…) AND version =
…`), the timeline events and audit records written in bulk when the workflow gives bulk writers.
Any record it may not move refuses the whole batch, and nothing is written.

Every `Workflow` registers itself by name when it is built, so a test can walk every table there
is (`workflows()`); a new workflow is covered without anyone listing it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import F
from django.utils.functional import Promise

from kopir.core.actors import signed_in_user
from kopir.core.errors import ConflictError, DomainError

M = TypeVar("M", bound=models.Model)


class InvalidTransition(DomainError):
    """The workflow's table (or a move's guard) does not allow this move now."""


class Guard(Protocol):
    """Who or what may make a move, beyond the app's access.py: True allows it."""

    def __call__(self, *, actor: Any, record: Any, context: Mapping[str, Any]) -> bool: ...


class AuditWriter(Protocol):
    """The audit log's writer, passed in by the workflow (core may not import the audit app)."""

    def __call__(
        self,
        *,
        actor: Any,
        target: models.Model,
        request: Any,
        channel: str,
        fields: Iterable[str],
        detail: str,
    ) -> object: ...


class ManyAuditWriter(Protocol):
    """The audit log's bulk writer (`audit_record_many`), one record per `(target, detail)`."""

    def __call__(
        self,
        *,
        actor: Any,
        entries: Iterable[tuple[models.Model, str]],
        request: Any,
        channel: str,
        fields: Iterable[str],
    ) -> object: ...


@dataclass(frozen=True)
class Edge:
    """One allowed move. Without a guard, who may make it is decided by the app's access.py
    before the service is called; a guard adds a rule of the domain (e.g. "only an accepted
    answer closes a recommendation") with the message the user reads when it refuses."""

    source: str
    target: str
    guard: Guard | None = None
    refusal: str | Promise = ""


@dataclass(frozen=True)
class Move:
    """A move that is being made, as the timeline writer sees it (inside the transaction)."""

    record: models.Model
    source: str
    target: str
    actor: Any
    changes: Mapping[str, Any]
    note: str
    context: Mapping[str, Any]

    @property
    def user(self) -> Any:
        """The actor when it is a signed-in account, for the timeline's user column; None for
        the system (a task, the API's system, an anonymous citizen)."""
        return signed_in_user(self.actor)

    def event_columns(self, record: str) -> dict[str, Any]:
        """What every timeline event holds, its record (the foreign key `record`) and who moved
        it from which status to which, with the note; a writer adds its own columns."""
        return {
            f"{record}_id": self.record.pk,
            "actor": self.user,
            "from_status": self.source,
            "to_status": self.target,
            "note": self.note,
        }


@dataclass(frozen=True)
class Step:
    """One record of a `transition_many` call: the version its caller read (None when the caller
    has just written or locked it), and its own further field changes, note and context."""

    record: models.Model
    expected_version: int | None = None
    changes: Mapping[str, Any] = field(default_factory=dict)
    note: str = ""
    context: Mapping[str, Any] = field(default_factory=dict)
    # What the audit record names as changed: the status and every change when None.
    audit_fields: tuple[str, ...] | None = None


EventWriter = Callable[[Move], object]
ManyEventWriter = Callable[[Sequence[Move]], object]


def no_timeline(move: Move) -> None:
    """The event writer of a workflow whose model has no timeline: its audit record is its
    history. A workflow says so explicitly by passing this function."""


def edges(table: Mapping[str, Iterable[str]]) -> tuple[Edge, ...]:
    """Unguarded edges from a plain `from → {to, ...}` table."""
    return tuple(Edge(source, target) for source, targets in table.items() for target in targets)


_REGISTRY: dict[str, Workflow] = {}
_DEFAULT_AUDIT: list[AuditWriter] = []


def set_default_audit(writer: AuditWriter) -> None:
    """The audit writer of every workflow that names none (the audit app sets it when ready)."""
    _DEFAULT_AUDIT[:] = [writer]


def default_audit() -> AuditWriter:
    if not _DEFAULT_AUDIT:
        raise ImproperlyConfigured("no audit writer: kopir.audit is not an installed app")
    return _DEFAULT_AUDIT[0]


Refusal = Callable[[str, str], str] | str | Promise


def workflows() -> tuple[Workflow, ...]:
    """Every workflow built so far (a workflow registers itself when its module is imported)."""
    return tuple(_REGISTRY.values())


@dataclass(frozen=True)
class Workflow:
    """A state machine over one model's status field.

    `event_model` is the model `write_event` adds one row of per move; it is None exactly when
    `write_event` is `no_timeline`. `version_field` is None for a model without a version column:
    its moves are then guarded by the status alone (compare-and-set on the stored status).
    """

    name: str
    model: type[models.Model]
    edges: tuple[Edge, ...]
    refusal: Refusal
    conflict: str | Promise
    write_event: EventWriter = no_timeline
    event_model: type[models.Model] | None = None
    audit: AuditWriter | None = None  # None: the audit log's writer (`set_default_audit`)
    status_field: str = "status"
    version_field: str | None = "version"
    # Bulk writers for `transition_many`; without them it writes one event and record at a time.
    write_events: ManyEventWriter | None = None
    audit_many: ManyAuditWriter | None = None
    _table: dict[tuple[str, str], Edge] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if (self.event_model is None) != (self.write_event is no_timeline):
            raise ValueError(f"{self.name}: declare an event model, or pass no_timeline")
        unknown = {s for edge in self.edges for s in (edge.source, edge.target)} - set(self.states)
        if unknown:
            raise ValueError(f"{self.name}: unknown states {sorted(unknown)}")
        object.__setattr__(self, "_table", {(e.source, e.target): e for e in self.edges})
        if self.name in _REGISTRY:
            raise ValueError(f"a workflow named {self.name!r} is already registered")
        _REGISTRY[self.name] = self

    def _choices(self) -> list[tuple[Any, Any]]:
        status = self.model._meta.get_field(self.status_field)
        if not isinstance(status, models.Field) or not status.choices:
            raise TypeError(f"{self.name}: {self.status_field} is not a field with choices")
        return list(status.flatchoices)

    @property
    def states(self) -> tuple[str, ...]:
        """Every value the status field may hold, in the order the model declares them."""
        return tuple(str(choice) for choice, _label in self._choices())

    def label(self, status: str) -> str:
        """A status as the user reads it (its choice's label)."""
        return str(dict(self._choices()).get(status, status))

    def refuse(self, source: str, target: str) -> str:
        """The message of a move the table does not allow, in the active language."""
        if callable(self.refusal):
            return self.refusal(source, target)
        labels = {"from": self.label(source), "to": self.label(target)}
        return str(self.refusal) % {**labels, "status": labels["from"]}

    def targets(self, source: str) -> frozenset[str]:
        return frozenset(target for (start, target) in self._table if start == source)

    def allows(self, source: str, target: str) -> bool:
        return (source, target) in self._table

    def _check_move(
        self, source: str, to: str, *, actor: Any, record: Any, context: Mapping[str, Any]
    ) -> None:
        """Raise InvalidTransition unless the table (and the edge's guard) allows the move."""
        edge = self._table.get((source, to))
        if edge is None:
            raise InvalidTransition(self.refuse(source, to))
        if edge.guard is not None and not edge.guard(actor=actor, record=record, context=context):
            raise InvalidTransition(edge.refusal or self.refuse(source, to))

    def transition(
        self,
        *,
        record: M,
        to: str,
        actor: Any,
        expected_version: int | None = None,
        changes: Mapping[str, Any] | None = None,
        note: str = "",
        context: Mapping[str, Any] | None = None,
        request: Any = None,
        channel: str = "web",
        audit_fields: Iterable[str] | None = None,
        detail: str | None = None,
        durable: bool = False,
    ) -> M:
        """Move `record` to `to`, with `changes` saved in the same UPDATE.

        `expected_version` is the version the user read; None when the caller has just locked and
        read the row itself (a background step, a cascade from another record). The table is
        checked against the stored status, never the caller's copy.

        `durable=True` says this call is the outermost writer: Django then refuses to run it
        inside another transaction, where "committed" would not yet mean committed. It is a
        parameter, not detected, because detection (durable when no transaction is open) could
        never fail and so would assert nothing; most moves are one step of a larger service write
        and run nested (the default).

        Returns the caller's `record` with the new status, changes and version set.
        """
        changes = dict(changes or {})
        context = context or {}
        with transaction.atomic(durable=durable):
            columns = [self.status_field] + ([self.version_field] if self.version_field else [])
            # Locked on PostgreSQL; on SQLite the write transaction already serialises writers.
            # Either way the conditional UPDATE below is what makes the move safe.
            stored = (
                self.model._default_manager.select_for_update()
                .filter(pk=record.pk)
                .values(*columns)
                .first()
            )
            if stored is None:
                raise ConflictError(self.conflict)
            version = stored[self.version_field] if self.version_field else None
            if expected_version is not None and version != expected_version:
                raise ConflictError(self.conflict)
            source = stored[self.status_field]
            self._check_move(source, to, actor=actor, record=record, context=context)
            where: dict[str, Any] = {"pk": record.pk, self.status_field: source}
            values: dict[str, Any] = {self.status_field: to, **changes}
            if self.version_field:
                where[self.version_field] = version
                values[self.version_field] = F(self.version_field) + 1
            if self.model._default_manager.filter(**where).update(**values) != 1:
                # Someone moved it between our read and our write (SQLite takes no row lock).
                raise ConflictError(self.conflict)
            setattr(record, self.status_field, to)
            for name, value in changes.items():
                setattr(record, name, value)
            if self.version_field:
                setattr(record, self.version_field, stored[self.version_field] + 1)
            self.write_event(
                Move(
                    record=record,
                    source=source,
                    target=to,
                    actor=actor,
                    changes=changes,
                    note=note,
                    context=context,
                )
            )
            (self.audit or default_audit())(
                actor=actor,
                target=record,
                request=request,
                channel=channel,
                fields=list(audit_fields)
                if audit_fields is not None
                else [self.status_field, *sorted(changes)],
                detail=f"{source}->{to}" if detail is None else detail,
            )
        return record

    def transition_many(
        self,
        steps: Sequence[Step],
        *,
        to: str,
        actor: Any,
        request: Any = None,
        channel: str = "web",
        detail: str | None = None,
    ) -> list[Move]:
        """Move every step's record to `to`, as `transition` would one by one, in one transaction.

        Every record is checked before anything is written: one missing, stale or not allowed
        raises ConflictError or InvalidTransition for the whole batch, and nothing changes (the
        caller falls back to moving them one by one if it wants the others moved). Each record
        gets its new status, changes and version set; returns the moves in the steps' order.
        """
        if not steps:
            return []
        if len({step.record.pk for step in steps}) != len(steps):
            raise ValueError(f"{self.name}: a record appears twice in one transition_many")
        columns = ["pk", self.status_field] + ([self.version_field] if self.version_field else [])
        # Inside a caller's transaction, no savepoint (two statements fewer a call): a refusal
        # found before anything is written leaves that transaction as it was, and a failure
        # after the first write marks it for rollback.
        connection = transaction.get_connection(self.model._default_manager.db)
        with nullcontext() if connection.in_atomic_block else transaction.atomic():
            stored = {
                row["pk"]: row
                for row in self.model._default_manager.select_for_update()
                .filter(pk__in=[step.record.pk for step in steps])
                .values(*columns)
            }
            groups: dict[tuple[Any, ...], list[int]] = defaultdict(list)
            group_changes: dict[tuple[Any, ...], dict[str, Any]] = {}
            moves: list[Move] = []
            for step in steps:
                row = stored.get(step.record.pk)
                if row is None:
                    raise ConflictError(self.conflict)
                version = row[self.version_field] if self.version_field else None
                if step.expected_version is not None and version != step.expected_version:
                    raise ConflictError(self.conflict)
                source = row[self.status_field]
                self._check_move(source, to, actor=actor, record=step.record, context=step.context)
                changes = dict(step.changes)
                key: tuple[Any, ...] = (source, version, tuple(sorted(changes.items())))
                try:
                    hash(key)
                except TypeError:  # a change of unhashable value: that record's own UPDATE
                    key = (source, version, step.record.pk)
                groups[key].append(step.record.pk)
                group_changes[key] = changes
                moves.append(
                    Move(
                        record=step.record,
                        source=source,
                        target=to,
                        actor=actor,
                        changes=changes,
                        note=step.note,
                        context=step.context,
                    )
                )
            with transaction.atomic(savepoint=False):
                self._write_many(
                    [(key[0], key[1], group_changes[key], pks) for key, pks in groups.items()],
                    moves,
                    stored,
                    to=to,
                    actor=actor,
                    steps=steps,
                    request=request,
                    channel=channel,
                    detail=detail,
                )
        return moves

    def _write_many(
        self,
        groups: list[tuple[str, Any, dict[str, Any], list[int]]],
        moves: list[Move],
        stored: dict[Any, dict[str, Any]],
        *,
        to: str,
        actor: Any,
        steps: Sequence[Step],
        request: Any,
        channel: str,
        detail: str | None,
    ) -> None:
        """`transition_many`'s writes, once every move is checked: one UPDATE per group of
        (source status, version, changes, ids)."""
        for source, version, changes, pks in groups:
            where: dict[str, Any] = {"pk__in": pks, self.status_field: source}
            values: dict[str, Any] = {self.status_field: to, **changes}
            if self.version_field:
                where[self.version_field] = version
                values[self.version_field] = F(self.version_field) + 1
            if self.model._default_manager.filter(**where).update(**values) != len(pks):
                raise ConflictError(self.conflict)
        for move in moves:
            setattr(move.record, self.status_field, to)
            for name, value in move.changes.items():
                setattr(move.record, name, value)
            if self.version_field:
                row = stored[move.record.pk]
                setattr(move.record, self.version_field, row[self.version_field] + 1)
        if self.write_events is not None:
            self.write_events(moves)
        else:
            for move in moves:
                self.write_event(move)
        self._audit_many(steps, moves, actor=actor, request=request, channel=channel, detail=detail)

    def _audit_many(
        self,
        steps: Sequence[Step],
        moves: list[Move],
        *,
        actor: Any,
        request: Any,
        channel: str,
        detail: str | None,
    ) -> None:
        """The audit records `transition` writes, one per move, in bulk where the workflow can."""
        by_fields: dict[tuple[str, ...], list[tuple[models.Model, str]]] = defaultdict(list)
        for step, move in zip(steps, moves, strict=True):
            fields = step.audit_fields
            if fields is None:
                fields = (self.status_field, *sorted(move.changes))
            said = f"{move.source}->{move.target}" if detail is None else detail
            by_fields[fields].append((move.record, said))
        for fields, entries in by_fields.items():
            if self.audit_many is not None:
                self.audit_many(
                    actor=actor, entries=entries, request=request, channel=channel, fields=fields
                )
                continue
            for record, said in entries:
                (self.audit or default_audit())(
                    actor=actor,
                    target=record,
                    request=request,
                    channel=channel,
                    fields=list(fields),
                    detail=said,
                )


def timeline(event_model: type[models.Model]) -> Callable[[EventWriter], EventWriter]:
    """Marks an event writer with the model it adds one row of per move, for `declare()`."""

    def mark(writer: EventWriter) -> EventWriter:
        setattr(writer, "event_model", event_model)  # noqa: B010 - a function's attribute
        return writer

    return mark


def declare(
    name: str,
    model: type[models.Model],
    table: Mapping[str, Iterable[str]],
    refusal: Refusal,
    conflict: str | Promise,
    write_event: EventWriter = no_timeline,
    **options: Any,
) -> Workflow:
    """A workflow of unguarded moves from a plain `from → {to, ...}` table. `write_event` is the
    workflow's timeline writer, marked with its model by `@timeline(Model)` (none: the audit
    record is the history); `options` are the further keywords of `Workflow` (another status
    field, no version column)."""
    return Workflow(
        name=name,
        model=model,
        edges=edges(table),
        refusal=refusal,
        conflict=conflict,
        write_event=write_event,
        event_model=getattr(write_event, "event_model", None),
        **options,
    )
