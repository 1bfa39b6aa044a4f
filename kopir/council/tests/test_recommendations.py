"""Recommendations: drafted from a decision, sent, answered, and closed only by the council's
acceptance of an answer; the council's register pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.accounts.models import User
from kopir.core import sample_files
from kopir.core.errors import AccessDenied, ConflictError, DomainError
from kopir.council import models as m
from kopir.council.forms_followup import (
    RecommendationForm,
    RecommendationSendForm,
    ResponseForm,
    ReviewForm,
)
from kopir.council.models import RecommendationStatus as S
from kopir.council.services import recommendation_rules as rules
from kopir.council.services import recommendations as services
from kopir.council.tests.factories import DecisionFactory, RecommendationFactory
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import (
    assert_council_record_pages,
    english_refusals,
    make_recommendations,
    send_recommendation,
)
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

PDF = sample_files.pdf("synthetic evidence")


def _respond(
    recommendation: m.Recommendation, officer: User, status: str, **extra: Any
) -> m.RecommendationResponse:
    return services.recommendation_respond(
        actor=officer,
        recommendation=recommendation,
        text="Орындалды: бұйрық шықты.",
        reported_status=status,
        **extra,
    )


def test_a_draft_gets_the_next_number_of_the_year_and_a_timeline_entry(
    recommendation: m.Recommendation, council: m.Council, agency: Organisation, secretary: User
) -> None:
    second = services.recommendation_create(
        actor=secretary, council=council, addressee=agency, text="Екінші"
    )
    year = recommendation.number.split("-")[0]
    assert recommendation.number == f"{year}-001"
    assert second.number == f"{year}-002"
    assert recommendation.status == S.DRAFT
    assert recommendation.rule_set == council.recommendation_rule_set
    assert list(recommendation.events.values_list("kind", flat=True)) == ["created"]


def test_only_the_secretary_drafts_and_never_for_another_councils_decision(
    council: m.Council, agency: Organisation, member: User, secretary: User
) -> None:
    with pytest.raises(AccessDenied):
        services.recommendation_create(actor=member, council=council, addressee=agency, text="x")
    foreign = DecisionFactory.create(text="Басқа кеңестің шешімі")
    with pytest.raises(DomainError):
        services.recommendation_create(
            actor=secretary, council=council, addressee=agency, text="x", decision=foreign
        )


def test_invalid_transitions_are_refused_with_a_clear_message(
    recommendation: m.Recommendation, officer: User
) -> None:
    with pytest.raises(AccessDenied):
        # Not sent yet: the addressee does not even see a draft.
        services.recommendation_acknowledge(actor=officer, recommendation=recommendation)
    m.Recommendation.objects.filter(pk=recommendation.pk).update(status=S.EXECUTED)
    with translation.override("en"), pytest.raises(DomainError, match="cannot go from"):
        rules.RECOMMENDATION_WORKFLOW.transition(record=recommendation, to=S.SENT, actor=None)


def test_the_transition_table_closes_only_through_acceptance(
    recommendation: m.Recommendation,
) -> None:
    m.Recommendation.objects.filter(pk=recommendation.pk).update(status=S.IN_PROGRESS)
    with pytest.raises(DomainError):
        rules.RECOMMENDATION_WORKFLOW.transition(record=recommendation, to=S.EXECUTED, actor=None)
    assert rules.TRANSITIONS[S.EXECUTED] == frozenset()
    assert rules.TRANSITIONS[S.REJECTED] == frozenset()


def test_nothing_is_executed_without_the_councils_acceptance(
    sent_recommendation: m.Recommendation, officer: User, secretary: User
) -> None:
    answer = _respond(sent_recommendation, officer, S.EXECUTED)
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.status == S.ACKNOWLEDGED
    assert sent_recommendation.answered_on is not None

    services.response_review(actor=secretary, response=answer, verdict=m.ResponseVerdict.ACCEPTED)

    sent_recommendation.refresh_from_db()
    assert sent_recommendation.status == S.EXECUTED
    assert sent_recommendation.closed_on is not None
    kinds = list(sent_recommendation.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["accepted", "status"]


def test_an_answer_not_accepted_leaves_the_status_and_needs_a_reason(
    sent_recommendation: m.Recommendation, officer: User, secretary: User
) -> None:
    answer = _respond(sent_recommendation, officer, S.EXECUTED)
    with pytest.raises(DomainError):
        services.response_review(
            actor=secretary, response=answer, verdict=m.ResponseVerdict.NOT_ACCEPTED
        )

    services.response_review(
        actor=secretary, response=answer, verdict=m.ResponseVerdict.NOT_ACCEPTED, note="Дәлел жоқ."
    )

    sent_recommendation.refresh_from_db()
    assert sent_recommendation.status == S.ACKNOWLEDGED
    with pytest.raises(ConflictError):
        services.response_review(
            actor=secretary, response=answer, verdict=m.ResponseVerdict.ACCEPTED
        )


def test_a_progress_report_moves_to_in_progress_at_once(
    sent_recommendation: m.Recommendation, officer: User
) -> None:
    _respond(sent_recommendation, officer, S.IN_PROGRESS)
    sent_recommendation.refresh_from_db()
    assert sent_recommendation.status == S.IN_PROGRESS


def test_a_rejection_with_reasons_is_final_once_accepted(
    sent_recommendation: m.Recommendation, officer: User, secretary: User
) -> None:
    answer = _respond(sent_recommendation, officer, S.REJECTED)
    services.response_review(actor=secretary, response=answer, verdict=m.ResponseVerdict.ACCEPTED)
    with pytest.raises(DomainError):
        _respond(sent_recommendation, officer, S.EXECUTED)


def test_evidence_is_stored_with_its_checksum_and_bad_files_are_refused(
    sent_recommendation: m.Recommendation, officer: User
) -> None:
    answer = _respond(
        sent_recommendation,
        officer,
        S.IN_PROGRESS,
        evidence=SimpleUploadedFile("order.pdf", PDF, content_type="application/pdf"),
    )
    import hashlib

    assert answer.evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _respond(
            sent_recommendation,
            officer,
            S.IN_PROGRESS,
            evidence=SimpleUploadedFile(
                "order.pdf", b"MZ not a pdf", content_type="application/pdf"
            ),
        )
    with pytest.raises(ValidationError):
        _respond(
            sent_recommendation,
            officer,
            S.IN_PROGRESS,
            evidence=SimpleUploadedFile("tool.exe", PDF),
        )
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError):
        _respond(sent_recommendation, officer, S.IN_PROGRESS, evidence=big)


def test_a_stale_draft_edit_is_refused(recommendation: m.Recommendation, secretary: User) -> None:
    stale = recommendation.version
    services.recommendation_update(
        actor=secretary,
        recommendation=recommendation,
        expected_version=stale,
        text="Бірінші нұсқа",
    )
    with pytest.raises(ConflictError):
        services.recommendation_update(
            actor=secretary,
            recommendation=recommendation,
            expected_version=stale,
            text="Екінші нұсқа",
        )


def test_a_sent_recommendation_cannot_be_edited_or_sent_again(
    sent_recommendation: m.Recommendation, secretary: User
) -> None:
    with pytest.raises(DomainError):
        services.recommendation_update(
            actor=secretary,
            recommendation=sent_recommendation,
            expected_version=sent_recommendation.version,
            text="x",
        )
    with pytest.raises(DomainError):
        send_recommendation(sent_recommendation, secretary, dt.date(2026, 11, 6))


# --- Pages ---------------------------------------------------------------------------------------


def _list_url(council: m.Council, **query: str) -> str:
    return reverse(
        "council:recommendation_list", kwargs={"slug": council.slug}, query=query or None
    )


def test_the_register_filters_by_status_addressee_and_overdue(
    council: m.Council, agency: Organisation, other_agency: Organisation, secretary_client: Client
) -> None:
    RecommendationFactory.create(
        council=council, addressee=agency, number="A-1", text="Бірінші ұсыным"
    )
    RecommendationFactory.create(
        council=council,
        addressee=other_agency,
        number="B-1",
        text="Мерзімі өткен ұсыным",
        status=S.SENT,
        sent_on=dt.date(2026, 1, 5),
        answer_due_on=dt.date(2026, 1, 19),
    )

    page = secretary_client.get(_list_url(council)).content.decode()
    assert "Бірінші ұсыным" in page
    assert "Мерзімі өткен ұсыным" in page
    overdue = secretary_client.get(_list_url(council, overdue="on")).content.decode()
    assert "Мерзімі өткен ұсыным" in overdue
    assert "Бірінші ұсыным" not in overdue
    by_status = secretary_client.get(_list_url(council, status="draft")).content.decode()
    assert "Бірінші ұсыным" in by_status
    assert "Мерзімі өткен ұсыным" not in by_status
    by_addressee = secretary_client.get(
        _list_url(council, addressee=str(other_agency.pk))
    ).content.decode()
    assert "Мерзімі өткен ұсыным" in by_addressee
    assert "Бірінші ұсыным" not in by_addressee


def test_the_register_costs_the_same_queries_for_few_or_many(
    council: m.Council,
    agency: Organisation,
    secretary_client: Client,
    django_assert_max_num_queries: Any,
) -> None:
    make_recommendations(council, agency, 3)
    url = _list_url(council)
    secretary_client.get(url)
    make_recommendations(
        council,
        agency,
        30,
        status=S.SENT,
        sent_on=dt.date(2026, 11, 2),
        answer_due_on=dt.date(2026, 11, 16),
    )
    with django_assert_max_num_queries(14):
        response = secretary_client.get(url)
    assert response.status_code == 200
    assert "Next page" in response.content.decode() or response.context["page_obj"].has_next()


def test_who_may_open_the_register_and_a_recommendation(
    recommendation: m.Recommendation,
    council: m.Council,
    secretary_client: Client,
    member_client: Client,
    officer_client: Client,
    outsider_client: Client,
) -> None:
    detail = reverse(
        "council:recommendation_detail", kwargs={"slug": council.slug, "pk": recommendation.pk}
    )
    create = reverse("council:recommendation_create", kwargs={"slug": council.slug})
    assert_council_record_pages(
        [_list_url(council), detail],
        [create],
        secretary_client=secretary_client,
        member_client=member_client,
        outsider_client=outsider_client,
    )
    # The addressee answers in its inbox; the council's register is not theirs.
    assert officer_client.get(_list_url(council)).status_code == 403
    assert officer_client.get(detail).status_code == 403


def test_the_agenda_item_offers_the_secretary_a_recommendation_from_each_decision(
    council: m.Council, decision: m.Decision, secretary_client: Client, member_client: Client
) -> None:
    item = decision.agenda_item
    page = reverse(
        "council:agenda_item_detail",
        kwargs={"slug": council.slug, "pk": item.meeting_id, "item_pk": item.pk},
    )
    create = reverse("council:recommendation_create", kwargs={"slug": council.slug})
    link = f'href="{create}?decision={decision.pk}"'

    assert link in secretary_client.get(page).content.decode()
    assert link not in member_client.get(page).content.decode()  # members do not draft


def test_the_secretary_drafts_from_a_decision_sends_and_reviews_through_the_pages(
    council: m.Council,
    decision: m.Decision,
    agency: Organisation,
    officer: User,
    secretary_client: Client,
) -> None:
    create = reverse("council:recommendation_create", kwargs={"slug": council.slug})
    assert (
        str(decision.pk)
        in secretary_client.get(create + f"?decision={decision.pk}").content.decode()
    )
    response = secretary_client.post(
        create,
        {
            "decision": decision.pk,
            "addressee": agency.pk,
            "text": "Квотаны орындау.",
            "rule_set": council.recommendation_rule_set_id,
        },
    )
    recommendation = m.Recommendation.objects.get()
    assert response.status_code == 302
    assert recommendation.decision == decision

    send = reverse(
        "council:recommendation_send", kwargs={"slug": council.slug, "pk": recommendation.pk}
    )
    assert (
        secretary_client.post(
            send, {"sent_on": "2026-11-05", "version": recommendation.version, "confirm": "on"}
        ).status_code
        == 302
    )
    recommendation.refresh_from_db()
    assert (recommendation.status, recommendation.answer_due_on) == (S.SENT, dt.date(2026, 11, 19))

    answer = _respond(recommendation, officer, S.PARTLY_EXECUTED)
    review = reverse(
        "council:response_review",
        kwargs={"slug": council.slug, "pk": recommendation.pk, "response_pk": answer.pk},
    )
    refused = secretary_client.post(review, {"verdict": "not_accepted", "note": ""})
    assert refused.status_code == 200
    assert (
        secretary_client.post(
            review, {"verdict": "accepted", "note": "Ішінара қабылданды."}
        ).status_code
        == 302
    )
    recommendation.refresh_from_db()
    assert recommendation.status == S.PARTLY_EXECUTED
    page = secretary_client.get(
        reverse(
            "council:recommendation_detail", kwargs={"slug": council.slug, "pk": recommendation.pk}
        )
    ).content.decode()
    assert "Ішінара қабылданды." in page


def test_a_sending_date_in_the_future_is_refused_on_the_page(
    recommendation: m.Recommendation, council: m.Council, secretary_client: Client
) -> None:
    send = reverse(
        "council:recommendation_send", kwargs={"slug": council.slug, "pk": recommendation.pk}
    )
    response = secretary_client.post(
        send, {"sent_on": "2099-01-01", "version": recommendation.version, "confirm": "on"}
    )
    assert response.status_code == 400
    recommendation.refresh_from_db()
    assert recommendation.status == S.DRAFT


def test_recording_it_sent_needs_the_ticked_box_and_notifies_nobody_without_it(
    recommendation: m.Recommendation, council: m.Council, secretary_client: Client
) -> None:
    from kopir.notices.models import Notice

    detail = reverse(
        "council:recommendation_detail", kwargs={"slug": council.slug, "pk": recommendation.pk}
    )
    send = reverse(
        "council:recommendation_send", kwargs={"slug": council.slug, "pk": recommendation.pk}
    )
    assert 'name="confirm"' in secretary_client.get(detail).content.decode()

    with translation.override("en"):
        response = secretary_client.post(
            "/en" + send[3:], {"sent_on": "2026-11-05", "version": recommendation.version}
        )

    assert response.status_code == 400
    assert "Tick the box to confirm the recommendation was sent." in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == S.DRAFT
    assert not Notice.objects.filter(topic="council.recommendation.sent").exists()


def test_evidence_is_downloadable_by_the_council_only(
    sent_recommendation: m.Recommendation,
    council: m.Council,
    officer: User,
    member_client: Client,
    outsider_client: Client,
) -> None:
    answer = _respond(
        sent_recommendation, officer, S.IN_PROGRESS, evidence=SimpleUploadedFile("order.pdf", PDF)
    )
    url = reverse(
        "council:response_evidence",
        kwargs={"slug": council.slug, "pk": sent_recommendation.pk, "response_pk": answer.pk},
    )
    response = member_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    assert outsider_client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("language", "names"),
    [
        ("kk", ["Ақсай әкімдігі", "Қаратөбе әкімдігі", "Теректі әкімдігі"]),
        ("ru", ["Акимат Аксая", "Акимат Каратобе", "Акимат Теректы"]),
    ],
)
def test_the_recommendation_form_reads_in_the_pages_language_and_alphabet(
    council: m.Council, decision: m.Decision, language: str, names: list[str]
) -> None:
    # The addressees were ordered by their Kazakh names as the database sorts them (Қ after Т),
    # in Russian too; a decision was named by its Kazakh text on a Russian page.
    for kk, ru in [
        ("Теректі әкімдігі", "Акимат Теректы"),
        ("Қаратөбе әкімдігі", "Акимат Каратобе"),
        ("Ақсай әкімдігі", "Акимат Аксая"),
    ]:
        OrganisationFactory.create(name_kk=kk, name_ru=ru, kind=OrganisationKind.AKIMAT)
    with translation.override(language):
        form = RecommendationForm(council=council)
        addressees = [str(option.choice_label) for option in form["addressee"]]
        decisions = [str(option.choice_label) for option in form["decision"]][1:]
    assert [name for name in addressees if name in names] == names
    text = decision.text_ru if language == "ru" else decision.text
    item = decision.agenda_item
    label = f"№ {item.meeting.number}, {item.order}.{decision.order}: {text[:90]}"
    assert label in decisions


def test_each_empty_required_field_is_named_in_its_own_words(council: m.Council) -> None:
    """The recommendation's addressee, the agency's answer and the council's verdict each said
    only "This field is required.", and the addressee's list began with "---------"."""
    recommendation = RecommendationForm({}, council=council)
    answer = ResponseForm({})
    errors, first_addressee = english_refusals(
        [
            (recommendation, "addressee"),
            (answer, "reported_status"),
            (answer, "text"),
            (ReviewForm({}), "verdict"),
        ],
        recommendation["addressee"],
    )
    assert errors == [
        "Choose the body the recommendation is addressed to.",
        "Choose what your answer reports.",
        "Enter the answer, with its reasons.",
        "Choose whether the council accepts the answer.",
    ]
    assert first_addressee == "Choose an organisation"


def test_the_deadline_rules_and_the_send_date_are_named_in_their_own_words(
    council: m.Council,
) -> None:
    """The deadline rules and the date a recommendation was sent said only "This field is
    required.", and the rules' list began with "---------"."""
    recommendation = RecommendationForm({}, council=council)
    errors, first_rules = english_refusals(
        [(recommendation, "rule_set"), (RecommendationSendForm({}), "sent_on")],
        recommendation["rule_set"],
    )
    assert errors == [
        "Choose the deadline rules that apply.",
        "Enter the date the recommendation was sent.",
    ]
    assert first_rules == "Choose the deadline rules"
