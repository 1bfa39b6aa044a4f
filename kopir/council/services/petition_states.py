"""The petition's life: registered → on the agenda → considered → answered.

The table is the one place the allowed moves are listed. Other services (the agenda, holding or
cancelling a meeting, answering) move a petition only through `petition_transition`.

- registered → on the agenda (put on a meeting's agenda), or answered directly (e.g. outside
  the council's remit, answered without a meeting);
- on the agenda → considered (the meeting was held), or back to registered (the meeting was
  cancelled or the item removed);
- considered → answered, or on the agenda again (a later meeting returns to it);
- answered: final.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditChannel
from kopir.core.transitions import Move, declare, timeline
from kopir.council.models import Petition, PetitionEvent, PetitionPublication, PetitionStatus

PETITION_TRANSITIONS: dict[str, frozenset[str]] = {
    PetitionStatus.REGISTERED: frozenset({PetitionStatus.ON_AGENDA, PetitionStatus.ANSWERED}),
    PetitionStatus.ON_AGENDA: frozenset({PetitionStatus.CONSIDERED, PetitionStatus.REGISTERED}),
    PetitionStatus.CONSIDERED: frozenset({PetitionStatus.ANSWERED, PetitionStatus.ON_AGENDA}),
    PetitionStatus.ANSWERED: frozenset(),
}


@timeline(PetitionEvent)
def _write_event(move: Move) -> None:
    PetitionEvent.objects.create(**move.event_columns("petition"))


# Both of the petition's workflows refuse a step by naming the status it is in.
REFUSAL = gettext_lazy("The petition is “%(status)s”: this step is not possible now.")
CONFLICT = gettext_lazy(
    "Someone else changed this petition after you opened it. Nothing was saved: reload it."
)
PETITION_WORKFLOW = declare(
    "council.petition", Petition, PETITION_TRANSITIONS, REFUSAL, CONFLICT, _write_event
)


def can_move(petition: Petition, to: str) -> bool:
    return PETITION_WORKFLOW.allows(petition.status, to)


def petition_transition(
    *,
    actor: Any,
    petition: Petition,
    to: str,
    extra_fields: tuple[str, ...] = (),
    expected_version: int | None = None,
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Petition:
    """Move the petition to `to`, saving the values the caller set on `extra_fields` with it.

    `expected_version` is the version the user read; the cascades (a meeting held or cancelled,
    an agenda item added or removed) pass None and are judged on the stored status. Runs in its
    own (nested) transaction with the petition's timeline event and audit record.
    """
    return PETITION_WORKFLOW.transition(
        record=petition,
        to=to,
        actor=actor,
        expected_version=expected_version,
        changes={name: getattr(petition, name) for name in extra_fields},
        request=request,
        channel=channel,
    )


# Publication is a second workflow over the same record: whether the public page lists the
# petition. Nothing is public before the secretary has reviewed it; a published petition can be
# withdrawn from the page and published again (with its title and summary reviewed anew). Its
# history is the audit log: the petition's timeline keeps the petition's own status.
PETITION_PUBLICATION_WORKFLOW = declare(
    "council.petition_publication",
    Petition,
    {
        PetitionPublication.AWAITING: frozenset(
            {PetitionPublication.PUBLISHED, PetitionPublication.WITHHELD}
        ),
        PetitionPublication.PUBLISHED: frozenset({PetitionPublication.WITHHELD}),
        PetitionPublication.WITHHELD: frozenset({PetitionPublication.PUBLISHED}),
    },
    REFUSAL,
    CONFLICT,
    status_field="publication",
)
