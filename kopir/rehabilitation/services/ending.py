"""A programme ends when a later decision no longer establishes disability.

A decision changed on appeal to "not established", or a re-examination that no longer establishes
disability, leaves the person with no programme to execute (docs/domain/rehabilitation.md §1: the
IRP follows the MSE decision). In the decision's transaction (assessment's `decision_recorded`):

- the programme's approved version, and any draft waiting for approval, become "ended", with the
  decision that ended them; no version follows;
- each open measure (assigned, accepted, scheduled) leaves the executing organisations' work
  lists through the measure's workflow, to its terminal state "cancelled", with the reason on its
  timeline; a measure already delivered or reported not delivered stays as it was;
- each organisation that held an open measure is told through `notices`, and its systems get
  `rehabilitation.measure.cancelled` through the exchange's outbox; the handoff's open message is
  withdrawn and the organisation's link to the person goes unless it holds another live measure
  of that person (`routing.holder_release`).

A later decision that establishes disability again starts a new version from the suggestion rules
(`programme_draft_on_decision`): there is no approved version left to copy.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from kopir.assessment.models import Decision, DecisionBasis, Outcome
from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.rehabilitation import events
from kopir.rehabilitation.models import (
    Measure,
    MeasureStatus,
    Programme,
    ProgrammeVersion,
    ProgrammeVersionStatus,
)
from kopir.rehabilitation.models.execution import OPEN_MEASURE_STATUSES, MeasureNote, note_text
from kopir.rehabilitation.notice_topics import MEASURE_CLOSED
from kopir.rehabilitation.services.routing import holder_release, notify_holder
from kopir.rehabilitation.workflow import MEASURE_WORKFLOW

V = ProgrammeVersionStatus


def ending_code(decision: Decision) -> str:
    """Why the programme ended, as the timeline's note code (MeasureNote)."""
    if decision.basis == DecisionBasis.APPEAL:
        return MeasureNote.ENDED_ON_APPEAL
    return MeasureNote.ENDED


def ending_reason(decision: Decision) -> str:
    """Why the programme ended, in plain words (the active language)."""
    return note_text(ending_code(decision), {})


def programme_end_on_decision(
    *, programme: Programme, decision: Decision, actor: Any, request: Any = None
) -> list[Measure]:
    """End `programme` because `decision` does not establish disability (see the module's
    docstring); the measures closed, in their programme order. Inside the decision's
    transaction."""
    if decision.outcome == Outcome.ESTABLISHED:
        raise ValueError("only a decision that does not establish disability ends a programme")
    now = timezone.now()
    closed: list[Measure] = []
    with transaction.atomic():
        versions = list(
            ProgrammeVersion.objects.select_for_update()
            .filter(programme=programme, status__in=(V.DRAFT, V.APPROVED))
            .order_by("sequence")
        )
        if not versions:
            return closed
        ProgrammeVersion.objects.filter(pk__in=[v.pk for v in versions]).update(
            status=V.ENDED, ended_at=now, ended_by_decision=decision, version=F("version") + 1
        )
        for version in versions:
            audited(
                version,
                AuditAction.UPDATE,
                ["status", "ended_at", "ended_by_decision"],
                actor=actor,
                request=request,
                detail=f"ended;programme={programme.number};decision={decision.pk}",
            )
        measures = (
            Measure.objects.filter(programme=programme, status__in=OPEN_MEASURE_STATUSES)
            .select_related("measure_type", "organisation", "programme", "person")
            .order_by("line__position", "id")
        )
        note = ending_reason(decision)
        on_appeal = decision.basis == DecisionBasis.APPEAL
        for measure in measures:
            MEASURE_WORKFLOW.transition(
                record=measure,
                to=MeasureStatus.CANCELLED,
                actor=actor,
                changes={"closed_at": now, "overdue": False, "at_risk": False},
                context={
                    "organisation": measure.organisation,
                    "at": now,
                    "note_code": ending_code(decision),
                },
                request=request,
                detail=f"programme ended;decision={decision.pk}",
            )
            events.publish("measure.cancelled", measure)
            notify_holder(
                measure, MEASURE_CLOSED, {"on_appeal": on_appeal}, actor=actor, request=request
            )
            holder_release(measure, measure.organisation_id, actor=actor, why=note, request=request)
            closed.append(measure)
    return closed
