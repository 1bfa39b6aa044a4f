"""The council's records a snapshot can be cited in: which field of the citation holds each,
where its page is, and when it is final (its citations can no longer change)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from kopir.council.models import AgendaItem, Letter, Minutes, Recommendation, RecommendationStatus

TARGETS: dict[type, str] = {
    AgendaItem: "agenda_item",
    Recommendation: "recommendation",
    Letter: "letter",
}


def target_field(record: Any) -> str:
    try:
        return TARGETS[type(record)]
    except KeyError:
        raise TypeError(f"a snapshot cannot be cited in {type(record).__name__}") from None


def is_final(record: Any) -> bool:
    """An agenda item once its meeting's minutes are approved and locked; a recommendation once
    it is sent (no longer a draft); a letter once its reply is recorded."""
    if isinstance(record, AgendaItem):
        return Minutes.objects.filter(
            meeting_id=record.meeting_id, locked_at__isnull=False
        ).exists()
    if isinstance(record, Recommendation):
        return record.status != RecommendationStatus.DRAFT
    if isinstance(record, Letter):
        return record.replies.exists()
    raise TypeError(f"a snapshot cannot be cited in {type(record).__name__}")


def sent_on(record: Any) -> dt.date | None:
    """The day a letter or a recommendation went out (None: not sent, or an agenda item): it
    can cite only figures saved by then, the figures it could have given."""
    if isinstance(record, (Letter, Recommendation)):
        return record.sent_on
    return None


def record_url(record: Any) -> str:
    if isinstance(record, AgendaItem):
        meeting = record.meeting
        return reverse(
            "council:agenda_item_detail", args=[meeting.council.slug, meeting.pk, record.pk]
        )
    name = "recommendation_detail" if isinstance(record, Recommendation) else "letter_detail"
    return reverse(f"council:{name}", args=[record.council.slug, record.pk])
