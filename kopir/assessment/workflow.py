"""The referral's workflow as an explicit state machine: one table of allowed transitions, one
function that performs them. Every transition is a timeline event and an audit record, written in
one transaction with the status change; a stale version (someone moved the referral since it was
read) is a conflict, never an overwrite."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy

from kopir.assessment.models import Referral, ReferralEvent, ReferralStatus
from kopir.assessment.models.deadlines import StepDeadline
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record_many
from kopir.core.bulk import append_rows
from kopir.core.reference_cache import ReferenceCache

# InvalidTransition is re-exported: the referral services and views catch it from here.
from kopir.core.transitions import InvalidTransition as InvalidTransition
from kopir.core.transitions import Move, Step, declare, timeline
from kopir.core.working_days import add_working_days, working_days_between

S = ReferralStatus

# Allowed transitions: from → set of to. Who may perform each is decided in access.py.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SENT, S.WITHDRAWN}),
    S.SENT: frozenset({S.RETURNED, S.ACCEPTED}),
    S.RETURNED: frozenset({S.SENT, S.WITHDRAWN}),
    S.ACCEPTED: frozenset({S.ASSIGNED}),
    S.ASSIGNED: frozenset({S.DECIDED}),
    S.DECIDED: frozenset({S.NOTIFIED}),
    S.NOTIFIED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# Default step periods in working days, used until an administrator sets StepDeadline rows.
# All are assumptions (docs/domain/mse.md §4: the decision deadline in Order No. 260 was not found;
# Russia's federal standard is 30 calendar days, about 20 working days, for the whole procedure).
DEFAULT_STEP_DAYS: dict[str, int] = {
    S.SENT: 2,  # the MSE division accepts or returns a referral it received
    S.RETURNED: 5,  # the clinic completes and resends
    S.ACCEPTED: 1,  # the division head assigns experts
    S.ASSIGNED: 10,  # the experts decide
    S.DECIDED: 1,  # the person is notified
}
AT_RISK_WORKING_DAYS = 1


# The administrators' periods, kept per process behind a shared version (kopir.core.reference_cache);
# connected to StepDeadline's writes in AssessmentConfig.ready.
STEP_DEADLINES: ReferenceCache[dict[str, int]] = ReferenceCache("step-deadlines")


def _step_deadlines() -> dict[str, int]:
    return dict(StepDeadline.objects.values_list("status", "working_days"))  # status is unique


def step_working_days(status: str) -> int | None:
    periods = STEP_DEADLINES.get(None, _step_deadlines)
    if status in periods:
        return periods[status]
    return DEFAULT_STEP_DAYS.get(status)


def step_due_on(status: str, started_on: dt.date) -> dt.date | None:
    days = step_working_days(status)
    return None if days is None else add_working_days(started_on, days)


@dataclass(frozen=True)
class DeadlineState:
    code: str  # "on_time" | "at_risk" | "overdue" | "none"
    due_on: dt.date | None


def deadline_state(due_on: dt.date | None, today: dt.date | None = None) -> DeadlineState:
    """Whether a step is on time, at risk (its last working day has come) or overdue."""
    if due_on is None:
        return DeadlineState("none", None)
    today = today or timezone.localdate()
    if today > due_on:
        return DeadlineState("overdue", due_on)
    if working_days_between(today, due_on) <= AT_RISK_WORKING_DAYS:
        return DeadlineState("at_risk", due_on)
    return DeadlineState("on_time", due_on)


def status_label(status: str) -> str:
    return str(dict(ReferralStatus.choices).get(status, status))


def organisation_label(actor: Any) -> str:
    """How the timeline names the acting organisation (never the person who acted)."""
    organisation = getattr(actor, "organisation", None)
    return str(organisation.short_name) if organisation is not None else ""


def label_for_reader(label: str, *organisations: Any) -> str:
    """An event's stored actor label in the reader's language. The label was written in the
    language of the page (or system) that acted; when it is one of the names of an organisation
    given, the timeline names that organisation in the reader's language, else as stored."""
    for organisation in organisations:
        if organisation is None:
            continue
        names = {
            getattr(organisation, f"{field}_{language}", "")
            for field in ("short_name", "name")
            for language in ("kk", "ru", "en")
        }
        if label and label in names:
            return str(organisation.short_name)
    return label


# One empty list for every event's "missing" (append_rows encodes a shared value once).
_NOTHING_MISSING: list[Any] = []


def _event_values(move: Move) -> dict[str, Any]:
    """The columns of `move`'s timeline event (a foreign key as its id), for an instance or a
    plain row alike."""
    values = move.event_columns("referral")
    values["actor_id"] = getattr(values.pop("actor"), "pk", None)
    values["actor_label"] = move.context.get("actor_label", "")
    values["missing"] = move.context.get("missing") or _NOTHING_MISSING
    values["step_due_on"] = move.changes.get("step_due_on")
    return values


@timeline(ReferralEvent)
def _write_event(move: Move) -> None:
    ReferralEvent(**_event_values(move)).save()


def _write_events(moves: Sequence[Move]) -> None:
    """Each move's event, written as plain rows (no model instance a move)."""
    if not moves:
        return
    rows = [_event_values(move) for move in moves]
    columns = tuple(rows[0])
    append_rows(ReferralEvent, columns, [tuple(row.values()) for row in rows])


REFUSAL = gettext_lazy("A referral that is “%(from)s” cannot become “%(to)s”.")
CONFLICT = gettext_lazy(
    "Someone else changed this referral after you opened it. Nothing was saved: "
    "reload it to see the current state."
)
REFERRAL_WORKFLOW = declare(
    "assessment.referral",
    Referral,
    TRANSITIONS,
    REFUSAL,
    CONFLICT,
    _write_event,
    # A bulk file's rows sent together (`referral_send_many`).
    write_events=_write_events,
    audit_many=partial(audit_record_many, action=AuditAction.UPDATE),
)


def referral_transition(
    *,
    referral: Referral,
    to_status: str,
    actor: Any,
    expected_version: int,
    actor_label: str = "",
    note: str = "",
    missing: list[dict[str, Any]] | None = None,
    request: Any = None,
    channel: str = AuditChannel.WEB,
    changes: dict[str, Any] | None = None,
) -> Referral:
    """Move a referral to `to_status` if the table allows it and nobody moved it meanwhile.

    `changes` are further field values saved in the same update (e.g. returns_count). Returns the
    refreshed referral. Raises InvalidTransition or ConflictError; nothing is written then.
    """
    today = timezone.localdate()
    REFERRAL_WORKFLOW.transition(
        record=referral,
        to=to_status,
        actor=actor,
        expected_version=expected_version,
        changes={
            "step_started_on": today,
            "step_due_on": step_due_on(to_status, today),
            **(changes or {}),
        },
        note=note,
        context={"actor_label": actor_label, "missing": missing},
        request=request,
        channel=channel,
        # The step dates follow from the status; the audit names what the actor changed.
        audit_fields=["status", *sorted((changes or {}).keys())],
    )
    referral.refresh_from_db()
    return referral


def referral_transition_many(
    referrals: Sequence[Referral],
    *,
    to_status: str,
    actor: Any,
    actor_label: str = "",
    request: Any = None,
    channel: str = AuditChannel.WEB,
    changes: dict[int, dict[str, Any]] | None = None,
) -> list[Move]:
    """`referral_transition` for many referrals at once (`Workflow.transition_many`): each its
    own timeline event and audit record, the same step dates (read once), one check of each
    referral's stored version, which is the version the caller holds.

    `changes` are further field values per referral id. Sets each referral's new status, step
    dates, changes and version. Raises InvalidTransition or ConflictError for the whole batch.
    """
    today = timezone.localdate()
    dates = {"step_started_on": today, "step_due_on": step_due_on(to_status, today)}
    changes = changes or {}
    return REFERRAL_WORKFLOW.transition_many(
        [
            Step(
                record=referral,
                expected_version=referral.version,
                changes={**dates, **changes.get(referral.pk, {})},
                context={"actor_label": actor_label, "missing": None},
                # As referral_transition: the step dates follow from the status.
                audit_fields=("status", *sorted(changes.get(referral.pk, {}))),
            )
            for referral in referrals
        ],
        to=to_status,
        actor=actor,
        request=request,
        channel=channel,
    )
