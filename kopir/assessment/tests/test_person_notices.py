"""The person hears of every key step of their referral — sent (with the number that opens the
status page), accepted, returned, decided, appealed — in their language and format, queued in the
same transaction as the step."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from kopir.assessment.models import Outcome, ReferralStatus
from kopir.assessment.services.completeness import IncompleteReferral
from kopir.assessment.services.decision import referral_notify
from kopir.assessment.services.division import referral_accept
from kopir.assessment.services.outcome_rules import OutcomeInput
from kopir.assessment.services.referrals import referral_send
from kopir.assessment.tests.clinic_fixtures import complete_vision_referral
from kopir.assessment.tests.division_fixtures import (
    decided,
    filed_appeal,
    notified,
    returned,
    sent,
)
from kopir.assessment.workflow import step_due_on
from kopir.notices.models import (
    Notice,
    NoticeChannel,
    NoticeFormat,
    NoticeStatus,
    RecipientKind,
)
from kopir.people.models import AccessibilityNeed

# Every test here needs the codes, the demo rules and the division.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]

SENT = "assessment.notices.referral_sent_person"
ACCEPTED = "assessment.notices.referral_accepted_person"
APPEAL_FILED = "assessment.notices.appeal_filed"
DECIDED = "assessment.notices.decision_made"


def to_person(person, topic: str) -> list[Notice]:
    return list(
        Notice.objects.filter(
            recipient_kind=RecipientKind.PERSON, person=person, topic=topic
        ).order_by("pk")
    )


def test_sending_tells_the_person_the_number_the_division_and_its_deadline(clinician, identifiable):
    referral = sent(clinician, identifiable)

    [notice] = to_person(identifiable, SENT)
    assert referral.number in notice.subject
    assert referral.number in notice.body
    assert notice.language == "kk"  # the person's language
    with translation.override("kk"):
        assert str(referral.mse_division.name) in notice.body
    assert f"{referral.step_due_on:%d.%m.%Y}" in notice.body  # the date the division checks it by
    assert "ешқайда барудың қажеті жоқ" in notice.body  # in absentia: "no need to go anywhere"
    assert notice.address == identifiable.email
    assert notice.status == NoticeStatus.QUEUED


def test_a_resent_referral_says_so_in_the_persons_language(clinician, identifiable, specialist):
    identifiable.preferred_language = "ru"
    identifiable.save()
    referral = returned(clinician, identifiable, specialist, "Perimetry chart of both eyes")

    referral_send(actor=clinician, referral=referral, expected_version=referral.version)

    first, second = to_person(identifiable, SENT)
    assert (first.language, second.language) == ("ru", "ru")
    assert "снова" not in first.subject
    assert "снова" in second.subject  # "sent again"
    assert "дополнила ваше направление" in second.body  # "completed your referral"


def test_an_incomplete_referral_that_is_not_sent_tells_no_one(clinician, identifiable):
    referral = complete_vision_referral(clinician, identifiable)
    referral.attachments.all().delete()

    with pytest.raises(IncompleteReferral):
        referral_send(actor=clinician, referral=referral, expected_version=referral.version)

    assert not Notice.objects.exists()


def test_acceptance_tells_the_person_when_the_decision_is_expected(
    clinician, identifiable, specialist
):
    referral = sent(clinician, identifiable)

    referral = referral_accept(
        actor=specialist, referral=referral, expected_version=referral.version
    )

    [notice] = to_person(identifiable, ACCEPTED)
    assert referral.step_due_on is not None
    expected = step_due_on(ReferralStatus.ASSIGNED, referral.step_due_on)
    assert expected is not None
    assert expected > referral.step_due_on
    assert f"{expected:%d.%m.%Y}" in notice.body
    assert "Үш сарапшы" in notice.body  # "Three experts review your documents"


def test_the_notice_is_in_the_persons_language_and_easy_read_when_they_need_it(
    clinician, identifiable
):
    identifiable.preferred_language = "kk"
    identifiable.email = ""
    identifiable.phone = ""
    identifiable.accessibility_needs = [AccessibilityNeed.EASY_READ]
    identifiable.save()
    # Without an address of the person's own, the representative reads it, in their language.
    representative = identifiable.legal_representative
    representative.email = "okil@example.test"
    representative.preferred_language = "kk"
    representative.accessibility_needs = [AccessibilityNeed.EASY_READ]
    representative.save()

    referral = sent(clinician, identifiable)

    [notice] = to_person(identifiable, SENT)
    assert notice.address == "okil@example.test"
    assert notice.language == "kk"
    assert notice.format == NoticeFormat.EASY_READ
    assert referral.number in notice.body
    assert "Бұл нөмірді сақтаңыз." in notice.body  # "Keep this number." in easy-read Kazakh


def test_an_appeal_filed_tells_the_person_where_it_went_and_by_when(
    clinician, identifiable, head, experts, specialist
):
    referral = notified(clinician, identifiable, head, experts)

    appeal = filed_appeal(referral, specialist)

    [notice] = to_person(identifiable, APPEAL_FILED)
    assert referral.number in notice.subject
    with translation.override(notice.language):
        assert str(appeal.higher_body.name) in notice.body
    assert notice.related_id == str(appeal.pk)
    steps = [
        n.topic.rsplit(".", 1)[1] for n in Notice.objects.filter(person=identifiable).order_by("pk")
    ]
    assert steps == [
        "referral_sent_person",
        "referral_accepted_person",
        "decision_made",
        "appeal_filed",
    ]


def test_a_russian_notice_ends_its_date_with_a_single_full_stop(
    clinician, identifiable, specialist
):
    identifiable.preferred_language = "ru"
    identifiable.save()
    referral = sent(clinician, identifiable)
    referral_accept(actor=specialist, referral=referral, expected_version=referral.version)

    [notice] = to_person(identifiable, ACCEPTED)
    assert "Решение ожидается до" in notice.body
    assert " г.." not in notice.body
    assert re.search(r"до \d{1,2} \w+ \d{4} г\.", notice.body)


# Where the decision is read, in each language (the status page, behind a one-time code).
WHERE_TO_READ = {
    "kk": "Шешімді Kopir мәртебе бетінде жолдама нөмірі мен ЖСН-іңіз арқылы оқи аласыз",
    "ru": "Решение можно прочитать на странице статуса в Kopir по номеру направления",
    "en": "You can read the decision on Kopir's status page with the referral number",
}
NOT_ESTABLISHED_IN = {
    "kk": "Мүгедектік белгіленбеді.",
    "ru": "Инвалидность не установлена.",
    "en": "Disability is not established.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize(
    ("channel", "need"),
    [
        (NoticeChannel.EMAIL, None),
        (NoticeChannel.EMAIL, AccessibilityNeed.EASY_READ),
        (NoticeChannel.EMAIL, AccessibilityNeed.LARGE_PRINT),
        (NoticeChannel.EMAIL, AccessibilityNeed.BRAILLE),
        (NoticeChannel.SMS, None),
    ],
)
def test_a_refusal_tells_the_outcome_and_where_to_read_it_but_not_the_reasons(
    clinician, identifiable, head, experts, language, channel, need
):
    """The division's reasons weigh the person's health: the status page keeps them off, and so
    does every form of the message, which says the outcome and where the decision is read."""
    identifiable.preferred_language = language
    identifiable.accessibility_needs = [need] if need else []
    if channel == NoticeChannel.SMS:
        identifiable.email = ""
    identifiable.save()
    reasons = "Көру өрісі екі көзде де 40 градусқа дейін тарылған"
    refusal = OutcomeInput(outcome=Outcome.NOT_ESTABLISHED, reasons=f"{reasons}.")
    referral = decided(clinician, identifiable, head, experts, decision=refusal)
    assert reasons in referral.decisions.get().reasons

    referral_notify(actor=head, referral=referral, expected_version=referral.version)

    [notice] = to_person(identifiable, DECIDED)
    assert (notice.channel, notice.language) == (channel, language)
    # Braille wraps lines: compare the words, whatever breaks them.
    body = " ".join(notice.body.split())
    assert reasons not in body
    assert reasons not in notice.subject
    assert referral.number in notice.subject
    if channel == NoticeChannel.EMAIL and need != AccessibilityNeed.EASY_READ:
        assert NOT_ESTABLISHED_IN[language] in body
        assert WHERE_TO_READ[language] in body


# Where the decision is read, in the easy-read words of each language (the same as the standard
# message says: the status page, with the referral number and the IIN, behind a code).
EASY_WHERE_TO_READ = {
    "kk": (
        "Шешімді Kopir мәртебе бетінде оқи аласыз.",
        "Ол үшін жолдама нөмірі мен ЖСН-іңіз керек.",
        "Бетті ашу үшін сізге код жібереміз.",
    ),
    "ru": (
        "Решение можно прочитать на странице статуса в Kopir.",
        "Для этого нужны номер направления и ваш ИИН.",
        "Чтобы открыть страницу, мы пришлём вам код.",
    ),
    "en": (
        "You can read the decision on the Kopir status page.",
        "You need your referral number and your IIN.",
        "We send you a code to open the page.",
    ),
}
EASY_REFUSAL_WHY = {
    "kk": "МӘС бөлімі сізге шешімді жазбаша жібереді. Онда себебі жазылған.",
    "ru": "Отдел МСЭ пришлёт вам решение в письменном виде. В нём написано, почему.",
    "en": "The MSE division sends you the decision in writing. It says why.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("outcome", [Outcome.ESTABLISHED, Outcome.NOT_ESTABLISHED])
def test_the_easy_read_decision_says_where_to_read_it_in_plain_words(
    clinician, identifiable, head, experts, language, outcome
):
    """The standard message says where the decision is read; the easy-read one said only the
    outcome and left the person without the way to the decision."""
    identifiable.preferred_language = language
    identifiable.accessibility_needs = [AccessibilityNeed.EASY_READ]
    identifiable.save()
    reasons = "Көру өрісі екі көзде де 40 градусқа дейін тарылған"
    if outcome == Outcome.ESTABLISHED:
        referral = decided(clinician, identifiable, head, experts)
    else:
        refusal = OutcomeInput(outcome=Outcome.NOT_ESTABLISHED, reasons=f"{reasons}.")
        referral = decided(clinician, identifiable, head, experts, decision=refusal)

    referral_notify(actor=head, referral=referral, expected_version=referral.version)

    [notice] = to_person(identifiable, DECIDED)
    assert (notice.format, notice.language) == (NoticeFormat.EASY_READ, language)
    for sentence in EASY_WHERE_TO_READ[language]:
        assert sentence in notice.body
    # A refusal says where its reasons are written, never the reasons themselves.
    assert (EASY_REFUSAL_WHY[language] in notice.body) == (outcome == Outcome.NOT_ESTABLISHED)
    assert reasons not in notice.body
