"""One timeline per person: the MSE steps, the IRP's versions, every measure's moves and handoffs,
in the order they happened.

Two audiences read it:

- the MSE division's staff (`Audience.STAFF`): every step, with who did it and any note;
- the person on the citizen status page (`Audience.CITIZEN`): the same steps in plain words, with
  the organisations that act but no staff names, no notes written by staff, no redirect reasons
  and nothing of the diagnosis or the experts' reasons (the decision's outcome only).

The reads are a fixed number of queries whatever the number of measures (one per source table),
and each read writes an audit VIEW record for the person's programme.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kopir.assessment.models import Appeal, AppealStatus, Decision, ReferralEvent, ReferralStatus
from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited
from kopir.core.actors import signed_in_user
from kopir.rehabilitation.models import (
    Handoff,
    Measure,
    MeasureEvent,
    MeasureStatus,
    NotDeliveredReason,
    Programme,
    ProgrammeVersion,
    ProgrammeVersionStatus,
)
from kopir.rehabilitation.services.deadlines import tier_label
from kopir.rehabilitation.services.ending import ending_reason


class Audience(enum.Enum):
    STAFF = "staff"
    CITIZEN = "citizen"


@dataclass(frozen=True)
class Entry:
    at: dt.datetime
    kind: str  # "mse" | "programme" | "ending" | "measure" | "handoff" | "escalation"
    title: str
    detail: str = ""
    organisation: str = ""
    actor: str = ""  # staff audience only
    order: int = 0  # ties at the same moment: the source's own order
    measure_id: int | None = None  # the measure a handoff, move or escalation is of


def plain_measure_state(status: str) -> str:
    """A measure's state as the person reads it."""
    states: dict[str, str] = {
        MeasureStatus.ASSIGNED: _("Waiting for the organisation to take it on"),
        MeasureStatus.ACCEPTED: _("The organisation is working on it"),
        MeasureStatus.SCHEDULED: _("A date has been set"),
        MeasureStatus.DELIVERED: _("The organisation reports it delivered"),
        MeasureStatus.NOT_DELIVERED: _("The organisation reports it could not be delivered"),
        MeasureStatus.CANCELLED: _("No longer in your programme"),
    }
    return states.get(status, status)


def plain_not_delivered_reason(reason: str) -> str:
    """The reason an organisation recorded for not delivering a measure, as the person reads it."""
    reasons: dict[str, str] = {
        NotDeliveredReason.REFUSED: _("The organisation records that you refused it."),
        NotDeliveredReason.UNREACHABLE: _("The organisation records that it could not reach you."),
        NotDeliveredReason.NOT_AVAILABLE: _(
            "The organisation records that it is not available: no supplier, no funds, or the "
            "purchase failed."
        ),
        NotDeliveredReason.NOT_COMPETENT: _(
            "The organisation records that providing it is not its responsibility."
        ),
        NotDeliveredReason.OTHER: _("The organisation records another reason."),
    }
    return reasons.get(reason, "")


def _citizen_move(event: MeasureEvent) -> str:
    if event.from_status in (MeasureStatus.DELIVERED, MeasureStatus.NOT_DELIVERED) and (
        event.to_status == MeasureStatus.ACCEPTED
    ):
        return _("You disputed the reported result; the organisation works on it again")
    if event.to_status == MeasureStatus.ASSIGNED and event.from_status:
        return _("Passed to another organisation")
    return plain_measure_state(event.to_status)


def _name(user: Any) -> str:
    return user.shown_name if user is not None else ""


def _mse_entries(referral_ids: Sequence[int], audience: Audience) -> list[Entry]:
    staff = audience is Audience.STAFF
    entries: list[Entry] = []
    events = (
        ReferralEvent.objects.filter(referral_id__in=referral_ids)
        .select_related("actor", "referral")
        .order_by("at", "id")
    )
    labels = dict(ReferralStatus.choices)
    for event in events:
        if not staff and event.to_status == ReferralStatus.DRAFT:
            continue  # the clinic's drafting is not a step of the person's case yet
        entries.append(
            Entry(
                at=event.at,
                kind="mse",
                title=_("MSE case %(number)s: %(status)s")
                % {"number": event.referral.number, "status": labels.get(event.to_status, "")},
                detail=event.note if staff else "",
                actor=(_name(event.actor) or event.actor_label) if staff else "",
                order=event.pk,
            )
        )
    for decision in Decision.objects.filter(referral_id__in=referral_ids).select_related(
        "referral", "decided_by", "decided_by_organisation"
    ):
        detail = decision.get_outcome_display()
        if decision.category_code:
            detail += f", {decision.get_category_code_display()}"
        if decision.valid_until:
            detail += ", " + _("until %(date)s") % {
                "date": decision.valid_until.strftime("%d.%m.%Y")
            }
        if decision.appeal_id is not None:
            title = _("MSE decision on case %(number)s, changed on appeal")
        else:
            title = _("MSE decision on case %(number)s")
        entries.append(
            Entry(
                at=decision.decided_at,
                kind="mse",
                title=title % {"number": decision.referral.number},
                detail=detail,
                organisation=decision.decided_by_organisation.name,
                actor=_name(decision.decided_by) if staff else "",
                order=decision.pk,
            )
        )
    entries.extend(_appeal_entries(referral_ids, audience))
    return entries


def _appeal_entries(referral_ids: Sequence[int], audience: Audience) -> list[Entry]:
    """Each appeal's steps: filed, taken under review by the higher body, decided. The grounds
    stay out; the reasons for the outcome are shown to staff only."""
    staff = audience is Audience.STAFF
    entries: list[Entry] = []
    appeals = Appeal.objects.filter(referral_id__in=referral_ids).select_related(
        "referral", "higher_body", "recorded_by", "review_started_by", "resolved_by"
    )
    for appeal in appeals:
        names = {"number": appeal.referral.number}
        entries.append(
            Entry(
                at=appeal.recorded_at,
                kind="mse",
                title=_("Appeal against the MSE decision on case %(number)s filed") % names,
                actor=_name(appeal.recorded_by) if staff else "",
                order=appeal.pk,
            )
        )
        if appeal.review_started_at is not None:
            entries.append(
                Entry(
                    at=appeal.review_started_at,
                    kind="mse",
                    title=_("The higher MSE body is reviewing the appeal on case %(number)s")
                    % names,
                    organisation=appeal.higher_body.name,
                    actor=_name(appeal.review_started_by) if staff else "",
                    order=appeal.pk,
                )
            )
        if appeal.resolved_at is not None:
            if appeal.status == AppealStatus.CHANGED:
                title = _("Appeal on case %(number)s decided: the decision was changed")
            else:
                title = _("Appeal on case %(number)s decided: the decision stays as it was")
            entries.append(
                Entry(
                    at=appeal.resolved_at,
                    kind="mse",
                    title=title % names,
                    detail=appeal.outcome_reasons if staff else "",
                    organisation=appeal.higher_body.name,
                    actor=_name(appeal.resolved_by) if staff else "",
                    order=appeal.pk,
                )
            )
    return entries


def _version_entries(programmes: Sequence[Programme], audience: Audience) -> list[Entry]:
    staff = audience is Audience.STAFF
    entries: list[Entry] = []
    versions = list(
        ProgrammeVersion.objects.filter(programme__in=programmes).select_related(
            "programme__division", "drafted_by", "approved_by", "ended_by_decision"
        )
    )
    for version in versions:
        names = {"number": version.programme.number, "sequence": version.sequence}
        if staff:
            entries.append(
                Entry(
                    at=version.created_at,
                    kind="programme",
                    title=_("Programme %(number)s, version %(sequence)s drafted") % names,
                    organisation=version.programme.division.name,
                    actor=_name(version.drafted_by),
                    order=version.pk,
                )
            )
        if version.approved_at is not None:
            changed = len(version.changes or [])
            entries.append(
                Entry(
                    at=version.approved_at,
                    kind="programme",
                    title=_("Programme %(number)s, version %(sequence)s approved") % names,
                    detail=(_("%(count)s changes from the version before") % {"count": changed})
                    if changed
                    else "",
                    organisation=version.programme.division.name,
                    actor=_name(version.approved_by) if staff else "",
                    order=version.pk,
                )
            )
        if version.status == ProgrammeVersionStatus.SUPERSEDED and version.superseded_at:
            entries.append(
                Entry(
                    at=version.superseded_at,
                    kind="programme",
                    title=_("Programme %(number)s, version %(sequence)s replaced by a new version")
                    % names,
                    order=version.pk,
                )
            )
    # A programme ends once, however many of its versions (the approved one, a draft) ended with
    # it: said in the same plain words to both audiences.
    ended = {v.programme_id: v for v in versions if v.status == ProgrammeVersionStatus.ENDED}
    for version in ended.values():
        if version.ended_at is not None and version.ended_by_decision is not None:
            entries.append(
                Entry(
                    at=version.ended_at,
                    kind="ending",
                    title=_("Programme %(number)s ended") % {"number": version.programme.number},
                    detail=ending_reason(version.ended_by_decision),
                    order=version.pk,
                )
            )
    return entries


def programme_measures(programmes: Sequence[Programme]) -> list[Measure]:
    """The programmes' measures with their events and handoffs (three queries)."""
    return list(
        Measure.objects.filter(programme__in=programmes)
        .select_related("measure_type", "organisation", "programme")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=MeasureEvent.objects.select_related("actor", "organisation").order_by(
                    "at", "id"
                ),
            ),
            Prefetch(
                "handoffs",
                queryset=Handoff.objects.select_related(
                    "from_organisation", "to_organisation", "by"
                ).order_by("at", "id"),
            ),
        )
        .order_by("programme_id", "line__position", "id")
    )


def _measure_entries(measures: Sequence[Measure], audience: Audience) -> list[Entry]:
    staff = audience is Audience.STAFF
    labels = dict(MeasureStatus.choices)
    entries: list[Entry] = []
    for measure in measures:
        name = measure.measure_type.name
        handoff: Handoff
        for handoff in measure.handoffs.all():
            due = handoff.due_on.strftime("%d.%m.%Y")
            if handoff.from_organisation is None:
                title = _("%(measure)s sent to %(organisation)s, due by %(date)s")
            else:
                title = _("%(measure)s passed on to %(organisation)s, due by %(date)s")
            entries.append(
                Entry(
                    at=handoff.at,
                    kind="handoff",
                    title=title
                    % {"measure": name, "organisation": handoff.to_organisation.name, "date": due},
                    detail=handoff.reason if staff else "",
                    organisation=(
                        handoff.from_organisation.name if handoff.from_organisation else ""
                    ),
                    actor=_name(handoff.by) if staff else "",
                    order=handoff.pk,
                    measure_id=measure.pk,
                )
            )
        event: MeasureEvent
        for event in measure.events.all():
            if staff:
                title = _("%(measure)s: %(from)s → %(to)s") % {
                    "measure": name,
                    "from": labels.get(event.from_status, "—"),
                    "to": labels.get(event.to_status, event.to_status),
                }
            else:
                title = f"{name}: {_citizen_move(event)}"
            entries.append(
                Entry(
                    at=event.at,
                    kind="measure",
                    title=title,
                    detail=event.text if staff else "",
                    organisation=event.organisation.name if event.organisation else "",
                    actor=_name(event.actor) if staff else "",
                    order=event.pk,
                    measure_id=measure.pk,
                )
            )
        if staff and measure.escalation_tier and measure.escalated_at:
            entries.append(
                Entry(
                    at=measure.escalated_at,
                    kind="escalation",
                    title=f"{name}: {tier_label(measure.escalation_tier)}",
                    organisation=measure.organisation.name,
                    order=measure.pk,
                    measure_id=measure.pk,
                )
            )
    return entries


@dataclass(frozen=True)
class Timeline:
    programmes: list[Programme]
    measures: list[Measure]
    entries: list[Entry]
    endings: list[Entry] = field(default_factory=list)  # programmes that ended, and why

    def of_measure(self, measure_id: int) -> list[Entry]:
        """One measure's own steps, in order."""
        return [entry for entry in self.entries if entry.measure_id == measure_id]

    @property
    def case_entries(self) -> list[Entry]:
        """The steps of the case and its programmes, without any one measure's."""
        return [entry for entry in self.entries if entry.measure_id is None]


KIND_ORDER = {"mse": 0, "programme": 1, "ending": 1, "handoff": 2, "measure": 3, "escalation": 4}


def person_timeline(
    *,
    programmes: Sequence[Programme],
    audience: Audience,
    viewer: Any,
    request: HttpRequest | None = None,
) -> Timeline:
    """The timeline of the programmes' person (the caller has decided who may read which)."""
    programmes = list(programmes)
    referral_ids = [programme.referral_id for programme in programmes]
    measures = programme_measures(programmes)
    entries = [
        *_mse_entries(referral_ids, audience),
        *_version_entries(programmes, audience),
        *_measure_entries(measures, audience),
    ]
    entries.sort(key=lambda entry: (entry.at, KIND_ORDER[entry.kind], entry.order))
    for programme in programmes:
        audited(
            programme,
            AuditAction.VIEW,
            actor=signed_in_user(viewer),
            request=request,
            channel=AuditChannel.WEB,
            detail=f"timeline {audience.value}",
        )
    return Timeline(
        programmes=programmes,
        measures=measures,
        entries=entries,
        endings=[entry for entry in entries if entry.kind == "ending"],
    )


@dataclass(frozen=True)
class ProgrammeState:
    """Where one programme stands, as the person reads it above its measures."""

    programme: Programme
    state: str  # "draft" | "approved" | "ended"
    # The version in force (approved), or the last one there was (ended): the one to hand out.
    version: ProgrammeVersion | None
    new_version_drafted: bool  # an approved programme with its next version in the works

    @property
    def number(self) -> str:
        return self.programme.number


def programme_states(programmes: Sequence[Programme]) -> list[ProgrammeState]:
    """Each programme's state from its versions (one query): a draft not yet approved, approved
    (perhaps with a new version being drafted), or ended."""
    versions: dict[int, list[ProgrammeVersion]] = {}
    for version in ProgrammeVersion.objects.filter(programme__in=programmes).order_by(
        "programme_id", "-sequence"
    ):
        versions.setdefault(version.programme_id, []).append(version)
    states: list[ProgrammeState] = []
    for programme in programmes:
        own = versions.get(programme.pk, [])
        by_status = {v.status: v for v in reversed(own)}  # the latest of each status
        ended = by_status.get(ProgrammeVersionStatus.ENDED)
        approved = by_status.get(ProgrammeVersionStatus.APPROVED)
        drafted = ProgrammeVersionStatus.DRAFT in by_status
        if ended is not None:
            handed_out = next((v for v in own if v.approved_at is not None), None)
            states.append(ProgrammeState(programme, "ended", handed_out, False))
        elif approved is not None:
            states.append(ProgrammeState(programme, "approved", approved, drafted))
        else:
            states.append(ProgrammeState(programme, "draft", None, drafted))
    return states


def citizen_programme_version(*, programme_id: int, person_id: int) -> ProgrammeVersion | None:
    """The version of the person's own programme they are given (the one in force, or the last
    approved of an ended programme); None for a draft or anyone else's programme."""
    programme = Programme.objects.filter(pk=programme_id, person_id=person_id).first()
    if programme is None:
        return None
    return programme_states([programme])[0].version


def citizen_measure(*, measure_id: int, person_id: int) -> Measure | None:
    """The person's own measure (its name heads the dispute page), or None for anyone else's."""
    return (
        Measure.objects.filter(pk=measure_id, person_id=person_id)
        .select_related("measure_type", "organisation")
        .first()
    )
