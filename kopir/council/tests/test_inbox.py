"""The addressee's inbox: an executive body sees only what was sent to it, acknowledges, answers
with evidence; another body's staff get 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.core import sample_files
from kopir.council import models as m
from kopir.council.models import RecommendationStatus as S
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.factories import RecommendationFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import make_recommendations
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db

INBOX = "council:inbox"


def _detail(recommendation: m.Recommendation) -> str:
    return reverse("council:inbox_detail", kwargs={"pk": recommendation.pk})


def test_an_addressee_sees_only_its_own_sent_recommendations(
    council: m.Council,
    agency: Organisation,
    other_agency: Organisation,
    officer_client: Client,
    sent_recommendation: m.Recommendation,
) -> None:
    RecommendationFactory.create(council=council, addressee=agency, text="Жіберілмеген жоба")
    RecommendationFactory.create(
        council=council, addressee=other_agency, text="Басқа органға", status=S.SENT
    )

    page = officer_client.get(reverse(INBOX)).content.decode()

    assert sent_recommendation.text in page
    assert "Жіберілмеген жоба" not in page
    assert "Басқа органға" not in page


def test_another_bodys_staff_get_404_on_a_recommendation_not_addressed_to_them(
    sent_recommendation: m.Recommendation, outsider_client: Client, officer_client: Client
) -> None:
    assert officer_client.get(_detail(sent_recommendation)).status_code == 200
    assert outsider_client.get(_detail(sent_recommendation)).status_code == 404
    acknowledge = reverse("council:inbox_acknowledge", kwargs={"pk": sent_recommendation.pk})
    assert outsider_client.post(acknowledge).status_code == 404
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.status == S.SENT


def test_a_draft_is_invisible_even_to_its_addressee(
    recommendation: m.Recommendation, officer_client: Client
) -> None:
    assert officer_client.get(_detail(recommendation)).status_code == 404


def test_only_agency_officers_have_an_inbox(
    sent_recommendation: m.Recommendation,
    secretary_client: Client,
    member_client: Client,
    agency: Organisation,
) -> None:
    assert secretary_client.get(reverse(INBOX)).status_code == 403
    assert member_client.get(_detail(sent_recommendation)).status_code == 403
    clinician = signed_in(Client(), UserFactory.create(organisation=agency, roles=[Role.CLINICIAN]))
    assert clinician.get(_detail(sent_recommendation)).status_code == 403
    anonymous = Client().get(reverse(INBOX))
    assert anonymous.status_code == 302
    assert reverse("accounts:login") in anonymous["Location"]


def test_the_addressee_acknowledges_and_answers_with_evidence(
    sent_recommendation: m.Recommendation, officer_client: Client, officer: User
) -> None:
    acknowledge = reverse("council:inbox_acknowledge", kwargs={"pk": sent_recommendation.pk})
    assert officer_client.post(acknowledge).status_code == 302
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.status == S.ACKNOWLEDGED

    response = officer_client.post(
        _detail(sent_recommendation),
        {
            "reported_status": S.EXECUTED,
            "text": "Квота орындалды, 12 адам жұмысқа орналастырылды.",
            "evidence": SimpleUploadedFile(
                "report.png", sample_files.png(), content_type="image/png"
            ),
        },
    )

    assert response.status_code == 302
    answer = sent_recommendation.responses.get()
    assert answer.author == officer
    assert answer.evidence_sha256
    sent_recommendation.refresh_from_db()
    # Claimed, not granted: only the council's acceptance closes it.
    assert sent_recommendation.status == S.ACKNOWLEDGED
    page = officer_client.get(_detail(sent_recommendation)).content.decode()
    assert "Квота орындалды" in page
    evidence = reverse(
        "council:inbox_evidence", kwargs={"pk": sent_recommendation.pk, "response_pk": answer.pk}
    )
    assert officer_client.get(evidence).status_code == 200


def test_a_wrong_evidence_file_is_explained_on_the_form(
    sent_recommendation: m.Recommendation, officer_client: Client
) -> None:
    response = officer_client.post(
        _detail(sent_recommendation),
        {
            "reported_status": S.IN_PROGRESS,
            "text": "Жұмыс жүріп жатыр.",
            "evidence": SimpleUploadedFile("virus.exe", b"MZ"),
        },
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not sent_recommendation.responses.exists()


def test_a_closed_recommendation_takes_no_more_answers(
    sent_recommendation: m.Recommendation, officer_client: Client
) -> None:
    m.Recommendation.objects.filter(pk=sent_recommendation.pk).update(status=S.EXECUTED)
    response = officer_client.post(
        _detail(sent_recommendation), {"reported_status": S.EXECUTED, "text": "x"}
    )
    assert response.status_code == 302
    assert not sent_recommendation.responses.exists()


def test_the_inbox_costs_the_same_queries_for_few_or_many(
    council: m.Council,
    agency: Organisation,
    officer_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    sent = {
        "status": S.SENT,
        "sent_on": dt.date(2026, 11, 2),
        "answer_due_on": dt.date(2026, 11, 16),
    }
    make_recommendations(council, agency, 2, **sent)
    officer_client.get(reverse(INBOX))
    make_recommendations(council, agency, 30, **sent)
    with django_assert_max_num_queries(10):
        response = officer_client.get(reverse(INBOX))
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 32


def _answer(recommendation: m.Recommendation, officer: User, verdict: str) -> None:
    m.RecommendationResponse.objects.create(
        recommendation=recommendation,
        author=officer,
        text="Жауап",
        reported_status=S.IN_PROGRESS,
        verdict=verdict,
    )


def test_the_inbox_says_the_council_did_not_accept_the_answer_instead_of_its_old_status(
    council: m.Council, agency: Organisation, officer: User, officer_client: Client
) -> None:
    rejected, waiting, fresh = (
        RecommendationFactory.create(council=council, addressee=agency, status=S.ACKNOWLEDGED)
        for _ in range(3)
    )
    _answer(rejected, officer, m.ResponseVerdict.NOT_ACCEPTED)
    _answer(waiting, officer, m.ResponseVerdict.NOT_ACCEPTED)
    _answer(waiting, officer, m.ResponseVerdict.PENDING)  # answered again since

    page = officer_client.get("/en" + reverse(INBOX)[3:])
    statuses = {row.pk: row.last_verdict for row in page.context["page_obj"].object_list}
    html = page.content.decode()

    assert statuses == {
        rejected.pk: m.ResponseVerdict.NOT_ACCEPTED,
        waiting.pk: m.ResponseVerdict.PENDING,
        fresh.pk: None,
    }
    assert html.count("Answer not accepted: answer again") == 1
    assert html.count("Answered, awaiting the council") == 1
    assert html.count(">Acknowledged<") == 1  # only the one nobody answered yet


def test_an_answer_to_redo_shows_its_new_due_date_never_answered(
    sent_recommendation: m.Recommendation,
    officer: User,
    secretary: User,
    officer_client: Client,
    secretary_client: Client,
) -> None:
    from django.utils import formats, translation

    from kopir.council.services.recommendations import recommendation_respond, response_review

    answer = recommendation_respond(
        actor=officer,
        recommendation=sent_recommendation,
        text="Орындалды.",
        reported_status=S.EXECUTED,
    )
    response_review(
        actor=secretary, response=answer, verdict=m.ResponseVerdict.NOT_ACCEPTED, note="Дәлел жоқ."
    )
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.answer_due_on is not None
    with translation.override("en"):
        due = formats.date_format(sent_recommendation.answer_due_on, "SHORT_DATE_FORMAT")

    redo = officer_client.get("/en" + reverse(INBOX)[3:] + "?show=redo").content.decode()
    register = secretary_client.get(
        "/en"
        + reverse("council:recommendation_list", kwargs={"slug": sent_recommendation.council.slug})[
            3:
        ]
    ).content.decode()

    for html in (redo, register):
        assert "Answered on" not in html
        assert f"Answer due on {due}" in html or f"the answer is due on {due}" in html


def test_the_inbox_names_the_council_that_sent_a_recommendation_as_its_sender(
    sent_recommendation: m.Recommendation, officer_client: Client
) -> None:
    """The list's column and the page's detail hold the sending council's organisation; the
    period bound "From" would read "since" (Бастап, С) over it."""
    for language, sender, bound in (("kk", "Жіберуші", "Бастап"), ("ru", "Отправитель", "С")):
        inbox = officer_client.get(f"/{language}" + reverse(INBOX)[3:]).content.decode()
        detail = officer_client.get(f"/{language}" + _detail(sent_recommendation)[3:])
        heads = inbox.split("<thead>")[1].split("</thead>")[0]
        assert f'<th scope="col">{sender}</th>' in heads
        assert f'<th scope="col">{bound}</th>' not in heads
        assert f"<dt>{sender}</dt>" in detail.content.decode()
        assert f"<dt>{bound}</dt>" not in detail.content.decode()
