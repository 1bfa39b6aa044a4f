"""The notices rehabilitation sends to the organisations that hold measures, each a topic the
outbox names (kopir.notices.topics): the key every notice of it carries, the folder of its texts
and its name. Registered from `apps.py`; the services send a topic with
`template=topic.template, topic=topic.key`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kopir.notices.topics import NoticeTopic

TEMPLATES = "rehabilitation/notices"

MEASURE_ASSIGNED = NoticeTopic(
    "rehabilitation.measure.assigned",
    f"{TEMPLATES}/measure_assigned",
    _("Rehabilitation measure assigned (to the organisation)"),
)
MEASURE_CLOSED = NoticeTopic(
    "rehabilitation.measure.closed",
    f"{TEMPLATES}/measure_closed",
    _("Rehabilitation measure closed: its programme ended"),
)
# The key has kept its underscore: the notices already stored carry it.
MEASURE_REDIRECTED = NoticeTopic(
    "rehabilitation.measure_redirected",
    f"{TEMPLATES}/measure_redirected",
    _("Rehabilitation measure passed to another organisation"),
)
MEASURE_DISPUTED = NoticeTopic(
    "rehabilitation.measure.disputed",
    f"{TEMPLATES}/measure_disputed",
    _("Rehabilitation measure's result disputed by the person"),
)
# One text for every tier of an overdue measure, told to someone higher each time
# (services/deadlines.py): the tier is in the key, so the outbox tells them apart.
ESCALATIONS = {
    1: NoticeTopic(
        "rehabilitation.measure.escalation.1",
        f"{TEMPLATES}/measure_escalation",
        _("Overdue rehabilitation measure: to the officer in charge"),
    ),
    2: NoticeTopic(
        "rehabilitation.measure.escalation.2",
        f"{TEMPLATES}/measure_escalation",
        _("Overdue rehabilitation measure: to the head of the organisation"),
    ),
    3: NoticeTopic(
        "rehabilitation.measure.escalation.3",
        f"{TEMPLATES}/measure_escalation",
        _("Overdue rehabilitation measure: to the regional department"),
    ),
}

NOTICE_TOPICS = (
    MEASURE_ASSIGNED,
    MEASURE_CLOSED,
    MEASURE_REDIRECTED,
    MEASURE_DISPUTED,
    *ESCALATIONS.values(),
)
