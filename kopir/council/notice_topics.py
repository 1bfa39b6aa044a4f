"""The notices the council sends (invitations, petition notices, recommendation alerts), each a
topic the outbox names (kopir.notices.topics): the key every notice of it carries, the folder of
its texts and its name. Registered from `apps.py`; the services send a topic with
`template=topic.template, topic=topic.key`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kopir.notices.topics import NoticeTopic

TEMPLATES = "council/notices"

MEETING_INVITATION = NoticeTopic(
    "council.meeting_invitation",
    f"{TEMPLATES}/meeting_invitation",
    _("Invitation to a council meeting, or its change"),
)
MEETING_CANCELLED = NoticeTopic(
    "council.meeting_cancelled",
    f"{TEMPLATES}/meeting_cancelled",
    _("Council meeting cancelled"),
)
MEETING_REMINDER = NoticeTopic(
    "council.meeting_reminder",
    f"{TEMPLATES}/meeting_reminder",
    _("Reminder of a council meeting tomorrow"),
)
PETITION_REGISTERED = NoticeTopic(
    "council.petition_registered",
    f"{TEMPLATES}/petition_registered",
    _("Petition registered (to the petitioner)"),
)
PETITION_ANSWERED = NoticeTopic(
    "council.petition_answered",
    f"{TEMPLATES}/petition_answered",
    _("Answer to a petition (to the petitioner)"),
)
PETITION_PUBLISHED = NoticeTopic(
    "council.petition_published",
    f"{TEMPLATES}/petition_published",
    _("Petition published on the council's page (to the petitioner)"),
)
RECOMMENDATION_SENT = NoticeTopic(
    "council.recommendation.sent",
    f"{TEMPLATES}/recommendation_sent",
    _("Council recommendation sent (to the addressee)"),
)
RECOMMENDATION_ANSWERED = NoticeTopic(
    "council.recommendation.answered",
    f"{TEMPLATES}/recommendation_answered",
    _("Answer to a recommendation received (to the council)"),
)
RECOMMENDATION_VERDICT = NoticeTopic(
    "council.recommendation.verdict",
    f"{TEMPLATES}/recommendation_verdict",
    _("The council's verdict on an answer (to the addressee)"),
)
RECOMMENDATION_REMINDER = NoticeTopic(
    "council.recommendation.reminder",
    f"{TEMPLATES}/recommendation_reminder",
    _("Reminder: an answer to a recommendation is due (to the addressee)"),
)
RECOMMENDATION_ESCALATION = NoticeTopic(
    "council.recommendation.escalation",
    f"{TEMPLATES}/recommendation_escalation",
    _("Overdue: no answer to a recommendation"),
)

NOTICE_TOPICS = (
    MEETING_INVITATION,
    MEETING_CANCELLED,
    MEETING_REMINDER,
    PETITION_REGISTERED,
    PETITION_ANSWERED,
    PETITION_PUBLISHED,
    RECOMMENDATION_SENT,
    RECOMMENDATION_ANSWERED,
    RECOMMENDATION_VERDICT,
    RECOMMENDATION_REMINDER,
    RECOMMENDATION_ESCALATION,
)
