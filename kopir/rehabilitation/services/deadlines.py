"""Deadlines of the measures: the stored at-risk and overdue flags, and escalation by tiers.

The sweep (`measures_sweep_deadlines`, run daily by the worker) walks the open measures by id in
batches and sets the flags with conditional bulk UPDATEs, so a work list filters on indexed columns
and the sweep never holds more than one batch of ids in memory:

- overdue: the due date has passed (due_on < today);
- at risk: due today or within `at_risk_working_days` working days (default 3);
- neither otherwise, and neither once the measure is closed. A measure that is no longer overdue
  (its due date moved: a redirect, a new schedule) also drops its escalation tier, because the
  clock that was missed is not the one running now.

An overdue measure is escalated one tier per period: tier 1 on the first sweep after the due date,
tier n+1 no sooner than `escalation_interval_working_days` working days after tier n, up to tier 3.
Who hears of each tier (docs/domain/rehabilitation.md §8):

1. the officer who took the measure on (their own staff address), or, when nobody has taken it on,
   the executing organisation at its contact address for notices;
2. the head of the executing organisation: its contact address for notices, whose responsible
   person answers for its correspondence (directory.Organisation.contact_name);
3. the regional department: the organisation the executing organisation reports to
   (`Organisation.parent`, at its contact address), or, where none is recorded, the MSE division
   that issued the programme, which then follows the measure up.

Every step is idempotent and safe in two workers at once: each UPDATE carries in its WHERE what it
changes (a flag that is already right is not written, a tier is claimed only from the value read),
so a second run, or a second worker that waited on the row lock, changes nothing and queues no
second notice. Each batch is one transaction: its flags, the claim of its escalations, and their
notices, events and audit records, written in bulk (a few statements a batch, not three writes a
measure: one COPY a table on PostgreSQL, `core/bulk.py`), so a million measures are swept in
well under a minute, a quarter's escalations at once included (docs/performance.md).

Each escalated measure keeps a notice of its own (not a digest per organisation): the notice is
what the outbox shows about that measure (`related`), what is retried or failed on its own, and
what the recipient answers about one measure. What makes thousands of them cheap is that their
text is rendered once per organisation, tier and way of telling (languages, format, channel) and
each notice gets its own measure's name, number, programme, due date and days late written in
(`notices.services.NoticeDraft.fill`). The batch's measures are read as rows of the columns the
notices, events and audit records need, and its organisations and officers once each.

`measure_refresh_flags(measure)` recomputes one measure's flags; services that change `due_on` or
close a measure call it in their transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import Ref, audit_record_many
from kopir.core.text import reader_language
from kopir.core.working_days import add_working_days, subtract_working_days
from kopir.directory.models import Organisation
from kopir.notices.services import (
    NoticeDraft,
    Recipient,
    notice_queue_many,
    organisation_recipient,
    staff_recipient,
)
from kopir.rehabilitation import events
from kopir.rehabilitation.models import Measure
from kopir.rehabilitation.models.execution import OPEN_MEASURE_STATUSES
from kopir.rehabilitation.notice_topics import ESCALATIONS
from kopir.rehabilitation.services import staff_alerts

TOP_TIER = 3
# 5,000 ids a batch: on PostgreSQL with 200,000 measures the flag pass took 3.2 s against 6.4 s
# with 1,000 (fewer round trips), and a batch's ids stay a few dozen kilobytes.
BATCH_SIZE = 5000

# Defaults; a deployment sets them in its environment (KOPIR_MEASURE_* in .env.example, read into
# settings.REHABILITATION_DEADLINES). No statutory figure exists for either
# (docs/domain/rehabilitation.md §4, §8): they are Kopir's defaults.
DEFAULTS: dict[str, int] = {"at_risk_working_days": 3, "escalation_interval_working_days": 3}


@dataclass(frozen=True)
class DeadlinePolicy:
    at_risk_working_days: int
    escalation_interval_working_days: int

    @classmethod
    def current(cls) -> DeadlinePolicy:
        values = {**DEFAULTS, **getattr(settings, "REHABILITATION_DEADLINES", {})}
        return cls(
            at_risk_working_days=int(values["at_risk_working_days"]),
            escalation_interval_working_days=int(values["escalation_interval_working_days"]),
        )


@dataclass(frozen=True)
class _Clock:
    """What a run compares with, computed once: the calendar is read once, not per row."""

    today: dt.date
    now: dt.datetime
    risk_until: dt.date  # due on or before this date (and not overdue): at risk
    escalated_before: dt.datetime  # the last tier was reached before this moment: next tier due

    @classmethod
    def of(cls, today: dt.date, now: dt.datetime, policy: DeadlinePolicy) -> _Clock:
        last_day = subtract_working_days(today, policy.escalation_interval_working_days)
        zone = timezone.get_default_timezone()
        return cls(
            today=today,
            now=now,
            risk_until=add_working_days(today, policy.at_risk_working_days),
            escalated_before=dt.datetime.combine(
                last_day + dt.timedelta(days=1), dt.time(), tzinfo=zone
            ),
        )


@dataclass
class SweepRun:
    batches: int = 0
    flagged: int = 0  # rows whose flags changed
    escalated: dict[int, int] = field(default_factory=dict)  # measure id → tier reached

    def __str__(self) -> str:
        return (
            f"{self.batches} batches, {self.flagged} flags changed, {len(self.escalated)} escalated"
        )


def _apply_flags(rows: QuerySet[Measure], clock: _Clock) -> int:
    """Set the flags of `rows` from their status and due date; write only rows that change."""
    is_open = Q(status__in=OPEN_MEASURE_STATUSES)
    changed = rows.filter(is_open, due_on__lt=clock.today).exclude(overdue=True, at_risk=False)
    count = changed.update(overdue=True, at_risk=False)
    count += (
        rows.filter(is_open, due_on__gte=clock.today, due_on__lte=clock.risk_until)
        .filter(Q(at_risk=False) | Q(overdue=True) | Q(escalation_tier__gt=0))
        .update(at_risk=True, overdue=False, escalation_tier=0, escalated_at=None)
    )
    # Not due soon: on time again. The tier goes with the missed clock.
    count += (
        rows.filter(is_open, due_on__gt=clock.risk_until)
        .filter(Q(at_risk=True) | Q(overdue=True) | Q(escalation_tier__gt=0))
        .update(at_risk=False, overdue=False, escalation_tier=0, escalated_at=None)
    )
    # Closed: no flag; the tier it reached stays as a record of how late it got.
    count += (
        rows.exclude(is_open)
        .filter(Q(at_risk=True) | Q(overdue=True))
        .update(at_risk=False, overdue=False)
    )
    return count


def measure_refresh_flags(measure: Measure, *, today: dt.date | None = None) -> Measure:
    """Recompute one measure's flags from what is stored now, and refresh the instance.

    Call it in the transaction of a service that changed the measure's due date or closed it
    (a redirect, a new schedule, a delivery, a dispute), after the change is saved.
    """
    today = today or timezone.localdate()
    clock = _Clock.of(today, timezone.now(), DeadlinePolicy.current())
    _apply_flags(Measure.objects.filter(pk=measure.pk), clock)
    measure.refresh_from_db(
        fields=["at_risk", "overdue", "escalation_tier", "escalated_at", "due_on", "status"]
    )
    return measure


def _batches(batch_size: int) -> Iterator[tuple[int, int]]:
    """(after, last) id bounds of each batch of every measure, by keyset on id."""
    after = 0
    while True:
        ids = list(
            Measure.objects.filter(id__gt=after)
            .order_by("id")
            .values_list("id", flat=True)[:batch_size]
        )
        if not ids:
            return
        yield after, ids[-1]
        after = ids[-1]


def escalation_recipient(
    *, tier: int, organisation: Organisation, officer: Any, division: Organisation
) -> Recipient:
    """Who hears of `tier` of a measure `organisation` holds (see the module's docstring)."""
    if tier == 1 and officer is not None and officer.is_active:
        return staff_recipient(officer)
    if tier <= 2:
        return organisation_recipient(organisation)
    return organisation_recipient(organisation.parent or division)


def _due_for_escalation(after: int, last: int, clock: _Clock) -> QuerySet[Measure]:
    return Measure.objects.filter(
        id__gt=after,
        id__lte=last,
        status__in=OPEN_MEASURE_STATUSES,
        due_on__lt=clock.today,
        escalation_tier__lt=TOP_TIER,
    ).filter(Q(escalation_tier=0) | Q(escalated_at__lt=clock.escalated_before))


# What the escalation of a measure reads: its event's payload, who to tell, and the notice's lines.
_ESCALATION_COLUMNS = (
    *events.MEASURE_PAYLOAD_COLUMNS,
    "officer_id",
    "programme__division_id",
    "measure_type__name_kk",
    "measure_type__name_ru",
    "measure_type__name_en",
)


def _measure_name(row: dict[str, Any]) -> str:
    """The measure's name in the language being rendered (as `MeasureType.name` gives it)."""
    language = reader_language()
    return str(row.get(f"measure_type__name_{language}") or row["measure_type__name_kk"])


def _days_late(days: int) -> str:
    return ngettext("%(days)s day late", "%(days)s days late", days) % {"days": days}


def _escalation_drafts(rows: list[dict[str, Any]], clock: _Clock) -> list[NoticeDraft]:
    """One notice a measure. The text is shared by the measures of one organisation at one tier
    told the same way (rendered once, `NoticeDraft.fill`); each notice gets its measure's own
    name, number, programme, due date and days late."""
    organisations = Organisation.objects.select_related("parent").in_bulk(
        {row["organisation_id"] for row in rows} | {row["programme__division_id"] for row in rows}
    )
    officers = User.objects.in_bulk(
        {
            row["officer_id"]
            for row in rows
            if row["officer_id"] is not None and row["escalation_tier"] == 1
        }
    )
    contexts: dict[tuple[int, int], dict[str, Any]] = {}
    drafts: list[NoticeDraft] = []
    for row in rows:
        tier = row["escalation_tier"]
        escalation = ESCALATIONS[tier]
        organisation = organisations[row["organisation_id"]]
        context = contexts.setdefault(
            (tier, organisation.pk), {"tier": tier, "organisation": organisation}
        )
        drafts.append(
            NoticeDraft(
                recipient=escalation_recipient(
                    tier=tier,
                    organisation=organisation,
                    officer=officers.get(row["officer_id"]),
                    division=organisations[row["programme__division_id"]],
                ),
                template=escalation.template,
                context=context,
                fill={
                    "measure_name": partial(_measure_name, row),
                    "measure_number": row["id"],
                    "programme_number": row["programme__number"],
                    "due_on": row["due_on"].strftime("%d.%m.%Y"),
                    "days_late": partial(_days_late, (clock.today - row["due_on"]).days),
                },
                topic=escalation.key,
                related=Ref.of(Measure, row["id"]),
                concerns=organisation,
            )
        )
    return drafts


def _escalate_batch(after: int, last: int, clock: _Clock) -> list[dict[str, Any]]:
    """Claim the next tier of every measure of the batch due for one, and tell each tier's
    recipient: the caller's transaction holds the claim, the notices, the events and the audit
    records together, so they commit or roll back as one. Returns the escalated measures' rows
    (`_ESCALATION_COLUMNS`, with the tier reached).

    The claim: the due measures are read and locked (FOR UPDATE on PostgreSQL; SQLite's
    IMMEDIATE transaction already holds the one write lock). A second worker on the same batch
    waits for the lock, then finds the rows no longer due (PostgreSQL re-reads a locked row's
    conditions once the lock is granted), so it claims, sends and records nothing.

    Only the columns the notices, events and audit records need are read, as plain rows; the
    batch's organisations and officers are read once each.
    """
    due = _due_for_escalation(after, last, clock).order_by("id")
    if connection.features.has_select_for_update:
        due = due.select_for_update(of=("self",))
    rows = list(due.values(*_ESCALATION_COLUMNS))
    if not rows:
        return rows
    claimed = _due_for_escalation(after, last, clock).filter(pk__in=[row["id"] for row in rows])
    if claimed.update(escalation_tier=F("escalation_tier") + 1, escalated_at=clock.now) != len(
        rows
    ):
        # Cannot happen while the rows are locked; if it ever did, nothing of the batch is kept.
        raise RuntimeError("the escalation claim changed under its lock")
    for row in rows:
        row["escalation_tier"] += 1
    drafts = _escalation_drafts(rows, clock)
    events.publish_many("measure.escalated", rows)
    staff_alerts.measures_escalated(rows)
    # Last: the audit chain's lock is held from the first record to the commit.
    notices = notice_queue_many(drafts=drafts, channel=AuditChannel.TASK)
    audit_record_many(
        actor=None,
        action=AuditAction.UPDATE,
        entries=[
            (
                Ref.of(Measure, row["id"]),
                f"overdue: escalated to tier {row['escalation_tier']}"
                + ("" if notice.channel else " (no address on record)"),
            )
            for row, notice in zip(rows, notices, strict=True)
        ],
        channel=AuditChannel.TASK,
        fields=["escalation_tier", "escalated_at"],
    )
    return rows


def measures_sweep_deadlines(
    *,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    batch_size: int = BATCH_SIZE,
) -> SweepRun:
    """Set every measure's flags, then escalate the overdue ones due for their next tier.

    One transaction a batch: its flags, its claims, and the notices, events and audit records of
    its escalations (each written with a few bulk INSERTs, not one by one).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    clock = _Clock.of(today, now, DeadlinePolicy.current())
    run = SweepRun()
    for after, last in _batches(batch_size):
        run.batches += 1
        with transaction.atomic():
            run.flagged += _apply_flags(Measure.objects.filter(id__gt=after, id__lte=last), clock)
            for row in _escalate_batch(after, last, clock):
                run.escalated[row["id"]] = row["escalation_tier"]
    return run


def tier_label(tier: int) -> Any:
    return {
        0: _("Not escalated"),
        1: _("Escalated to the officer"),
        2: _("Escalated to the head of the organisation"),
        3: _("Escalated to the regional department"),
    }.get(tier, "")
