"""Approving a programme version, and routing its lines to the executing organisations.

In one transaction: the lines are checked for a routing rule (a line with none is refused with a
message naming the measure and the territory: an administrator adds the rule, so the choice of
organisation stays one rule for everyone rather than a hand-picked exception per person); the
version before is superseded and the draft approved with the list of what changed; then

- a line new in this version becomes a `Measure` of the organisation the rule chooses, with a
  `Handoff`, its due date and a `PersonLink` (`routing.handoff_record`), and the organisation is
  told through `notices`;
- a line kept from the version before keeps its measure, which now carries out the new line; if
  its quantity or details changed, the measure's timeline notes it;
- a line dropped cancels its open measure through the measure's workflow.

`programme.approved` and `measure.assigned` are published (`events.publish`) in the transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.actors import signed_in_user
from kopir.core.errors import DomainError
from kopir.core.versioning import update_if_current
from kopir.rehabilitation import events
from kopir.rehabilitation.models import (
    Measure,
    MeasureEvent,
    MeasureNote,
    MeasureStatus,
    ProgrammeLine,
    ProgrammeVersion,
    ProgrammeVersionStatus,
    RoutingRule,
)
from kopir.rehabilitation.models.execution import OPEN_MEASURE_STATUSES, note_text
from kopir.rehabilitation.notice_topics import MEASURE_ASSIGNED
from kopir.rehabilitation.services import staff_alerts
from kopir.rehabilitation.services.programme import (
    CONFLICT,
    changes_between,
    require_division_staff,
)
from kopir.rehabilitation.services.routing import (
    handoff_record,
    holder_release,
    notify_holder,
    routing_rules_for,
)
from kopir.rehabilitation.workflow import MEASURE_WORKFLOW

V = ProgrammeVersionStatus


def unrouted_lines(version: ProgrammeVersion, lines: list[ProgrammeLine]) -> list[str]:
    """A message for each line that needs a new measure and has no routing rule."""
    territory = version.programme.person.territory
    rules = routing_rules_for(
        measure_types=[line.measure_type for line in lines], territory=territory
    )
    messages = []
    for line in lines:
        if rules[line.measure_type.code] is None:
            messages.append(
                gettext(
                    "No organisation executes “%(measure)s” for persons living in %(territory)s: "
                    "ask an administrator to add a routing rule, then approve again."
                )
                % {"measure": line.measure_type.name, "territory": territory.name}
            )
    return messages


def _route_new_line(
    line: ProgrammeLine, rule: RoutingRule, version: ProgrammeVersion, *, actor: Any, request: Any
) -> Measure:
    programme = version.programme
    now = timezone.now()
    measure = Measure(
        programme=programme,
        line=line,
        measure_type=line.measure_type,
        person_id=programme.person_id,
        territory_id=programme.person.territory_id,
        organisation=rule.organisation,
        status=MeasureStatus.ASSIGNED,
        assigned_at=now,
        due_on=timezone.localdate(now),  # replaced below by the handoff's due date
    )
    measure.save()
    handoff = handoff_record(
        measure=measure,
        to_organisation=rule.organisation,
        from_organisation=None,
        by=actor,
        routing_rule=rule,
        at=now,
    )
    Measure.objects.filter(pk=measure.pk).update(due_on=handoff.due_on)
    measure.due_on = handoff.due_on
    MeasureEvent.objects.create(
        measure=measure,
        from_status="",
        to_status=MeasureStatus.ASSIGNED,
        actor=signed_in_user(actor),
        organisation=rule.organisation,
        at=now,
        note_code=MeasureNote.ROUTED,
    )
    audited(
        measure,
        AuditAction.CREATE,
        ["organisation", "due_on"],
        actor=actor,
        request=request,
        detail=f"programme={programme.number};rule={rule.pk}",
    )
    events.publish("measure.assigned", measure)
    notify_holder(
        measure,
        MEASURE_ASSIGNED,
        {"measure_name": measure.measure_type},
        actor=actor,
        request=request,
    )
    staff_alerts.measure_assigned(measure, actor=actor, request=request)
    return measure


def programme_approve(
    *,
    actor: Any,
    programme_version: ProgrammeVersion,
    expected_version: int,
    request: Any = None,
) -> ProgrammeVersion:
    """Approve a draft version and route its lines (see the module's docstring)."""
    version = programme_version
    programme = version.programme
    require_division_staff(actor, programme)
    if not version.is_editable:
        raise DomainError(_("Only a draft can be approved."))
    lines = list(version.lines.select_related("measure_type").order_by("position", "id"))
    if not lines:
        raise DomainError(_("Add at least one measure before approving the programme."))
    previous = programme.versions.filter(status=V.APPROVED).first()
    previous_lines = (
        list(previous.lines.select_related("measure_type")) if previous is not None else None
    )
    kept: dict[str, Measure] = {}
    if previous is not None:
        kept = {
            old.line.measure_type.code: old
            for old in Measure.objects.filter(line__programme_version=previous).select_related(
                "line__measure_type"
            )
        }
    fresh = [line for line in lines if line.measure_type.code not in kept]
    problems = unrouted_lines(version, fresh)
    if problems:
        raise DomainError(" ".join(problems))
    rules = routing_rules_for(
        measure_types=[line.measure_type for line in fresh], territory=programme.person.territory
    )
    changes = changes_between(previous_lines, lines)
    now = timezone.now()
    with transaction.atomic():
        if previous is not None:
            # Superseded first: at most one approved version per programme (a constraint).
            ProgrammeVersion.objects.filter(pk=previous.pk, status=V.APPROVED).update(
                status=V.SUPERSEDED, superseded_at=now, version=F("version") + 1
            )
        update_if_current(
            version,
            expected_version,
            CONFLICT,
            status=V.APPROVED,
            approved_by=actor,
            approved_at=now,
            changes=changes,
        )
        audited(
            version,
            AuditAction.UPDATE,
            ["status", "changes"],
            actor=actor,
            request=request,
            detail=f"approved;programme={programme.number};sequence={version.sequence}",
        )
        change_by_code = {row["code"]: row for row in changes}
        for line in lines:
            code = line.measure_type.code
            measure = kept.pop(code, None)
            if measure is None:
                rule = rules[code]
                if rule is None:  # pragma: no cover - checked before the transaction
                    raise DomainError(" ".join(unrouted_lines(version, [line])))
                _route_new_line(line, rule, version, actor=actor, request=request)
                continue
            # The measure carries out the new line; a change is noted on its timeline, and its
            # version moves so that an agency's page read before the change is stale.
            Measure.objects.filter(pk=measure.pk).update(line=line, version=F("version") + 1)
            if code in change_by_code:
                MeasureEvent.objects.create(
                    measure=measure,
                    from_status=measure.status,
                    to_status=measure.status,
                    actor=actor,
                    organisation=measure.organisation,
                    at=now,
                    note_code=MeasureNote.VERSION_CHANGED,
                    note_values={"sequence": version.sequence},
                )
        for measure in kept.values():
            # The new version dropped the line: an open measure is cancelled; a closed one stays
            # as it was, still pointing at the line it carried out.
            if measure.status in OPEN_MEASURE_STATUSES:
                values = {"sequence": version.sequence}
                dropped = note_text(MeasureNote.VERSION_DROPPED, values)
                MEASURE_WORKFLOW.transition(
                    record=measure,
                    to=MeasureStatus.CANCELLED,
                    actor=actor,
                    changes={"closed_at": now},
                    context={
                        "organisation": measure.organisation,
                        "note_code": MeasureNote.VERSION_DROPPED,
                        "note_values": values,
                    },
                    request=request,
                )
                events.publish("measure.cancelled", measure)
                holder_release(
                    measure, measure.organisation_id, actor=actor, why=dropped, request=request
                )
        events.publish("programme.approved", version)
    return version
