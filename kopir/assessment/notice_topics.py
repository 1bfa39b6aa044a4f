"""The notices the referral's steps send, each a topic the outbox names (kopir.notices.topics):
the key every notice of it carries, the folder of its texts and its name. Registered from
`apps.py`; the services send a topic with `template=topic.template, topic=topic.key`."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from kopir.notices.topics import NoticeTopic

# The keys are the texts' folders with dots, as the notices were stored before they had names.
SENT_TO_PERSON = NoticeTopic(
    "assessment.notices.referral_sent_person",
    "assessment/notices/referral_sent_person",
    _("MSE referral sent (to the person)"),
)
ACCEPTED_TO_PERSON = NoticeTopic(
    "assessment.notices.referral_accepted_person",
    "assessment/notices/referral_accepted_person",
    _("MSE referral accepted (to the person)"),
)
RETURNED = NoticeTopic(
    "assessment.notices.referral_returned",
    "assessment/notices/referral_returned",
    _("MSE referral returned for completion (to the clinic)"),
)
RETURNED_TO_PERSON = NoticeTopic(
    "assessment.notices.referral_returned_person",
    "assessment/notices/referral_returned_person",
    _("MSE referral returned for completion (to the person)"),
)
DECIDED = NoticeTopic(
    "assessment.notices.decision_made",
    "assessment/notices/decision_made",
    _("MSE decision (to the person)"),
)
APPEAL_FILED = NoticeTopic(
    "assessment.notices.appeal_filed",
    "assessment/notices/appeal_filed",
    _("Appeal received (to the person)"),
)
APPEAL_RESOLVED = NoticeTopic(
    "assessment.notices.appeal_resolved",
    "assessment/notices/appeal_resolved",
    _("Result of the appeal (to the person)"),
)
ACCESS_CODE = NoticeTopic(
    "assessment.citizen.access_code",
    "assessment/citizen/notices/access_code",
    _("Code for the referral status page (to the person)"),
)

NOTICE_TOPICS = (
    SENT_TO_PERSON,
    ACCEPTED_TO_PERSON,
    RETURNED,
    RETURNED_TO_PERSON,
    DECIDED,
    APPEAL_FILED,
    APPEAL_RESOLVED,
    ACCESS_CODE,
)
