"""The tracked message's workflow on the one transition engine (decision 7):
sent → delivered → acknowledged → answered, a timestamp for each step on the message itself; the
sender may withdraw a message not yet answered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from kopir.core.transitions import declare
from kopir.exchange.models import Message, MessageStatus

S = MessageStatus

TRANSITIONS: dict[str, frozenset[str]] = {
    S.SENT: frozenset({S.DELIVERED, S.WITHDRAWN}),
    S.DELIVERED: frozenset({S.ACKNOWLEDGED, S.WITHDRAWN}),
    S.ACKNOWLEDGED: frozenset({S.ANSWERED, S.WITHDRAWN}),
    S.ANSWERED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


REFUSAL = gettext_lazy("A message that is “%(from)s” cannot become “%(to)s”.")
CONFLICT = gettext_lazy(
    "Someone else changed this message after you opened it. Nothing was saved: "
    "reload it to see the current state."
)
# The message's own timestamps and the audit log are its history: no timeline.
MESSAGE_WORKFLOW = declare("exchange.message", Message, TRANSITIONS, REFUSAL, CONFLICT)
