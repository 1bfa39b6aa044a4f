"""Reads for the executing organisation: its work list, one measure with what it needs to deliver
it, and the filtered list as a file.

The work list is paged by keyset on (due date, id), the order of the `measure_work_idx` and
`measure_overdue_idx` indexes: `(due_on, id) > (last due, last id)` (a row comparison on
PostgreSQL) reads the next page from the index, however deep, with no OFFSET and no COUNT. Rows
show the person's name (the organisation has a link to the person) and never the diagnosis, so
each page read and each export is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record, audited
from kopir.core.paging import Cursor, CursorPage, cut_page, merged_page, rows_after
from kopir.core.selectors import matching
from kopir.core.uploads import stored_name
from kopir.rehabilitation.models import EvidenceItem, Handoff, Measure, MeasureEvent, MeasureStatus
from kopir.rehabilitation.models.execution import OPEN_MEASURE_STATUSES

PAGE_SIZE = 25
# The largest page an API client may ask for.
MAX_PAGE_SIZE = 200
# "open" lists what is still to be done; "all" everything the organisation holds.
OPEN = "open"
ALL = "all"


@dataclass(frozen=True)
class WorkFilter:
    """What the work list shows. Every field narrows it; the defaults list every open measure."""

    status: str = OPEN
    measure_code: str = ""
    part: str = ""
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    overdue: bool = False
    at_risk: bool = False
    disputed: bool = False  # the person disputed a reported delivery
    territory_id: int | None = None
    officer_id: int | None = None

    def statuses(self) -> tuple[str, ...] | None:
        """The statuses to list; None for every status."""
        if self.status == ALL:
            return None
        if self.status in MeasureStatus.values:
            return (self.status,)
        return tuple(OPEN_MEASURE_STATUSES)


def work_queryset(organisation_id: int, work: WorkFilter) -> QuerySet[Measure]:
    """The organisation's measures matching `work`, by due date then id (the indexes' order)."""
    measures = Measure.objects.filter(organisation_id=organisation_id)
    statuses = work.statuses()
    if statuses is not None:
        measures = measures.filter(status__in=statuses)
    measures = matching(
        measures,
        overdue=work.overdue,
        at_risk=work.at_risk,
        measure_type__code=work.measure_code,
        measure_type__part=work.part,
        due_on__gte=work.due_from,
        due_on__lte=work.due_to,
        territory_id=work.territory_id,
        officer_id=work.officer_id,
    )
    if work.disputed:
        measures = measures.filter(dispute_count__gt=0)
    return measures.order_by("due_on", "id")


_ROW_RELATIONS = ("measure_type", "person", "territory", "officer", "line", "programme")


def page_queryset(
    organisation_id: int, work: WorkFilter, after: Cursor | None, size: int
) -> QuerySet[Measure]:
    """The `size` rows after `after`, read so that an index serves the order.

    `measure_work_idx` is ordered by (organisation, status, due date, id): one branch a status
    ("still to be done" is three), merged (core/paging.py), at most 6 × `size` rows. The overdue
    view reads `measure_overdue_idx` (organisation, overdue, due date, id) in order directly.
    """

    def one(selection: WorkFilter) -> QuerySet[Measure]:
        rows = work_queryset(organisation_id, selection).select_related(*_ROW_RELATIONS)
        return rows_after(rows, "due_on", after)

    statuses = work.statuses()
    if statuses is None:
        statuses = tuple(MeasureStatus.values)
    # The overdue view's own index is in page order already: one branch.
    parts = [] if work.overdue else [replace(work, status=status) for status in statuses]
    return merged_page(one, work, parts, due_field="due_on", size=size)


def _join_in_written_order() -> None:
    """Have PostgreSQL join the page's query in the order it is written, for this transaction.

    The page reads each status's rows with six related tables (up to six branches of a UNION):
    at 1 M measures PostgreSQL spent 35-80 ms choosing a join order and 1 ms running the plan
    (EXPLAIN ANALYZE, docs/performance.md). The written order is the right one whatever the
    filters: the organisation's measures from the work list's index, then each related row by
    its primary key. Planning drops to a few milliseconds. SET LOCAL ends with the transaction.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL join_collapse_limit = 1")


def work_page(
    *,
    actor: Any,
    organisation_id: int,
    work: WorkFilter | None,
    after: Cursor | None = None,
    limit: int = PAGE_SIZE,
    request: HttpRequest | None = None,
    channel: str = AuditChannel.WEB,
) -> CursorPage[Measure]:
    """One page of the work list after `after`, in one query whatever the page's length; the
    read of the persons' names on it is audited. `work` is None when the filters made no sense:
    an empty page, and nothing is read."""
    if work is None:
        return CursorPage()
    with transaction.atomic():
        _join_in_written_order()
        rows = list(page_queryset(organisation_id, work, after, limit + 1))
        if rows:
            audit_record(
                actor=actor,
                action=AuditAction.VIEW,
                target_type="rehabilitation.measure",
                request=request,
                channel=channel,
                detail="agency work list",
            )
    rows, next_cursor = cut_page(rows, limit, lambda last: Cursor(last.due_on, last.pk).encode())
    return CursorPage(rows=rows, next_cursor=next_cursor, is_first=after is None)


_CLOSED = (MeasureStatus.DELIVERED, MeasureStatus.NOT_DELIVERED)


def event_title(event: MeasureEvent, handoff: Handoff | None = None) -> str:
    """What happened, named: who moved the measure and what the move was (a move back to
    "assigned" is a redirect, from the organisation to the one `handoff` names; a reported result
    reopened with nobody signed in is the person's dispute), not only the status it reached."""
    S = MeasureStatus
    by = event.organisation.name if event.organisation else ""
    names = {"organisation": by}
    if event.from_status == "" and event.to_status == S.ASSIGNED:
        return _("Assigned to %(organisation)s") % names if by else _("Assigned")
    if event.to_status == S.ASSIGNED:
        if handoff is not None:
            return _("Redirected from %(from)s to %(to)s") % {
                "from": handoff.from_organisation.name,  # type: ignore[union-attr]
                "to": handoff.to_organisation.name,
            }
        return _("Redirected by %(organisation)s") % names if by else _("Redirected")
    if event.from_status == event.to_status and event.to_status != S.SCHEDULED:
        return _("Changed by a new version of the programme")
    if event.to_status == S.ACCEPTED and event.from_status in _CLOSED:
        if event.actor_id is None:
            return _("Disputed by the person: the measure is worked again")
        return _("Reopened")
    if event.to_status == S.CANCELLED:
        return str(S.CANCELLED.label)
    titles: dict[str, tuple[str, str]] = {
        S.ACCEPTED: (_("Accepted by %(organisation)s"), _("Accepted")),
        S.SCHEDULED: (_("Delivery scheduled by %(organisation)s"), _("Delivery scheduled")),
        S.DELIVERED: (_("Reported delivered by %(organisation)s"), _("Reported delivered")),
        S.NOT_DELIVERED: (
            _("Reported not delivered by %(organisation)s"),
            _("Reported not delivered"),
        ),
    }
    if event.to_status in titles:
        named, bare = titles[event.to_status]
        return named % names if by else bare
    return str(dict(S.choices).get(event.to_status, event.to_status))


@dataclass(frozen=True)
class Escalation:
    """How far an overdue measure has been escalated: its tier (1 to 3), when, and to whom."""

    tier: int
    at: dt.datetime | None
    to: str


def escalation_of(measure: Measure) -> Escalation | None:
    """The measure's escalation as its page tells it; None when it is not escalated. Whom it was
    told is read from the same rule the sweep follows (`deadlines.escalation_recipient`)."""
    from kopir.rehabilitation.services.deadlines import escalation_recipient

    if not measure.escalation_tier:
        return None
    recipient = escalation_recipient(
        tier=measure.escalation_tier,
        organisation=measure.organisation,
        officer=measure.officer,
        division=measure.programme.division,
    )
    if recipient.user is not None:
        user = recipient.user
        to = _("the officer %(name)s") % {"name": user.shown_name}
    elif measure.escalation_tier == 2:
        organisation = recipient.organisation
        head = organisation.contact_name
        to = (
            _("the head of %(organisation)s, %(name)s")
            % {"organisation": organisation.name, "name": head}
            if head
            else _("the head of %(organisation)s") % {"organisation": organisation.name}
        )
    else:
        to = str(recipient.organisation.name)
    return Escalation(tier=measure.escalation_tier, at=measure.escalated_at, to=to)


@dataclass(frozen=True)
class MeasureView:
    """A measure with everything its executing organisation's page shows."""

    measure: Measure
    handoffs: list[Handoff]
    events: list[MeasureEvent]
    # What the catalogue asks as evidence of delivery, as labels.
    evidence: list[str]
    # A job-placement measure (its evidence is the employer): its placement form is linked.
    records_placement: bool = False
    escalation: Escalation | None = None
    # The file name of the delivery's supporting document ("" when none is attached).
    evidence_name: str = ""


def measure_read(
    *, actor: Any, measure: Measure, request: HttpRequest | None = None
) -> MeasureView:
    """The measure page's content (the person's contacts included), with the read audited.
    `measure` comes from access.py, which decided the actor may see it."""
    with transaction.atomic():
        audited(measure, AuditAction.VIEW, actor=actor, request=request, detail="agency measure")
    handoffs = list(
        measure.handoffs.select_related("from_organisation", "to_organisation", "by").order_by(
            "at", "id"
        )
    )
    events = list(measure.events.select_related("actor", "organisation").order_by("at", "id"))
    redirects = {handoff.at: handoff for handoff in handoffs if handoff.from_organisation_id}
    for event in events:
        event.title = event_title(event, redirects.get(event.at))  # type: ignore[attr-defined]
    evidence_labels = dict(EvidenceItem.choices)
    evidence = [
        str(evidence_labels[code])
        for code in measure.measure_type.evidence_required or []
        if code in evidence_labels
    ]
    return MeasureView(
        measure=measure,
        handoffs=handoffs,
        events=events,
        evidence=evidence,
        records_placement=EvidenceItem.EMPLOYER in (measure.measure_type.evidence_required or []),
        escalation=escalation_of(measure),
        evidence_name=stored_name(measure.evidence_document),
    )


def handoff_message_record(message: Any, user: Any) -> Any:
    """The measure a handoff's tracked message is about, as the message page links it: for the
    officers of the organisation that holds the measure now (who work it on its page); None for
    anyone else (a sender, or an organisation it has since left)."""
    from django.urls import reverse

    from kopir.exchange.catalogue import MessageRecord
    from kopir.rehabilitation.access import is_agency_officer

    if not is_agency_officer(user):
        return None
    handoff = (
        Handoff.objects.filter(message_id=message.pk, measure__organisation_id=user.organisation_id)
        .select_related("measure__measure_type")
        .first()
    )
    if handoff is None:
        return None
    measure = handoff.measure
    return MessageRecord(
        url=reverse("rehabilitation:agency_measure", args=[measure.pk]),
        label=_("measure № %(number)s: %(name)s")
        % {"number": measure.pk, "name": measure.measure_type.name},
    )


def handoff_message_subjects(messages: list[Any]) -> dict[int, str]:
    """The subjects of handoffs' tracked messages in the reader's language, read from their
    measures (one query): the measure's name and its programme, as the message was sent with."""
    handoffs = Handoff.objects.filter(message_id__in=[message.pk for message in messages])
    return {
        handoff.message_id: f"{handoff.measure.measure_type.name} — {handoff.measure.programme.number}"
        for handoff in handoffs.select_related("measure__measure_type", "measure__programme")
        if handoff.message_id is not None
    }


def evidence_read(*, actor: Any, measure: Measure, request: HttpRequest | None = None) -> Any:
    """The measure's supporting document (its stored file), with the read audited; Http404 when
    none was attached. `measure` comes from access.py, which decided the actor may see it."""
    from django.http import Http404

    if not measure.evidence_document.name:
        raise Http404
    with transaction.atomic():
        audited(measure, AuditAction.VIEW, actor=actor, request=request, detail="evidence document")
    return measure.evidence_document


# --- Exports ---------------------------------------------------------------------------------

# Rows read from the database at a time while a file is written: memory stays bounded.
EXPORT_CHUNK = 2_000


def export_header() -> list[str]:
    return [
        _("Measure"),
        _("Measure name"),
        _("Part"),
        _("Person"),
        _("Territory"),
        _("Status"),
        _("Due"),
        _("Overdue"),
        _("At risk"),
        _("Escalation"),
        _("Disputed by the person"),
        _("Scheduled for"),
        _("Officer"),
    ]


def _escalation(measure: Measure) -> str:
    """The work list's tag beside "Overdue": how far an open, overdue measure was escalated."""
    if not (measure.is_open and measure.overdue and measure.escalation_tier):
        return ""
    return _("Escalated, level %(tier)s") % {"tier": measure.escalation_tier}


def _export_row(measure: Measure) -> list[Any]:
    officer = measure.officer
    return [
        measure.pk,
        measure.measure_type.name,
        measure.measure_type.get_part_display(),
        measure.person.full_name,
        measure.territory.name,
        measure.get_status_display(),
        measure.due_on,
        _("Yes") if measure.overdue else "",
        _("Yes") if measure.at_risk else "",
        _escalation(measure),
        _("Yes") if measure.dispute_count else "",
        measure.scheduled_on,
        officer.shown_name if officer else "",
    ]


def export_rows(
    *,
    actor: Any,
    organisation_id: int,
    work: WorkFilter | None,
    file_format: str,
    request: HttpRequest | None = None,
) -> Iterator[list[Any]]:
    """The filtered work list as rows for a file (core/exports.py neutralises them), the header first: what
    the list shows and no more (the person's name; no IIN, no contacts, no diagnosis). Taking the list out of Kopir is audited when the
    export starts; the rows are then read in chunks as the file is written."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            target_type="rehabilitation.measure",
            request=request,
            detail=f"agency work list as {file_format}",
        )
    measures = (
        Measure.objects.none()
        if work is None  # filters that make no sense: no rows, as on the list
        else work_queryset(organisation_id, work).select_related(
            "measure_type", "person", "territory", "officer"
        )
    )

    def rows() -> Iterator[list[Any]]:
        yield export_header()
        for measure in measures.iterator(chunk_size=EXPORT_CHUNK):
            yield _export_row(measure)

    return rows()


def today_and_week_end(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """Today and the Sunday that ends this week, for the "due this week" view."""
    today = today or timezone.localdate()
    return today, today + dt.timedelta(days=6 - today.weekday())


@dataclass(frozen=True)
class FilterChoices:
    measures: list[tuple[str, str]]
    territories: list[tuple[int, str]]
    officers: list[tuple[int, str]]


def work_filter_choices(organisation_id: int) -> FilterChoices:
    """What the work list's filters offer: the measures and territories of the organisation's
    measures, and its officers (three queries, whatever the list's length)."""
    from django.contrib.auth import get_user_model

    from kopir.accounts.models import Role
    from kopir.directory.models import Territory
    from kopir.rehabilitation.models import MeasureType

    held = Measure.objects.filter(organisation_id=organisation_id)
    measures: dict[str, str] = {}
    for measure_type in MeasureType.objects.filter(pk__in=held.values("measure_type")).order_by(
        "position", "code", "-catalogue__number"
    ):
        measures.setdefault(measure_type.code, measure_type.name)
    territories = [
        (territory.pk, territory.name)
        for territory in Territory.objects.filter(pk__in=held.values("territory")).order_by("kato")
    ]
    officers = [
        (user.pk, user.shown_name)
        for user in get_user_model()
        .objects.filter(
            organisation_id=organisation_id,
            is_active=True,
            role_assignments__role=Role.AGENCY_OFFICER,
        )
        .order_by("last_name", "first_name", "id")
    ]
    return FilterChoices(
        measures=sorted(measures.items(), key=lambda item: item[1]),
        territories=territories,
        officers=officers,
    )
