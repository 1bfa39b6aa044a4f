"""A referral's status as told to the outside: the sending system's API and the citizen page.

Only the status, the step the referral is in, who acts next and by when, and what is missing when
it was returned. Nothing about the person or the diagnosis: these answers leave Kopir.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import (
    Appeal,
    AppealStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
)
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
# Once the person has appealed, the next step is the appeal's, whatever the referral's status.
A = AppealStatus
APPEAL_NEXT_STEPS: dict[str, Promise] = {
    A.FILED: _(
        "The person has appealed against the decision. The MSE division passes the appeal to the "
        "higher MSE body."
    ),
    A.UNDER_REVIEW: _("The higher MSE body reviews the case again and decides on the appeal."),
    A.UPHELD: _(
        "The higher MSE body has decided the appeal and kept the decision. If the person still "
        "disagrees, they may go to court."
    ),
    A.CHANGED: _(
        "The higher MSE body has decided the appeal and changed the decision. If the person still "
        "disagrees, they may go to court."
    ),
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
    appeal_status: str = ""  # the latest appeal's, "" when there is none
    appeal_label: str = ""


def latest_appeal(referral: Referral) -> Appeal | None:
    """The referral's latest appeal; an appeal is filed only against a decision."""
    if referral.status not in (S.DECIDED, S.NOTIFIED):
        return None
    return Appeal.objects.filter(referral=referral).order_by("-recorded_at", "-id").first()


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
    appeal = latest_appeal(referral)
    started_on, due_on = referral.step_started_on, referral.step_due_on
    next_step = NEXT_STEPS.get(referral.status, "")
    if appeal is not None:
        # The step under way is the appeal's: its start and its deadline (none once decided).
        started_on, due_on = appeal.step_started_on, appeal.due_on
        next_step = APPEAL_NEXT_STEPS[appeal.status]
    return StatusView(
        number=referral.number,
        status=referral.status,
        status_label=status_label(referral.status),
        next_step=str(next_step),
        step_started_on=started_on,
        due_on=due_on,
        deadline=deadline_state(due_on).code,
        returns_count=referral.returns_count,
        missing=returned_missing(referral),
        appeal_status=appeal.status if appeal is not None else "",
        appeal_label=appeal.get_status_display() if appeal is not None else "",
    )


def status_for_citizen(referral_id: int) -> StatusView | None:
    """The status the citizen status page was granted for; None once the referral is gone."""
    referral = Referral.objects.filter(pk=referral_id).first()
    return referral_status_view(referral) if referral is not None else None
