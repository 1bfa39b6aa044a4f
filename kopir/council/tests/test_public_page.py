"""The public page of a council: open to everyone, trilingual, and free of citizens' personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import User
from kopir.core.tests.queries import page_queries
from kopir.council import models as m
from kopir.council.models import RecommendationStatus as S
from kopir.council.services.minutes import minutes_assemble, minutes_sign
from kopir.council.tests.factories import (
    LetterFactory,
    MeetingFactory,
    MonitoringVisitFactory,
    PetitionFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import make_recommendations
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db


def _url(council: m.Council) -> str:
    return reverse("council:public_council", kwargs={"slug": council.slug})


def test_anyone_opens_the_public_page_in_each_language(
    council: m.Council, composition: m.Composition, chair: User
) -> None:
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            response = Client().get(_url(council))
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
        assert "Төраға Қайрат Өмірұлы" in response.content.decode()


def test_the_page_shows_the_plan_members_letters_and_only_approved_minutes(
    council: m.Council, held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    plan = WorkPlanFactory.create(
        council=council, status=m.PlanStatus.APPROVED, title="2026 жылғы жоспар"
    )
    WorkPlanItemFactory.create(
        plan=plan, topic="Мектептерді мониторингтеу", status=m.WorkPlanItemStatus.DONE
    )
    LetterFactory.create(council=council, number="2026/3", subject="Отбасы кодексіне түзетулер")
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)
    minutes_url = reverse(
        "council:public_minutes", kwargs={"slug": council.slug, "number": held_meeting.number}
    )

    draft_page = Client().get(_url(council)).content.decode()
    assert minutes_url not in draft_page

    minutes_sign(actor=chair, minutes=minutes, expected_version=minutes.version)
    minutes_sign(actor=secretary, minutes=minutes, expected_version=minutes.version)
    page = Client().get(_url(council)).content.decode()

    assert minutes_url in page
    assert "Мектептерді мониторингтеу" in page
    assert "2026/3" in page
    assert "Отбасы кодексіне түзетулер" in page
    assert "Хатшы Гүлнар Сәрсенқызы" in page


def test_a_plan_item_whose_meeting_was_held_shows_done_not_pending(
    council: m.Council, held_meeting: m.Meeting
) -> None:
    plan = WorkPlanFactory.create(council=council, status=m.PlanStatus.APPROVED)
    item = WorkPlanItemFactory.create(
        plan=plan, topic="Оңалту құралдарымен қамтамасыз ету", status=m.WorkPlanItemStatus.PENDING
    )
    held_meeting.plan_item = item
    held_meeting.save(update_fields=["plan_item"])
    # A meeting that never took place does the item no good.
    MeetingFactory.create(
        council=council, number=8, status=m.MeetingStatus.CANCELLED, plan_item=item
    )

    with translation.override("en"):
        page = Client().get(_url(council)).content.decode()

    row = next(row for row in page.split("</tr>") if "Оңалту құралдарымен" in row)
    assert "Done" in row
    assert "Pending" not in row
    assert f"Meeting № {held_meeting.number}" in row
    assert "Meeting № 8" not in row


def test_recommendations_show_their_status_and_only_the_accepted_answers(
    council: m.Council, answered_in_public: m.Recommendation
) -> None:
    sent_recommendation = answered_in_public
    page = Client().get(_url(council)).content.decode()

    assert sent_recommendation.text in page
    assert "Квота толық орындалды." in page
    assert "Жалтарған жауап." not in page
    assert "Әлі жіберілмеген жоба мәтіні" not in page


def test_an_unknown_or_inactive_council_has_no_public_page(council: m.Council) -> None:
    assert (
        Client().get(reverse("council:public_council", kwargs={"slug": "no-such"})).status_code
        == 404
    )
    council.is_active = False
    council.save()
    assert Client().get(_url(council)).status_code == 404


def test_the_public_page_costs_the_same_queries_for_few_or_many(
    council: m.Council, agency: Organisation
) -> None:
    sent = {
        "status": S.SENT,
        "sent_on": dt.date(2026, 11, 2),
        "answer_due_on": dt.date(2026, 11, 16),
    }

    def add_rows(count: int) -> None:
        make_recommendations(council, agency, count, **sent)
        LetterFactory.create_batch(count, council=council)
        PetitionFactory.create_batch(
            count, council=council, publication=m.PetitionPublication.PUBLISHED
        )
        MonitoringVisitFactory.create_batch(count, council=council)
        MeetingFactory.create_batch(
            count,
            council=council,
            status=m.MeetingStatus.HELD,
            starts_at=timezone.now() - dt.timedelta(days=30),
        )

    client = Client()
    add_rows(2)
    client.get(_url(council))  # Warm the caches a first request fills.
    few = page_queries(client, _url(council))
    add_rows(25)
    many = page_queries(client, _url(council))

    assert few == many
    assert many <= 20


def test_signed_in_staff_see_the_same_public_page(
    council: m.Council, composition: m.Composition, chair: User, officer_client: Client
) -> None:
    response = officer_client.get(_url(council))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert "Төраға Қайрат Өмірұлы" in page


def test_the_page_gives_the_councils_contact_the_accessibility_statement_points_to(
    council: m.Council,
) -> None:
    organisation = council.organisation
    organisation.address = "Орал қ., Достық даңғылы, 1"
    organisation.email = "council@example.kz"
    organisation.phone = "+7 7112 50 00 00"
    organisation.contact_name = "Хатшы Гүлнар Сәрсенқызы"
    organisation.contact_position = "кеңес хатшысы"
    organisation.save()
    labels = {
        "kk": ("Байланыс деректері", "Жауапты тұлға"),
        "ru": ("Контакты", "Ответственное лицо"),
        "en": ("Contacts", "Responsible person"),
    }

    for language, (heading, person_label) in labels.items():
        with translation.override(language):
            page = Client().get(_url(council)).content.decode()
        assert f'<h2 id="contact-title">{heading}</h2>' in page
        assert '<a href="mailto:council@example.kz">council@example.kz</a>' in page
        assert '<a href="tel:+77112500000">+7 7112 50 00 00</a>' in page
        assert "Орал қ., Достық даңғылы, 1" in page
        assert f"<dt>{person_label}</dt><dd>Хатшы Гүлнар Сәрсенқызы, кеңес хатшысы</dd>" in page


def test_a_council_without_a_contact_says_so_rather_than_show_an_empty_list(
    council: m.Council,
) -> None:
    Organisation.objects.filter(pk=council.organisation_id).update(
        address="", email="", phone="", contact_name="", contact_position=""
    )
    with translation.override("en"):
        page = Client().get(_url(council)).content.decode()
    assert "The council has not published its contact details yet." in page
    assert "mailto:" not in page
