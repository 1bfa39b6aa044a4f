"""A referral's status as told to the outside: the sending system's API and the citizen page.

Only the status, the step the referral is in, who acts next and by when, and what is missing when
it was returned. Nothing about the person or the diagnosis: these answers leave Kopir.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import Referral, ReferralEvent, ReferralStatus
from kopir.assessment.services.completeness import MissingItem, describe_missing
from kopir.assessment.workflow import deadline_state, status_label

S = ReferralStatus

NEXT_STEPS: dict[str, Promise] = {
    S.DRAFT: _(
        "The clinic is preparing the referral. It has not been sent to the MSE division yet."
    ),
    S.SENT: _(
        "The MSE division checks that the referral is complete, then accepts it or returns it to "
        "the clinic."
    ),
    S.RETURNED: _("The clinic must add what is missing and send the referral again."),
    S.ACCEPTED: _("The MSE division assigns experts to the case."),
    S.ASSIGNED: _("The experts study the documents and make a decision."),
    S.DECIDED: _("The decision has been made. The MSE division will send it to the person."),
    S.NOTIFIED: _(
        "The decision has been sent to the person. If they disagree, they may appeal against it."
    ),
    S.WITHDRAWN: _("The clinic withdrew the referral. Nothing more will happen with it."),
}


@dataclass(frozen=True)
class StatusView:
    number: str
    status: str
    status_label: str
    next_step: str
    step_started_on: dt.date | None
    due_on: dt.date | None
    deadline: str  # "on_time" | "at_risk" | "overdue" | "none"
    returns_count: int
    missing: list[MissingItem] = field(default_factory=list)


def returned_missing(referral: Referral) -> list[MissingItem]:
    """What the clinic must add: the list of the latest return, in the reader's language."""
    if referral.status != S.RETURNED:
        return []
    event = (
        ReferralEvent.objects.filter(referral=referral, to_status=S.RETURNED)
        .order_by("-at", "-id")
        .only("missing")
        .first()
    )
    return describe_missing(event.missing) if event is not None else []


def referral_status_view(referral: Referral) -> StatusView:
    state = deadline_state(referral.step_due_on)
    return StatusView(
        number=referral.number,
        status=referral.status,
        status_label=status_label(referral.status),
        next_step=str(NEXT_STEPS.get(referral.status, "")),
        step_started_on=referral.step_started_on,
        due_on=referral.step_due_on,
        deadline=state.code,
        returns_count=referral.returns_count,
        missing=returned_missing(referral),
    )


def status_for_citizen(referral_id: int) -> StatusView | None:
    """The status the citizen status page was granted for; None once the referral is gone."""
    referral = Referral.objects.filter(pk=referral_id).first()
    return referral_status_view(referral) if referral is not None else None
