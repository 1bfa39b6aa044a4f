"""The letters register: numbers unique per council, linked recommendations, replies, files."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import User
from kopir.core import sample_files
from kopir.core.errors import AccessDenied, DomainError
from kopir.council import models as m
from kopir.council.forms_followup_visits import LetterForm, LetterReplyForm
from kopir.council.services.letters import letter_create, letter_reply_add, next_letter_number
from kopir.council.tests.factories import CouncilFactory, LetterFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import assert_council_record_pages, english_refusals
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = sample_files.pdf("synthetic letter")


@pytest.fixture
def mazhilis(db: None) -> Organisation:
    return OrganisationFactory.create(kind=OrganisationKind.PARLIAMENT, name_kk="Мәжіліс")


def _register(
    secretary: User,
    council: m.Council,
    mazhilis: Organisation,
    sent_on: dt.date,
    subject: str,
    **fields: Any,
) -> m.Letter:
    """The secretary registers a letter to the Mazhilis."""
    return letter_create(
        actor=secretary,
        council=council,
        sent_on=sent_on,
        addressee=mazhilis,
        subject=subject,
        **fields,
    )


@pytest.fixture
def letter(
    council: m.Council, mazhilis: Organisation, secretary: User, recommendation: m.Recommendation
) -> m.Letter:
    return _register(
        secretary,
        council,
        mazhilis,
        dt.date(2026, 5, 20),
        "Неке және отбасы туралы кодекске түзетулер",
        number="2026/1",
        recommendations=[recommendation],
        upload=SimpleUploadedFile("letter.pdf", PDF),
        reply_due_on=dt.date(2026, 6, 20),
    )


def test_a_number_is_unique_within_a_council_but_not_across_councils(
    letter: m.Letter, council: m.Council, mazhilis: Organisation, secretary: User
) -> None:
    with pytest.raises(DomainError):
        _register(
            secretary, council, mazhilis, dt.date(2026, 5, 21), "Қайталанған нөмір", number="2026/1"
        )
    LetterFactory.create(council=CouncilFactory.create(), number="2026/1")
    assert next_letter_number(council, 2026) == "2026/2"


def test_a_letter_carries_only_this_councils_recommendations(
    council: m.Council, mazhilis: Organisation, secretary: User
) -> None:
    from kopir.council.tests.factories import RecommendationFactory

    foreign = RecommendationFactory.create()
    with pytest.raises(DomainError):
        _register(
            secretary,
            council,
            mazhilis,
            dt.date(2026, 5, 21),
            "x",
            number="2026/9",
            recommendations=[foreign],
        )


def test_a_reply_is_recorded_and_cannot_predate_the_letter(
    letter: m.Letter, secretary: User, member: User
) -> None:
    with pytest.raises(DomainError):
        letter_reply_add(
            actor=secretary,
            letter=letter,
            received_on=dt.date(2026, 5, 1),
            from_whom="M",
            summary="x",
        )
    with pytest.raises(AccessDenied):
        letter_reply_add(
            actor=member, letter=letter, received_on=dt.date(2026, 6, 1), from_whom="M", summary="x"
        )
    reply = letter_reply_add(
        actor=secretary,
        letter=letter,
        received_on=dt.date(2026, 6, 10),
        from_whom="Мәжіліс аппараты",
        summary="Ұсыныстар жұмыс тобына жіберілді.",
    )
    assert list(letter.replies.all()) == [reply]


def test_a_replys_sender_is_labelled_as_the_sender_not_a_period_bound() -> None:
    """The body that replied, not a period's "From", which reads "since" (Бастап, С)."""
    for language, sender in (("kk", "Жіберуші"), ("ru", "Отправитель")):
        with translation.override(language):
            assert str(LetterReplyForm().fields["from_whom"].label) == sender


def test_who_may_open_the_letter_pages(
    letter: m.Letter, secretary_client: Client, member_client: Client, outsider_client: Client
) -> None:
    slug = letter.council.slug
    assert_council_record_pages(
        [
            reverse("council:letter_list", kwargs={"slug": slug}),
            reverse("council:letter_detail", kwargs={"slug": slug, "pk": letter.pk}),
            reverse("council:letter_file", kwargs={"slug": slug, "pk": letter.pk}),
        ],
        [
            reverse("council:letter_create", kwargs={"slug": slug}),
            reverse("council:letter_reply_add", kwargs={"slug": slug, "pk": letter.pk}),
        ],
        secretary_client=secretary_client,
        member_client=member_client,
        outsider_client=outsider_client,
    )


def test_the_secretary_registers_a_letter_and_its_reply_through_the_pages(
    council: m.Council,
    mazhilis: Organisation,
    recommendation: m.Recommendation,
    secretary_client: Client,
) -> None:
    created = secretary_client.post(
        reverse("council:letter_create", kwargs={"slug": council.slug}),
        {
            "number": "2026/7",
            "sent_on": "2026-05-20",
            "addressee": mazhilis.pk,
            "subject": "Тұрмыстық зорлық-зомбылық туралы заңға түзетулер",
            "subject_ru": "Поправки в закон о бытовом насилии",
            "recommendations": [recommendation.pk],
            "file": SimpleUploadedFile("letter.docx", sample_files.docx()),
        },
    )
    letter = m.Letter.objects.get()
    assert created.status_code == 302
    assert list(letter.recommendations.all()) == [recommendation]
    reply = secretary_client.post(
        reverse("council:letter_reply_add", kwargs={"slug": council.slug, "pk": letter.pk}),
        {
            "received_on": "2026-06-02",
            "from_whom": "Мәжіліс",
            "summary": "Қаралды.",
        },
    )
    assert reply.status_code == 302
    page = secretary_client.get(
        reverse("council:letter_detail", kwargs={"slug": council.slug, "pk": letter.pk})
    )
    html = page.content.decode()
    assert "Қаралды." in html
    # The subject in both languages, side by side.
    assert '<p lang="kk">Тұрмыстық зорлық-зомбылық туралы заңға түзетулер</p>' in html
    assert '<p lang="ru">Поправки в закон о бытовом насилии</p>' in html
    assert letter.subject_ru == "Поправки в закон о бытовом насилии"


def test_a_duplicate_number_is_explained_on_the_form(
    letter: m.Letter, mazhilis: Organisation, secretary_client: Client
) -> None:
    response = secretary_client.post(
        reverse("council:letter_create", kwargs={"slug": letter.council.slug}),
        {
            "number": "2026/1",
            "sent_on": "2026-05-21",
            "addressee": mazhilis.pk,
            "subject": "x",
        },
    )
    assert response.status_code == 400
    assert m.Letter.objects.count() == 1


def test_the_letter_list_costs_the_same_queries_for_few_or_many(
    council: m.Council,
    mazhilis: Organisation,
    secretary_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    url = reverse("council:letter_list", kwargs={"slug": council.slug})
    LetterFactory.create_batch(2, council=council, addressee=mazhilis)
    secretary_client.get(url)
    LetterFactory.create_batch(30, council=council, addressee=mazhilis)
    with django_assert_max_num_queries(11):  # the header's unread notifications count included
        response = secretary_client.get(url)
    assert response.context["page_obj"].has_next()


def test_a_letter_without_a_number_takes_the_next_after_those_given_by_hand(
    letter: m.Letter, council: m.Council, mazhilis: Organisation, secretary: User
) -> None:
    by_hand = _register(
        secretary, council, mazhilis, dt.date(2026, 5, 21), "Қолмен берілген нөмір", number="2026/5"
    )
    numbered = _register(secretary, council, mazhilis, dt.date(2026, 5, 22), "Тізілім берген нөмір")
    next_year = _register(secretary, council, mazhilis, dt.date(2027, 1, 12), "Келесі жыл")

    assert (letter.number, by_hand.number) == ("2026/1", "2026/5")
    assert numbered.number == "2026/6"
    assert next_year.number == "2027/1"


def test_the_form_leaves_the_number_to_the_register_and_names_the_next_one(
    letter: m.Letter, mazhilis: Organisation, secretary_client: Client
) -> None:
    url = reverse("council:letter_create", kwargs={"slug": letter.council.slug})
    page = secretary_client.get(url)
    assert page.context["form"]["number"].value() in (None, "")
    assert f"{timezone.localdate().year}/" in page.context["form"].fields["number"].help_text

    created = secretary_client.post(
        url, {"number": "", "sent_on": "2026-05-21", "addressee": mazhilis.pk, "subject": "x"}
    )

    assert created.status_code == 302
    assert m.Letter.objects.filter(council=letter.council, number="2026/2").exists()


def test_each_empty_required_field_of_a_letter_is_named_in_its_own_words(
    council: m.Council,
) -> None:
    """The letter's date and addressee and the reply's date, sender and summary each said only
    "This field is required."; the addressee's list began with "---------"."""
    letter = LetterForm({}, council=council)
    reply = LetterReplyForm({})
    errors, first_addressee = english_refusals(
        [
            (letter, "sent_on"),
            (letter, "addressee"),
            (reply, "received_on"),
            (reply, "from_whom"),
            (reply, "summary"),
        ],
        letter["addressee"],
    )
    assert errors == [
        "Enter the date of the letter.",
        "Choose the addressee of the letter.",
        "Enter the date the reply came.",
        "Enter who replied.",
        "Enter what the reply says.",
    ]
    assert first_addressee == "Choose an organisation"
