"""The programme on the citizen status page, behind the same one-time code: each measure in plain
words, and the person's confirmation or dispute of a reported result (reopens it, counted,
notified, published, rate-limited, only the person's own measures)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from kopir.notices.models import Notice
from kopir.rehabilitation.models import (
    MeasureEvent,
    MeasureStatus,
    NotDeliveredReason,
    ProgrammeVersionStatus,
)
from kopir.rehabilitation.services import citizen as citizen_service
from kopir.rehabilitation.services.citizen import DISPUTES
from kopir.rehabilitation.tests.factories import MeasureFactory, ProgrammeVersionFactory
from kopir.rehabilitation.tests.fixtures import grant, status_page
from kopir.rehabilitation.tests.followup_fixtures import english_messages as english_messages
from kopir.rehabilitation.tests.followup_fixtures import world as world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]


def answer(client, measure, **data):
    return client.post(reverse("rehabilitation:citizen_measure_answer", args=[measure.pk]), data)


@pytest.fixture
def published(monkeypatch):
    seen = []
    monkeypatch.setattr(
        citizen_service.events, "publish", lambda kind, record: seen.append((kind, record.pk))
    )
    return seen


def test_the_status_page_shows_each_measure_in_plain_words_without_the_diagnosis(client, world):
    page = status_page(client, world.programme.referral_id)
    assert "Your rehabilitation programme" in page
    assert "Hearing aid" in page
    assert "Job placement" in page
    assert world.employment_office.name in page
    assert "The organisation reports it delivered" in page
    assert "The organisation is working on it" in page
    for secret in (
        world.programme.referral.primary_diagnosis.code,
        world.head.get_full_name(),
        "Шешім почтамен",
    ):
        assert secret not in page
    # Only the delivered measure can be answered.
    assert len(re.findall(r'name="answer" value="start_dispute"', page)) == 1


def test_a_dispute_reopens_the_measure_for_the_agency(client, world, published):
    grant(client, world.programme.referral_id)
    response = answer(client, world.hearing, answer="dispute", text="Аппарат құлаққа сай емес")
    assert response.status_code == 302
    world.hearing.refresh_from_db()
    assert world.hearing.status == MeasureStatus.ACCEPTED
    assert world.hearing.dispute_count == 1
    assert world.hearing.last_disputed_at is not None
    assert world.hearing.due_on > timezone.localdate()
    event = MeasureEvent.objects.get(measure=world.hearing, to_status=MeasureStatus.ACCEPTED)
    assert (event.from_status, event.note) == (MeasureStatus.DELIVERED, "Аппарат құлаққа сай емес")
    notice = Notice.objects.get(topic="rehabilitation.measure.disputed")
    assert notice.organisation == world.employment_office
    assert notice.sensitive
    assert published == [("measure.disputed", world.hearing.pk)]

    # Delivered again, disputed again: counted.
    type(world.hearing).objects.filter(pk=world.hearing.pk).update(status=MeasureStatus.DELIVERED)
    answer(client, world.hearing, answer="dispute", text="Әлі де сай емес")
    world.hearing.refresh_from_db()
    assert world.hearing.dispute_count == 2


def test_a_dispute_needs_words_and_an_open_measure_cannot_be_disputed(client, world):
    grant(client, world.programme.referral_id)
    response = answer(client, world.hearing, answer="dispute", text="  ")
    assert response.status_code == 400
    assert "Enter what is wrong" in response.content.decode()
    response = answer(client, world.job, answer="dispute", text="Жұмыс жоқ")
    assert response.status_code == 400
    assert "Only a measure reported delivered or not delivered" in response.content.decode()
    world.hearing.refresh_from_db()
    assert (world.hearing.status, world.hearing.dispute_count) == (MeasureStatus.DELIVERED, 0)


def test_a_confirmation_is_recorded_once(client, world):
    grant(client, world.programme.referral_id)
    assert answer(client, world.hearing, answer="confirm").status_code == 302
    world.hearing.refresh_from_db()
    confirmed = world.hearing.confirmed_at
    assert confirmed is not None
    answer(client, world.hearing, answer="confirm")
    world.hearing.refresh_from_db()
    assert world.hearing.confirmed_at == confirmed
    assert world.hearing.status == MeasureStatus.DELIVERED


def test_only_the_persons_own_measures_and_only_with_the_codes_access(client, world):
    stranger = MeasureFactory.create(status=MeasureStatus.DELIVERED)
    grant(client, world.programme.referral_id)
    assert answer(client, stranger, answer="dispute", text="Менікі емес").status_code == 404
    stranger.refresh_from_db()
    assert stranger.dispute_count == 0

    # Access that has ended, or never was: back to the start, nothing changed.
    grant(client, world.programme.referral_id, minutes=-1)
    response = answer(client, world.hearing, answer="dispute", text="Сай емес")
    assert response.status_code == 302
    assert response.url == reverse("assessment:citizen_status")
    world.hearing.refresh_from_db()
    assert world.hearing.dispute_count == 0


def test_disputes_are_rate_limited_per_address(client, world):
    grant(client, world.programme.referral_id)
    for _ in range(DISPUTES.rate.limit):
        type(world.hearing).objects.filter(pk=world.hearing.pk).update(
            status=MeasureStatus.DELIVERED
        )
        assert answer(client, world.hearing, answer="dispute", text="Сай емес").status_code == 302
    type(world.hearing).objects.filter(pk=world.hearing.pk).update(status=MeasureStatus.DELIVERED)
    response = answer(client, world.hearing, answer="dispute", text="Сай емес")
    assert response.status_code == 429
    world.hearing.refresh_from_db()
    assert world.hearing.dispute_count == DISPUTES.rate.limit


def test_a_dispute_is_written_and_sent_on_a_page_that_names_the_measure(client, world):
    grant(client, world.programme.referral_id)
    page = answer(client, world.hearing, answer="start_dispute")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Dispute the result of “Hearing aid" in text
    assert world.employment_office.name in text
    # The words are needed, and the label says so: no "(optional)", no double brackets.
    assert "What is wrong</label>" in text
    assert "(optional)" not in text
    assert 'value="dispute"' in text
    world.hearing.refresh_from_db()
    assert world.hearing.dispute_count == 0  # nothing sent before the person confirms
    refused = answer(client, world.hearing, answer="dispute", text="")
    assert refused.status_code == 400
    assert "Dispute the result of “Hearing aid" in refused.content.decode()
    assert "Enter what is wrong" in refused.content.decode()


def test_a_programme_still_in_draft_says_so_and_what_happens_next(client, db):
    draft = ProgrammeVersionFactory.create(status=ProgrammeVersionStatus.DRAFT)
    page = status_page(client, draft.programme.referral_id)

    assert "Your rehabilitation programme" in page
    assert draft.programme.number in page
    assert "Being prepared: a draft, not in force yet" in page
    assert "Once it approves it, you are given the programme" in page
    assert "There are no measures to show yet." in page
    assert "Approved and in force" not in page


def test_an_approved_programme_gives_its_number_and_state(client, world):
    ProgrammeVersionFactory.create(
        programme=world.programme,
        sequence=2,
        status=ProgrammeVersionStatus.DRAFT,
        decision=world.version.decision,
    )
    page = status_page(client, world.programme.referral_id)

    assert world.programme.number in page
    assert "Approved and in force" in page
    assert "The MSE division is preparing a new version of it." in page
    assert "There are no measures to show yet." not in page


def test_a_measure_not_delivered_shows_the_reason_the_organisation_recorded(client, world):
    world.hearing.status = MeasureStatus.NOT_DELIVERED
    world.hearing.not_delivered_reason = NotDeliveredReason.NOT_AVAILABLE
    world.hearing.not_delivered_text = "Жеткізуші келісімшартқа қол қоймады"
    world.hearing.save()
    page = status_page(client, world.programme.referral_id)

    assert "The organisation reports it could not be delivered" in page
    assert "Why, as the organisation reports" in page
    assert "it is not available: no supplier, no funds, or the purchase failed." in page
    assert "Жеткізуші келісімшартқа қол қоймады" in page
    # The measure still delivered has no reason line.
    assert page.count("Why, as the organisation reports") == 1


def document(client, programme, lang="kk", extension="pdf"):
    return client.get(
        reverse(
            "rehabilitation:citizen_programme_document",
            kwargs={"programme_id": programme.pk, "lang": lang, "extension": extension},
        )
    )


def test_the_person_gets_their_approved_programme_document(client, world):
    page = status_page(client, world.programme.referral_id)
    url = reverse(
        "rehabilitation:citizen_programme_document",
        kwargs={"programme_id": world.programme.pk, "lang": "ru", "extension": "docx"},
    )
    assert f'href="{url}"' in page

    response = document(client, world.programme, "ru", "docx")
    assert response.status_code == 200
    assert world.programme.number in response["Content-Disposition"]
    assert response.content[:2] == b"PK"


def test_no_document_for_a_draft_for_another_persons_programme_or_without_the_code(client, world):
    draft = ProgrammeVersionFactory.create(status=ProgrammeVersionStatus.DRAFT)
    page = status_page(client, draft.programme.referral_id)
    assert "citizen_programme_document" not in page
    assert "/status/programmes/" not in page
    assert document(client, draft.programme).status_code == 404
    assert document(client, world.programme).status_code == 404  # someone else's

    client.cookies.clear()
    response = document(client, world.programme)
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:citizen_status")


def test_each_measures_history_is_under_it_behind_details_the_latest_first(client, world):
    base = timezone.now() - dt.timedelta(days=5)
    for hours, (from_status, to_status) in enumerate(
        [
            ("", MeasureStatus.ASSIGNED),
            (MeasureStatus.ASSIGNED, MeasureStatus.ACCEPTED),
            (MeasureStatus.ACCEPTED, MeasureStatus.DELIVERED),
        ]
    ):
        MeasureEvent.objects.create(
            measure=world.hearing,
            from_status=from_status,
            to_status=to_status,
            at=base + dt.timedelta(hours=hours),
        )
    page = status_page(client, world.programme.referral_id)

    details = re.search(r'<details class="measure-history">(.*?)</details>', page, re.S)
    assert details is not None
    history = details.group(1)
    assert "What has happened with “Hearing aid”: 3 steps, the latest first" in history
    delivered = history.index("Hearing aid: The organisation reports it delivered")
    assigned = history.index("Hearing aid: Waiting for the organisation to take it on")
    assert delivered < assigned
    # The case's own list no longer repeats every step of every measure.
    case = page[page.index("What has happened so far") :]
    assert "Hearing aid:" not in case
    assert "MSE case" in case
