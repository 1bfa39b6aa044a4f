"""The tracked message's workflow on the one transition engine (decision 7):
sent → delivered → acknowledged → answered, a timestamp for each step on the message itself; the
sender may withdraw a message not yet answered."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record
from kopir.core.transitions import Workflow, edges, no_timeline
from kopir.exchange.models import Message, MessageStatus

S = MessageStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.DELIVERED, S.WITHDRAWN}),
    S.DELIVERED: frozenset({S.ACKNOWLEDGED, S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset({S.ANSWERED, S.WITHDRAWN}),
    S.ANSWERED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def _refuse(source: str, target: str) -> str:
    labels = dict(MessageStatus.choices)
    return _("A message that is “%(from)s” cannot become “%(to)s”.") % {
        "from": labels.get(source, source),
        "to": labels.get(target, target),
    }


MESSAGE_WORKFLOW = Workflow(
    name="exchange.message",
    model=Message,
    edges=edges(TRANSITIONS),
    # The message's own timestamps and the audit log are its history.
    write_event=no_timeline,
    event_model=None,
    audit=partial(audit_record, action=AuditAction.UPDATE),
    refusal=_refuse,
    conflict=gettext_lazy(
        "Someone else changed this message after you opened it. Nothing was saved: "
        "reload it to see the current state."
    ),
)
