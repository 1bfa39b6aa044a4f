"""The council's domain events for external systems (kopir.exchange), published in the same
transaction as the change: a recommendation sent to an executive body, and that body's answer.

The audience is the addressee: its own case system hears of the recommendation and of each
answer recorded for it. A recommendation is a public document (it is on the council's public
page), so its text travels, in both halves the council keeps (`text` in Kazakh, `text_ru` in
Russian, empty when the council did not enter it), so the addressee's system reads the one it
works in; the answer's text and evidence stay in Kopir until the council has reviewed them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from kopir.exchange.catalogue import EventKind
from kopir.exchange.services import event_publish


class RecommendationSentPayload(Schema):
    number: str
    council_slug: str
    council_organisation_code: str
    addressee_code: str
    text: str
    text_ru: str = ""
    sent_on: dt.date | None = None
    answer_due_on: dt.date | None = None


class RecommendationAnsweredPayload(Schema):
    number: str
    council_slug: str
    council_organisation_code: str
    addressee_code: str
    reported_status: str
    answered_on: dt.date | None = None


EVENT_KINDS = (
    EventKind(
        "recommendation.sent",
        _("The public council sent a recommendation to the organisation."),
        RecommendationSentPayload,
    ),
    EventKind(
        "recommendation.answered",
        _("The organisation's answer to a council recommendation was recorded."),
        RecommendationAnsweredPayload,
    ),
)


def _common(recommendation: Any) -> dict[str, Any]:
    council = recommendation.council
    return {
        "number": recommendation.number,
        "council_slug": council.slug,
        "council_organisation_code": council.organisation.code,
        "addressee_code": recommendation.addressee.code,
    }


def _publish(kind: str, recommendation: Any, **payload: Any) -> None:
    """The event about the recommendation, with what every one carries, to its addressee."""
    payload = _common(recommendation) | payload
    audience = [recommendation.addressee]
    event_publish(kind=kind, subject=_subject(recommendation), payload=payload, audience=audience)


def _subject(recommendation: Any) -> str:
    return f"council.recommendation:{recommendation.council.slug}/{recommendation.number}"


def publish_recommendation_sent(recommendation: Any) -> None:
    _publish(
        "recommendation.sent",
        recommendation,
        text=recommendation.text,
        text_ru=recommendation.text_ru,
        sent_on=recommendation.sent_on,
        answer_due_on=recommendation.answer_due_on,
    )


def publish_recommendation_answered(recommendation: Any, response: Any) -> None:
    _publish(
        "recommendation.answered",
        recommendation,
        reported_status=response.reported_status,
        answered_on=recommendation.answered_on,
    )
