"""The rehabilitation measure's state machine, on the one engine (`core/transitions.py`).

assigned → accepted → scheduled → delivered | not delivered. A redirect to another organisation
(an organisation that is not responsible) is a move back to "assigned" with the new owner and its
new due date saved in the same UPDATE; a dispute by the person reopens a reported result
("accepted" again, for the same organisation); a new programme version that drops the measure
cancels it. Every move writes a `MeasureEvent` and an audit record.
"""

from __future__ import annotations

from typing import Final

from django.utils import timezone
from django.utils.translation import gettext_lazy

from kopir.core.transitions import Move, declare, timeline
from kopir.rehabilitation.models import Measure as MeasureModel
from kopir.rehabilitation.models import MeasureEvent, MeasureStatus

S = MeasureStatus

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    # A move to ASSIGNED from an open state is a redirect to another organisation.
    S.ASSIGNED: frozenset({S.ACCEPTED, S.ASSIGNED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.SCHEDULED, S.DELIVERED, S.NOT_DELIVERED, S.ASSIGNED, S.CANCELLED}),
    S.SCHEDULED: frozenset({S.SCHEDULED, S.DELIVERED, S.NOT_DELIVERED, S.ASSIGNED, S.CANCELLED}),
    # The person disputes the reported result: the organisation works it again.
    S.DELIVERED: frozenset({S.ACCEPTED}),
    S.NOT_DELIVERED: frozenset({S.ACCEPTED}),
    S.CANCELLED: frozenset(),
}


@timeline(MeasureEvent)
def _write_event(move: Move) -> None:
    MeasureEvent.objects.create(
        **move.event_columns("measure"),
        organisation=move.context.get("organisation"),
        at=move.context.get("at") or timezone.now(),
        # Kopir's own note by its code, rendered in each reader's language (MeasureNote).
        note_code=move.context.get("note_code", ""),
        note_values=move.context.get("note_values") or {},
    )


_CANNOT_GO = gettext_lazy("A measure cannot go from “%(from)s” to “%(to)s”.")
# A step of an accepted measure, tried on one still assigned (a page kept open, an address
# typed): the way on, not the table's words.
_ACCEPT_FIRST = gettext_lazy(
    "Accept the measure first, on its page: only a measure your organisation has accepted can "
    "be scheduled or reported."
)
_STEPS_OF_AN_ACCEPTED_MEASURE = frozenset({S.SCHEDULED, S.DELIVERED, S.NOT_DELIVERED})


def _refusal(source: str, target: str) -> str:
    """The message of a move the table does not allow, in the active language."""
    if source == S.ASSIGNED and target in _STEPS_OF_AN_ACCEPTED_MEASURE:
        return str(_ACCEPT_FIRST)
    return str(_CANNOT_GO) % {"from": S(source).label, "to": S(target).label}


CONFLICT = gettext_lazy(
    "Someone else changed this measure after you opened it. Nothing was saved; check the "
    "latest state and try again."
)
MEASURE_WORKFLOW: Final = declare(
    "rehabilitation.measure", MeasureModel, TRANSITIONS, _refusal, CONFLICT, _write_event
)
