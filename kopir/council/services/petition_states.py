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
from django.utils.translation import gettext as _

from kopir.audit.models import AuditAction, AuditChannel
from kopir.audit.services import audit_record
from kopir.core.errors import DomainError
from kopir.council.models import Petition, PetitionStatus

PETITION_TRANSITIONS: dict[str, frozenset[str]] = {
    PetitionStatus.REGISTERED: frozenset({PetitionStatus.ON_AGENDA, PetitionStatus.ANSWERED}),
    PetitionStatus.ON_AGENDA: frozenset({PetitionStatus.CONSIDERED, PetitionStatus.REGISTERED}),
    PetitionStatus.CONSIDERED: frozenset({PetitionStatus.ANSWERED, PetitionStatus.ON_AGENDA}),
    PetitionStatus.ANSWERED: frozenset(),
}


def can_move(petition: Petition, to: str) -> bool:
    return to in PETITION_TRANSITIONS.get(petition.status, frozenset())


def petition_transition(
    *,
    actor: Any,
    petition: Petition,
    to: str,
    extra_fields: tuple[str, ...] = (),
    request: HttpRequest | None = None,
    channel: AuditChannel | str = AuditChannel.WEB,
) -> Petition:
    """Move the petition to `to` and save it with `extra_fields`. Call inside a transaction."""
    if not can_move(petition, to):
        raise DomainError(
            _("The petition is “%(status)s”: this step is not possible now.")
            % {"status": petition.get_status_display()}
        )
    petition.status = to
    fields = ["status", *extra_fields]
    petition.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        target=petition,
        request=request,
        channel=channel,
        fields=fields,
    )
    return petition
