"""Who executes a measure: the routing rule for the measure and the person's territory, and the
handoff that gives the chosen organisation the measure, its due date and a link to the person.

The most specific rule wins: a rule for the measure's code before a rule for its kind of executing
organisation, and the person's own territory before the territories it is part of (settlement →
district → region). Routing first and a redirect later both go through `handoff_record`, so each
new owner gets the same things: a `Handoff` row, the catalogue's deadline counted in working days
from the handoff (SGB IX §14 style: the clock starts again with the new owner), and a
`PersonLink(basis=rehabilitation)` for that person only, and a tracked message of the exchange
(sent → delivered → acknowledged → answered): the new owner acknowledges it by accepting the
measure (`handoff_acknowledge`) and answers it with the result (`handoff_answer`), so each
handoff between organisations has its own receipt trail. A measure that leaves an organisation
without a result (cancelled, or passed on) is let go by `holder_release`: its open message is
withdrawn and the organisation's link to the person goes, unless it holds another live measure of
that person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kopir.audit.models import AuditAction
from kopir.audit.services import audited
from kopir.core.actors import signed_in_user
from kopir.core.working_days import add_working_days
from kopir.directory.models import Organisation, OrganisationKind, Territory
from kopir.exchange.models import Message, MessageStatus
from kopir.exchange.services import (
    message_acknowledge,
    message_answer,
    message_send,
    message_withdraw,
)
from kopir.notices.services import notice_queue, organisation_recipient
from kopir.notices.topics import NoticeTopic
from kopir.people.models import LinkBasis, PersonLink
from kopir.rehabilitation.models import Handoff, Measure, MeasureStatus, MeasureType, RoutingRule

# The kind of the exchange's tracked message that carries a measure from one owner to the next.
HANDOFF_MESSAGE_KIND = "rehabilitation.measure"


def executing_kinds() -> set[str]:
    """The kinds of organisation that execute measures: those the catalogue's measures and the
    routing rules name (an office, an akimat, a career centre...), never a polyclinic, a school
    or an NGO the catalogue gives no measure to."""
    from kopir.rehabilitation.models import MeasureType, RoutingRule

    return set(MeasureType.objects.values_list("executor_kind", flat=True).distinct()) | set(
        RoutingRule.objects.values_list("executor_kind", flat=True).distinct()
    )


# Organisations that execute no measure, whatever a catalogue or a rule names: a measure is never
# passed to them.
NOT_EXECUTING_KINDS = frozenset(
    {
        OrganisationKind.MSE_DEPARTMENT,
        OrganisationKind.MSE_DIVISION,
        OrganisationKind.PUBLIC_COUNCIL,
        OrganisationKind.PARLIAMENT,
    }
)


def measure_executors() -> QuerySet[Organisation]:
    """The organisations a measure may be passed to: active, of a kind that executes measures.
    The redirect form offers these and `measure_redirect` refuses any other, so the page, the
    API and any other caller follow one rule."""
    return Organisation.objects.filter(is_active=True, kind__in=executing_kinds()).exclude(
        kind__in=NOT_EXECUTING_KINDS
    )


def territory_chain(territory: Territory) -> list[Territory]:
    """The territory and every territory it is part of, the most specific first."""
    chain: list[Territory] = []
    seen: set[int] = set()
    current: Territory | None = territory
    while current is not None and current.pk not in seen:
        chain.append(current)
        seen.add(current.pk)
        current = current.parent
    return chain


def routing_rule_for(*, measure_type: MeasureType, territory: Territory) -> RoutingRule | None:
    """The rule that chooses the executing organisation, or None where no rule covers the
    territory (the MSE specialist then chooses by hand, and an administrator adds a rule)."""
    return routing_rules_for(measure_types=[measure_type], territory=territory)[measure_type.code]


def routing_rules_for(
    *, measure_types: Iterable[MeasureType], territory: Territory
) -> dict[str, RoutingRule | None]:
    """The rule for each measure type (by code) for a person living in `territory`: the
    territory chain and the rules of every kind involved are read once, however many measures."""
    types = list(measure_types)
    if not types:
        return {}
    chain = territory_chain(territory)
    rules = {
        (rule.executor_kind, rule.measure_code, rule.territory_id): rule
        for rule in RoutingRule.objects.select_related("organisation").filter(
            executor_kind__in={t.executor_kind for t in types},
            measure_code__in={t.code for t in types} | {""},
            territory__in=chain,
        )
    }
    chosen: dict[str, RoutingRule | None] = {}
    for measure_type in types:
        chosen[measure_type.code] = next(
            (
                rules[key]
                for code in (measure_type.code, "")
                for place in chain
                if (key := (measure_type.executor_kind, code, place.pk)) in rules
            ),
            None,
        )
    return chosen


def due_date(*, measure_type: MeasureType, start: dt.date) -> dt.date:
    """The executing organisation's deadline: the catalogue's working days from `start`."""
    return add_working_days(start, measure_type.deadline_working_days)


def handoff_record(
    *,
    measure: Measure,
    to_organisation: Organisation,
    from_organisation: Organisation | None,
    by: Any,
    reason: str = "",
    routing_rule: RoutingRule | None = None,
    at: dt.datetime | None = None,
) -> Handoff:
    """Record that `to_organisation` now holds `measure` and link it to the person.

    Call it inside the service's transaction, after the measure row exists; the caller saves the
    measure's owner and due date (a redirect does so through the workflow, in one UPDATE) from the
    returned handoff's `due_on`.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("handoff_record must run inside the service's transaction")
    at = at or timezone.now()
    handoff = Handoff.objects.create(
        measure=measure,
        from_organisation=from_organisation,
        to_organisation=to_organisation,
        reason=reason,
        routing_rule=routing_rule,
        by=signed_in_user(by),
        at=at,
        due_on=due_date(measure_type=measure.measure_type, start=timezone.localdate(at)),
    )
    PersonLink.objects.get_or_create(
        person_id=measure.person_id,
        organisation=to_organisation,
        basis=LinkBasis.REHABILITATION,
    )
    sender = from_organisation or measure.programme.division
    if sender.pk != to_organisation.pk:
        language = to_organisation.notice_language or "kk"
        name = getattr(measure.measure_type, f"name_{language}", "") or measure.measure_type.name_kk
        handoff.message = message_send(
            actor=by,
            sender=sender,
            recipient=to_organisation,
            kind=HANDOFF_MESSAGE_KIND,
            # What the recipient reads in its messages: the measure and its programme; the due
            # date is the message's own.
            subject=f"{name} — {measure.programme.number}"[:200],
            summary=handoff.reason or name,
            due_on=handoff.due_on,
        )
        handoff.save(update_fields=["message"])
    return handoff


def notify_holder(
    measure: Measure,
    topic: NoticeTopic,
    context: dict[str, Any],
    *,
    actor: Any,
    request: Any = None,
) -> None:
    """Tell the organisation that holds `measure` what happened to it (`topic`: assigned,
    closed), at its contact address, in its language: the measure and the topic's text, no
    personal data."""
    notice_queue(
        recipient=organisation_recipient(measure.organisation),
        template=topic.template,
        context={"measure": measure, **context},
        topic=topic.key,
        related=measure,
        concerns=measure.organisation,
        actor=actor,
        request=request,
    )


def _current_message(measure: Measure) -> Message | None:
    handoff = (
        Handoff.objects.filter(measure=measure, message__isnull=False)
        .select_related("message")
        .order_by("-at", "-id")
        .first()
    )
    return handoff.message if handoff is not None else None


def handoff_acknowledge(*, measure: Measure, actor: Any, request: Any = None) -> None:
    """The holder took the measure on: its handoff's message is acknowledged (once)."""
    message = _current_message(measure)
    if message is not None and message.status in (MessageStatus.SENT, MessageStatus.DELIVERED):
        message_acknowledge(actor=actor, message=message, version=message.version, request=request)


def handoff_answer(*, measure: Measure, actor: Any, answer: str, request: Any = None) -> None:
    """The holder reported the result (delivered, not delivered, passed on): its handoff's
    message is answered with it; a message not yet acknowledged is acknowledged first."""
    message = _current_message(measure)
    if message is None or message.status == MessageStatus.ANSWERED:
        return
    if message.status != MessageStatus.ACKNOWLEDGED:
        message = message_acknowledge(
            actor=actor, message=message, version=message.version, request=request
        )
    message_answer(
        actor=actor, message=message, version=message.version, answer=answer, request=request
    )


def holder_release(
    measure: Measure,
    organisation_id: int,
    *,
    actor: Any,
    why: str,
    request: Any = None,
    channel: str = "web",
) -> None:
    """`organisation_id` no longer holds `measure` and reports no result for it (the measure was
    cancelled, or passed on to another organisation): the open message of its handoff is
    withdrawn with `why`, and its link to the person is removed, audited, unless it holds
    another of that person's measures that is not cancelled (least privilege: an organisation
    reaches a person only while it has something to deliver or has delivered it)."""
    handoff = (
        Handoff.objects.filter(
            measure=measure,
            to_organisation_id=organisation_id,
            message__status__in=(
                MessageStatus.SENT,
                MessageStatus.DELIVERED,
                MessageStatus.ACKNOWLEDGED,
            ),
        )
        .select_related("message")
        .order_by("-at", "-id")
        .first()
    )
    if handoff is not None and handoff.message is not None:
        message_withdraw(
            actor=actor,
            message=handoff.message,
            version=handoff.message.version,
            reason=why,
            request=request,
        )
    still_holds = (
        Measure.objects.filter(person_id=measure.person_id, organisation_id=organisation_id)
        .exclude(pk=measure.pk)
        .exclude(status=MeasureStatus.CANCELLED)
        .exists()
    )
    if still_holds:
        return
    for link in PersonLink.objects.filter(
        person_id=measure.person_id,
        organisation_id=organisation_id,
        basis=LinkBasis.REHABILITATION,
    ):
        audited(
            link,
            AuditAction.DELETE,
            actor=actor,
            request=request,
            channel=channel,
            detail=why[:200],
        )
        link.delete()
