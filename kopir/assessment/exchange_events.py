"""The referral's domain events for external systems (kopir.exchange), published in the same
transaction as the move they report.

The audience is the sending clinic: its own medical information system hears what became of the
referrals it sent. Payloads carry the referral number and codes of organisations, never the
person, the diagnosis or the experts' reasons: a clinic reads those in Kopir, where the read is
audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import Schema

from kopir.exchange.catalogue import EventKind
from kopir.exchange.services import event_publish, event_publish_many


class ReferralSentPayload(Schema):
    number: str
    route: str
    medical_organisation_code: str
    mse_division_code: str
    resent: bool
    step_due_on: dt.date | None = None


class ReferralReturnedPayload(Schema):
    number: str
    medical_organisation_code: str
    mse_division_code: str
    missing_count: int
    returns_count: int
    step_due_on: dt.date | None = None


class ReferralDecidedPayload(Schema):
    number: str
    medical_organisation_code: str
    mse_division_code: str
    outcome: str
    category_code: str
    decided_at: dt.datetime | None = None


EVENT_KINDS = (
    EventKind(
        "referral.sent",
        _("A clinic's MSE referral was sent (or sent again) to the MSE division."),
        ReferralSentPayload,
    ),
    EventKind(
        "referral.returned",
        _("The MSE division returned a referral to the clinic as incomplete."),
        ReferralReturnedPayload,
    ),
    EventKind(
        "referral.decided",
        _("The MSE division decided on a referral."),
        ReferralDecidedPayload,
    ),
)


def _publish(kind: str, referral: Any, **payload: Any) -> None:
    """The referral's event, with what every referral event carries, to the sending clinic."""
    event_publish(
        kind=kind,
        subject=_subject(referral),
        payload={**_common(referral), **payload},
        audience=[referral.medical_organisation],
    )


def _subject(referral: Any) -> str:
    return f"assessment.referral:{referral.number}"


def _common(referral: Any) -> dict[str, Any]:
    return {
        "number": referral.number,
        "medical_organisation_code": referral.medical_organisation.code,
        "mse_division_code": referral.mse_division.code,
    }


def publish_referral_sent(referral: Any, *, resent: bool) -> None:
    _publish(
        "referral.sent",
        referral,
        route=referral.route,
        resent=resent,
        step_due_on=referral.step_due_on,
    )


def publish_referrals_sent(referrals: Sequence[Any], *, resent: Mapping[int, bool]) -> None:
    """`publish_referral_sent` for many referrals sent together, in one bulk write."""
    event_publish_many(
        kind="referral.sent",
        events=[
            (
                _subject(referral),
                {
                    **_common(referral),
                    "route": referral.route,
                    "resent": resent[referral.pk],
                    "step_due_on": referral.step_due_on,
                },
                [referral.medical_organisation],
            )
            for referral in referrals
        ],
    )


def publish_referral_returned(referral: Any, *, missing_count: int) -> None:
    _publish(
        "referral.returned",
        referral,
        missing_count=missing_count,
        returns_count=referral.returns_count,
        step_due_on=referral.step_due_on,
    )


def publish_referral_decided(referral: Any, decision: Any) -> None:
    _publish(
        "referral.decided",
        referral,
        outcome=decision.outcome,
        category_code=decision.category_code or "",
        decided_at=referral.decided_at,
    )
