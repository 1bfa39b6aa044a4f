"""Every follow-up page, as the secretary, a member, the addressee's officer, another body's
officer and an anonymous visitor: each gets the page or a refusal, never someone else's data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import User
from kopir.core import sample_files
from kopir.council import models as m
from kopir.council.services import letters as letter_services
from kopir.council.services import minutes as minutes_services
from kopir.council.services import visits as visit_services
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import answer_recommendation, approve_minutes
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db

PDF = sample_files.pdf("synthetic")


@pytest.fixture
def records(
    council: m.Council,
    held_meeting: m.Meeting,
    sent_recommendation: m.Recommendation,
    secretary: User,
    officer: User,
    agency: Organisation,
) -> dict[str, Any]:
    minutes_services.minutes_assemble(actor=secretary, meeting=held_meeting)
    answer = answer_recommendation(
        sent_recommendation,
        officer,
        "Жұмыс жүріп жатыр.",
        m.RecommendationStatus.IN_PROGRESS,
        evidence=SimpleUploadedFile("order.pdf", PDF),
    )
    visit = visit_services.visit_create(
        actor=secretary,
        council=council,
        site=agency,
        visited_on=dt.date(2026, 4, 10),
        purpose="Тексеру",
    )
    document = visit_services.visit_document_add(
        actor=secretary,
        visit=visit,
        title="Құжат",
        description="Тексеру актісі",
        upload=SimpleUploadedFile("act.pdf", PDF),
    )
    letter = letter_services.letter_create(
        actor=secretary,
        council=council,
        number="2026/1",
        sent_on=dt.date(2026, 5, 20),
        addressee=agency,
        subject="Хат",
        upload=SimpleUploadedFile("letter.pdf", PDF),
    )
    reply = letter_services.letter_reply_add(
        actor=secretary,
        letter=letter,
        received_on=dt.date(2026, 6, 1),
        from_whom="Басқарма",
        summary="Жауап",
        upload=SimpleUploadedFile("reply.pdf", PDF),
    )
    return {
        "slug": council.slug,
        "number": held_meeting.number,
        "recommendation": sent_recommendation.pk,
        "response": answer.pk,
        "visit": visit.pk,
        "document": document.pk,
        "letter": letter.pk,
        "reply": reply.pk,
    }


Args = Callable[[dict[str, Any]], dict[str, Any]]


def _minutes(r: dict[str, Any]) -> dict[str, Any]:
    return {"slug": r["slug"], "number": r["number"]}


def _rec(r: dict[str, Any]) -> dict[str, Any]:
    return {"slug": r["slug"], "pk": r["recommendation"]}


def _visit(r: dict[str, Any]) -> dict[str, Any]:
    return {"slug": r["slug"], "pk": r["visit"]}


def _letter(r: dict[str, Any]) -> dict[str, Any]:
    return {"slug": r["slug"], "pk": r["letter"]}


def _slug(r: dict[str, Any]) -> dict[str, Any]:
    return {"slug": r["slug"]}


# (URL name, arguments, may a member read it?) — the secretary may read all of them.
COUNCIL_PAGES: list[tuple[str, Args, bool]] = [
    ("council:minutes_detail", _minutes, True),
    ("council:minutes_versions", _minutes, True),
    ("council:minutes_version", lambda r: {**_minutes(r), "version": 1}, True),
    ("council:minutes_docx", _minutes, True),
    ("council:minutes_pdf", _minutes, True),
    ("council:minutes_edit", lambda r: {**_minutes(r), "lang": "ru"}, False),
    ("council:recommendation_list", _slug, True),
    ("council:recommendation_create", _slug, False),
    ("council:recommendation_detail", _rec, True),
    ("council:response_review", lambda r: {**_rec(r), "response_pk": r["response"]}, False),
    ("council:response_evidence", lambda r: {**_rec(r), "response_pk": r["response"]}, True),
    ("council:visit_list", _slug, True),
    ("council:visit_create", _slug, False),
    ("council:visit_detail", _visit, True),
    ("council:visit_edit", _visit, False),
    ("council:visit_checklist", _visit, False),
    ("council:visit_document_add", _visit, False),
    ("council:visit_document", lambda r: {**_visit(r), "document_pk": r["document"]}, True),
    ("council:letter_list", _slug, True),
    ("council:letter_create", _slug, False),
    ("council:letter_detail", _letter, True),
    ("council:letter_reply_add", _letter, False),
    ("council:letter_file", _letter, True),
    ("council:letter_reply_file", lambda r: {**_letter(r), "reply_pk": r["reply"]}, True),
]


@pytest.mark.parametrize(("name", "arguments", "member_reads"), COUNCIL_PAGES)
def test_council_pages_answer_insiders_and_refuse_everyone_else(
    name: str,
    arguments: Args,
    member_reads: bool,
    records: dict[str, Any],
    secretary_client: Client,
    member_client: Client,
    officer_client: Client,
    outsider_client: Client,
) -> None:
    url = reverse(name, kwargs=arguments(records))

    assert secretary_client.get(url).status_code == 200
    assert member_client.get(url).status_code == (200 if member_reads else 403)
    # The addressee answers in its inbox; the council's own pages are not for it.
    assert officer_client.get(url).status_code == 403
    assert outsider_client.get(url).status_code == 403
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]


INBOX_PAGES: list[tuple[str, Args]] = [
    ("council:inbox", lambda r: {}),
    ("council:inbox_detail", lambda r: {"pk": r["recommendation"]}),
    ("council:inbox_evidence", lambda r: {"pk": r["recommendation"], "response_pk": r["response"]}),
]


@pytest.mark.parametrize(("name", "arguments"), INBOX_PAGES)
def test_inbox_pages_answer_the_addressee_only(
    name: str,
    arguments: Args,
    records: dict[str, Any],
    officer_client: Client,
    outsider_client: Client,
    secretary_client: Client,
) -> None:
    url = reverse(name, kwargs=arguments(records))

    assert officer_client.get(url).status_code == 200
    expected_outsider = 200 if name == "council:inbox" else 404
    assert outsider_client.get(url).status_code == expected_outsider
    assert secretary_client.get(url).status_code == 403
    assert Client().get(url).status_code == 302


def test_the_outsiders_own_inbox_does_not_list_anothers_recommendations(
    records: dict[str, Any], outsider_client: Client
) -> None:
    page = outsider_client.get(reverse("council:inbox"))
    assert page.context["page_obj"].paginator.count == 0


def test_public_pages_answer_anonymous_visitors(
    records: dict[str, Any], council: m.Council, secretary: User, chair: User
) -> None:
    minutes = m.Minutes.objects.get()
    approve_minutes(minutes, chair=chair, secretary=secretary)
    anonymous = Client()
    assert (
        anonymous.get(reverse("council:public_council", kwargs=_slug(records))).status_code == 200
    )
    for name in (
        "council:public_minutes",
        "council:public_minutes_docx",
        "council:public_minutes_pdf",
    ):
        assert anonymous.get(reverse(name, kwargs=_minutes(records))).status_code == 200


def test_a_council_member_of_another_council_is_refused(
    records: dict[str, Any], council: m.Council
) -> None:
    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory
    from kopir.council.tests.factories import MemberFactory

    stranger = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    MemberFactory.create(account=stranger)  # a seat in another council's composition
    client = signed_in(Client(), stranger)
    assert (
        client.get(reverse("council:recommendation_list", kwargs=_slug(records))).status_code == 403
    )
