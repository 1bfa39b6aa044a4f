"""The person's answer to a reported result, from the citizen status page.

The person (or their representative) opened the status page with a one-time code sent to the
person's own channel (assessment/services/citizen.py); that access, kept in their session for the
referral it was granted for, is what lets them answer for the measures of that referral's person,
and only those. A confirmation records that the person agrees it was delivered. A dispute
reopens a reported result for the same organisation ("accepted" again, through the one workflow),
counts it, gives the organisation a new deadline from today, tells it by a notice and publishes
`measure.disputed`. Disputes are rate-limited per client address.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audited
from kopir.core.errors import DomainError
from kopir.core.rate_limits import Rate, RateLimit
from kopir.notices.services import notice_queue, organisation_recipient
from kopir.rehabilitation import events
from kopir.rehabilitation.models import Measure, MeasureStatus
from kopir.rehabilitation.notice_topics import MEASURE_DISPUTED
from kopir.rehabilitation.services import staff_alerts
from kopir.rehabilitation.services.deadlines import measure_refresh_flags
from kopir.rehabilitation.services.routing import due_date
from kopir.rehabilitation.workflow import MEASURE_WORKFLOW

DISPUTABLE = (MeasureStatus.DELIVERED, MeasureStatus.NOT_DELIVERED)
MAX_DISPUTE_TEXT = 1000
# Per client address: a person disputes a few measures at most; more is someone probing.
DISPUTES = RateLimit("citizen-dispute", Rate(limit=5, seconds=3600))


class AnswerRefused(DomainError):
    pass


class NotYourMeasure(DomainError):
    """Not a measure of this person: told apart from nothing (the page answers 404)."""


class DisputesLimited(DomainError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "There have been too many disputes from your connection. Wait an hour and try "
                "again, or call the organisation that holds the measure."
            )
        )


def _own_measure(*, measure_id: int, person_id: int) -> Measure:
    measure = (
        Measure.objects.select_for_update()
        .filter(pk=measure_id, person_id=person_id)
        .select_related("measure_type", "organisation", "programme")
        .first()
    )
    if measure is None:
        # Not this person's measure: the same answer as a measure that does not exist.
        raise NotYourMeasure(_("This measure is not in your programme."))
    return measure


def measure_confirm(
    *, measure_id: int, person_id: int, request: HttpRequest | None = None
) -> Measure:
    """The person confirms a measure reported delivered."""
    with transaction.atomic():
        measure = _own_measure(measure_id=measure_id, person_id=person_id)
        if measure.status != MeasureStatus.DELIVERED:
            raise AnswerRefused(_("Only a measure reported delivered can be confirmed."))
        if measure.confirmed_at is None:
            measure.confirmed_at = timezone.now()
            Measure.objects.filter(pk=measure.pk).update(confirmed_at=measure.confirmed_at)
            audited(
                measure,
                AuditAction.UPDATE,
                ["confirmed_at"],
                actor=None,
                request=request,
                channel=AuditChannel.WEB,
                detail="confirmed by the person",
            )
    return measure


def measure_dispute(
    *,
    measure_id: int,
    person_id: int,
    text: str,
    client: str,
    request: HttpRequest | None = None,
    today: dt.date | None = None,
) -> Measure:
    """The person disputes a reported result: the organisation works on it again."""
    text = (text or "").strip()
    if not text:
        raise AnswerRefused(_("Say in a few words what is wrong, so the organisation can act."))
    if len(text) > MAX_DISPUTE_TEXT:
        raise AnswerRefused(
            _("Keep it to %(count)s characters; the organisation will call you for more.")
            % {"count": MAX_DISPUTE_TEXT}
        )
    if DISPUTES.attempt(client):
        raise DisputesLimited
    now = timezone.now()
    today = today or timezone.localdate(now)
    with transaction.atomic():
        measure = _own_measure(measure_id=measure_id, person_id=person_id)
        if measure.status not in DISPUTABLE:
            raise AnswerRefused(
                _("Only a measure reported delivered or not delivered can be disputed.")
            )
        MEASURE_WORKFLOW.transition(
            record=measure,
            to=MeasureStatus.ACCEPTED,
            actor=None,
            changes={
                "dispute_count": F("dispute_count") + 1,
                "last_disputed_at": now,
                "confirmed_at": None,
                "closed_at": None,
                "due_on": due_date(measure_type=measure.measure_type, start=today),
            },
            note=text,
            context={"at": now},
            request=request,
            detail="disputed by the person",
        )
        measure.refresh_from_db()
        measure_refresh_flags(measure, today=today)
        notice_queue(
            recipient=organisation_recipient(measure.organisation),
            template=MEASURE_DISPUTED.template,
            context={"measure": measure, "text": text},
            topic=MEASURE_DISPUTED.key,
            related=measure,
            concerns=measure.organisation,
            # The person's own words: shown to the organisation's staff, not in lists.
            sensitive=True,
            channel=AuditChannel.WEB,
        )
        staff_alerts.measure_disputed(measure, request=request)
        events.publish("measure.disputed", measure)
    return measure
