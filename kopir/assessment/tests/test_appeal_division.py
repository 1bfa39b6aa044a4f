"""Appeals: filed (recorded by the division) → reviewed by the higher body → upheld or changed,
with deadlines in Kazakhstan's working days; a changed decision is a new version."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment import access
from kopir.assessment.models import (
    Appeal,
    AppealDeadline,
    AppealFiledBy,
    AppealStatus,
    Decision,
    DecisionBasis,
)
from kopir.assessment.selectors import home
from kopir.assessment.services.appeal import appeal_step_due_on
from kopir.assessment.services.decision import current_decision
from kopir.assessment.services.outcome_rules import OutcomeInput
from kopir.assessment.templatetags.division_tags import division_nav
from kopir.assessment.tests import division_fixtures
from kopir.assessment.tests.division_fixtures import (
    GROUP_1,
    assigned,
    changed_to_group_1,
    filed_appeal,
    resolve,
    take_up,
)
from kopir.assessment.tests.test_person_notices import EASY_WHERE_TO_READ
from kopir.core.errors import ConflictError, DomainError
from kopir.core.navigation import navigation_for
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory
from kopir.notices.models import Notice, NoticeFormat
from kopir.people.models import AccessibilityNeed, Person

# Every test here needs the codes, the demo rules and the division.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules", "division")]


@pytest.fixture
def notified(clinician, person, head, experts):
    return division_fixtures.notified(clinician, person, head, experts)


def current(referral) -> Decision:
    decision = current_decision(referral)
    assert decision is not None
    return decision


def file(referral, actor, **overrides):
    return filed_appeal(referral, actor, **{"filed_by": AppealFiledBy.REPRESENTATIVE, **overrides})


def under_review(referral, actor, reviewer):
    """An appeal filed by `actor` that `reviewer` has taken up."""
    return take_up(file(referral, actor), reviewer)


def test_an_appeal_is_recorded_against_the_current_decision_and_sent_to_the_higher_body(
    notified, specialist, division
):
    appeal = file(notified, specialist)

    assert appeal.status == AppealStatus.FILED
    assert appeal.decision == current_decision(notified)
    assert appeal.higher_body == division.parent
    assert appeal.due_on == appeal_step_due_on(AppealStatus.FILED, appeal.filed_on)


def test_an_appeal_before_any_decision_is_refused(clinician, person, head, experts, specialist):
    referral = assigned(clinician, person, head, experts)

    with pytest.raises(DomainError, match="against a decision"):
        file(referral, specialist)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"grounds": "  "}, "grounds"),
        ({"filed_on": dt.date(2000, 1, 1)}, "filed_on"),
        ({"filed_on": dt.date(2999, 1, 1)}, "filed_on"),
    ],
)
def test_an_appeal_with_bad_input_is_refused_naming_the_field(
    notified, specialist, overrides, field
):
    with pytest.raises(ValidationError) as caught:
        file(notified, specialist, **overrides)

    assert field in caught.value.message_dict


def test_an_appeal_counts_from_the_local_date_of_a_decision_made_at_two_in_the_night(
    notified, specialist
):
    # 02:00 in Oral (UTC+5) on day D is 21:00 UTC on D-1: the decision is of day D.
    day = timezone.localdate()
    at_two = dt.datetime.combine(day, dt.time(2, 0), tzinfo=timezone.get_current_timezone())
    Decision.objects.filter(pk=current(notified).pk).update(decided_at=at_two)
    assert at_two.astimezone(dt.UTC).date() == day - dt.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        file(notified, specialist, filed_on=day - dt.timedelta(days=1))
    assert "before the decision" in caught.value.message_dict["filed_on"][0]

    assert file(notified, specialist, filed_on=day).filed_on == day


def test_only_one_appeal_is_open_at_a_time(notified, specialist):
    file(notified, specialist)

    with pytest.raises(ConflictError, match="already open"):
        file(notified, specialist)


@pytest.mark.parametrize("upheld", [True, False])
def test_once_the_higher_body_has_answered_no_further_appeal_is_recorded_and_court_is_named(
    client, notified, specialist, reviewer, upheld
):
    """The higher body answers a decision's appeal once; then the person's next step is the
    court (docs/domain/mse.md §6), so neither the page nor the service records another."""
    outcome = {"upheld": True, "outcome_reasons": "Upheld."} if upheld else changed_to_group_1()
    resolve(under_review(notified, specialist, reviewer), reviewer, **outcome)
    notified.refresh_from_db()
    form_url = reverse("assessment:division_appeal", args=[notified.pk])
    signed_in(client, specialist)

    page = client.get(reverse("assessment:division_case", args=[notified.pk])).content.decode()
    old_link = client.get(form_url, follow=True)

    assert form_url not in page
    assert "the next step is a claim to the court" in page
    assert old_link.redirect_chain[-1][0] == reverse("assessment:division_case", args=[notified.pk])
    assert "records no further appeal" in old_link.content.decode()
    with pytest.raises(DomainError, match="the next step is a claim to the court"):
        file(notified, specialist)
    assert notified.appeals.count() == 1


def test_the_case_page_offers_the_appeal_form_while_no_appeal_was_answered(
    client, notified, specialist
):
    signed_in(client, specialist)

    page = client.get(reverse("assessment:division_case", args=[notified.pk])).content.decode()

    assert reverse("assessment:division_appeal", args=[notified.pk]) in page
    assert access.appeal_refusal(notified) is None


def test_an_upheld_appeal_keeps_the_decision(notified, specialist, reviewer):
    appeal = under_review(notified, specialist, reviewer)
    assert appeal.status == AppealStatus.UNDER_REVIEW

    appeal = resolve(
        appeal, reviewer, upheld=True, outcome_reasons="The group matches the findings."
    )

    assert appeal.status == AppealStatus.UPHELD
    assert notified.decisions.count() == 1
    assert current(notified).is_current


def test_a_changed_decision_is_a_new_version_and_the_old_one_is_kept(
    notified, specialist, reviewer
):
    original = current(notified)
    appeal = under_review(notified, specialist, reviewer)

    resolve(appeal, reviewer, **changed_to_group_1())

    original.refresh_from_db()
    new = current(notified)
    result = Notice.objects.filter(
        related_type="assessment.appeal",
        related_id=str(appeal.pk),
        topic="assessment.notices.appeal_resolved",
    ).get()
    assert "Group I" in result.body or "ADULT_G1" not in result.body
    assert (original.category_code, original.is_current) == ("ADULT_G2", False)
    assert (new.category_code, new.sequence, new.basis, new.appeal) == (
        "ADULT_G1",
        2,
        DecisionBasis.APPEAL,
        appeal,
    )
    assert new.decided_by == reviewer


APPEAL_REASONS = "Visual field narrowed to 5 degrees in both eyes"


def _appeal_result(notified, specialist, reviewer, *, upheld: bool, **person) -> Notice:
    """The message that tells the person (at an e-mail address, with `person`'s other values)
    the appeal's result: upheld, or a changed decision, for the reasons `APPEAL_REASONS`."""
    Person.objects.filter(pk=notified.person_id).update(email="person@example.test", **person)
    appeal = under_review(notified, specialist, reviewer)
    reasons = {"outcome_reasons": f"{APPEAL_REASONS}."}
    resolve(
        appeal,
        reviewer,
        **({"upheld": True, **reasons} if upheld else changed_to_group_1(**reasons)),
    )
    return Notice.objects.get(
        related_type="assessment.appeal", topic="assessment.notices.appeal_resolved"
    )


@pytest.mark.parametrize(
    ("language", "where"),
    [
        ("kk", "Шешімді Kopir мәртебе бетінде"),
        ("ru", "Решение можно прочитать на странице статуса в Kopir"),
    ],
)
@pytest.mark.parametrize("upheld", [True, False])
def test_the_appeal_result_tells_the_outcome_and_where_to_read_it_but_not_the_reasons(
    notified, specialist, reviewer, language, where, upheld
):
    """The higher body's reasons weigh the person's health: the status page keeps them off and
    so does the message, which says the outcome and where the decision is to be read."""
    notice = _appeal_result(
        notified, specialist, reviewer, upheld=upheld, preferred_language=language
    )

    assert notice.language == language
    assert notice.channel == "email"
    assert APPEAL_REASONS not in notice.body
    assert APPEAL_REASONS not in notice.subject
    assert where in notice.body
    with translation.override(language):
        outcome = (
            "Шешім бұрынғы күйінде қалды."
            if language == "kk"
            else "Решение оставлено без изменения."
        )
        if not upheld:
            outcome = str(Decision(category_code="ADULT_G1").get_category_code_display())
    assert outcome in notice.body


EASY_APPEAL_WHY = {
    "kk": "Шағымыңызға жазбаша жауап аласыз. Онда себебі жазылған.",
    "ru": "Вы получите письменный ответ на жалобу. В нём написано, почему.",
    "en": "You get a written answer to your complaint. It says why.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("upheld", [True, False])
def test_the_easy_read_appeal_result_says_where_to_read_the_decision_in_plain_words(
    notified, specialist, reviewer, language, upheld
):
    """The standard message says where the decision is read; the easy-read one said only
    whether it changed."""
    notice = _appeal_result(
        notified,
        specialist,
        reviewer,
        upheld=upheld,
        preferred_language=language,
        accessibility_needs=[AccessibilityNeed.EASY_READ],
    )

    assert (notice.format, notice.language) == (NoticeFormat.EASY_READ, language)
    for sentence in [*EASY_WHERE_TO_READ[language], EASY_APPEAL_WHY[language]]:
        assert sentence in notice.body
    assert APPEAL_REASONS not in notice.body


def test_the_case_page_tags_the_superseded_decision_as_superseded_in_kazakh(
    client, notified, specialist, reviewer
):
    """The tag said "күші жойылған уақыты" (the time it was annulled): its msgid was the date
    field's label."""
    appeal = under_review(notified, specialist, reviewer)
    resolve(appeal, reviewer, **changed_to_group_1(outcome_reasons="Group I."))
    signed_in(client, specialist)

    with translation.override("kk"):
        page = client.get(reverse("assessment:division_case", args=[notified.pk]))

    html = page.content.decode()
    assert '<span class="tag">күші жойылған</span>' in html
    assert "күші жойылған уақыты" not in html


def test_the_timeline_gives_the_appeal_date_in_the_readers_language(client, notified, specialist):
    """Written as the rest of the timeline's table and the case page write it (21.11.2026), never
    "21 ноября 2026 г." beside them."""
    filed_on = timezone.localdate()
    file(notified, specialist, filed_on=filed_on)
    signed_in(client, specialist)

    for language in ("kk", "ru"):
        with translation.override(language):
            html = client.get(
                reverse("assessment:division_timeline", args=[notified.pk])
            ).content.decode()
            shown = date_format(filed_on, "SHORT_DATE_FORMAT")
            long = date_format(filed_on, "DATE_FORMAT")
        assert filed_on.isoformat() not in html, language
        assert shown in html, language
        assert long == shown or long not in html, language


def test_a_changed_decision_must_itself_be_consistent(notified, specialist, reviewer):
    appeal = under_review(notified, specialist, reviewer)

    with pytest.raises(ValidationError) as caught:
        resolve(
            appeal,
            reviewer,
            upheld=False,
            outcome_reasons="Changed.",
            new_decision=OutcomeInput(**{**GROUP_1.__dict__, "term": ""}),
            reexamination_on=None,
        )

    assert "term" in caught.value.message_dict
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert notified.decisions.count() == 1


def test_resolving_an_appeal_not_under_review_is_refused(notified, specialist, reviewer):
    appeal = file(notified, specialist)

    with pytest.raises(DomainError, match="cannot become"):
        resolve(appeal, reviewer, upheld=True, outcome_reasons="Upheld.")


def test_appeal_deadlines_count_working_days_around_holidays():
    # Filed on Friday 20 March 2026: Nauryz falls on Saturday to Monday (21–23 March) and its
    # days off move to Tuesday and Wednesday, so the three working days to pass the appeal on
    # are Thursday 26, Friday 27 and Monday 30 March.
    assert appeal_step_due_on(AppealStatus.FILED, dt.date(2026, 3, 20)) == dt.date(2026, 3, 30)
    AppealDeadline.objects.create(
        status=AppealStatus.UNDER_REVIEW, working_days=5, legal_source="Regional order"
    )
    # Under review from Friday 11 December 2026: Independence Day (16 December) is skipped.
    assert appeal_step_due_on(AppealStatus.UNDER_REVIEW, dt.date(2026, 12, 11)) == dt.date(
        2026, 12, 21
    )


def test_the_higher_body_sees_its_appeals_and_nobody_else_does(
    client, notified, specialist, reviewer, other_division_staff, clinician
):
    appeal = file(notified, specialist)
    detail = reverse("assessment:appeal_detail", args=[appeal.pk])

    response = signed_in(client, reviewer).get(reverse("assessment:appeal_list"))
    assert notified.number in response.content.decode()
    assert signed_in(client, reviewer).get(detail).status_code == 200
    assert signed_in(client, other_division_staff).get(detail).status_code == 404
    assert signed_in(client, specialist).get(detail).status_code == 404
    assert signed_in(client, clinician).get(detail).status_code == 403
    client.logout()
    assert client.get(detail).status_code == 302


def _home_items(client, user) -> list[str]:
    """The keys of the MSE counts on `user`'s home page."""
    page = signed_in(client, user).get(reverse("core:home")).content.decode()
    return re.findall(r'data-home-item="(assessment\.[a-z_]+)"', page)


def test_the_higher_bodys_home_counts_its_appeals_not_a_divisions_queue(
    client, notified, specialist, reviewer
):
    """The department has no referrals routed to it: its reviewer's home counts the appeals to
    review, not the queue (always empty there) nor the expert reviews no one assigns them."""
    file(notified, specialist)

    assert _home_items(client, reviewer) == ["assessment.appeals_open"]
    assert home.appeals_open_count(reviewer) == 1
    assert "assessment.division_new" in _home_items(client, specialist)
    assert "assessment.appeals_open" not in _home_items(client, specialist)


def taken_up_on_its_page(client, referral, specialist, reviewer):
    """An appeal filed by `specialist` that `reviewer`, signed in on `client`, took up for review
    on its page."""
    appeal = file(referral, specialist)
    signed_in(client, reviewer)
    client.post(reverse("assessment:appeal_review", args=[appeal.pk]), {"version": appeal.version})
    appeal.refresh_from_db()
    return appeal


def test_the_higher_body_works_the_appeal_through_its_pages(client, notified, specialist, reviewer):
    appeal = taken_up_on_its_page(client, notified, specialist, reviewer)

    response = client.post(
        reverse("assessment:appeal_decide", args=[appeal.pk]),
        {"version": appeal.version, "result": "upheld", "outcome_reasons": "Correct."},
    )

    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD


def test_the_result_page_tells_a_filed_appeal_to_be_taken_and_a_decided_one_is_done(
    client, notified, specialist, reviewer
):
    appeal = file(notified, specialist)
    signed_in(client, reviewer)
    with translation.override("en"):
        decide = reverse("assessment:appeal_decide", args=[appeal.pk])
    filed_page = client.get(decide).content.decode()
    resolve(take_up(appeal, reviewer), reviewer, upheld=True, outcome_reasons="Correct.")
    decided_page = client.get(decide).content.decode()

    assert "take it under review before recording the result" in filed_page
    assert "its result is recorded already" in decided_page
    assert "take it under review" not in decided_page


def test_a_changed_decision_without_its_parts_is_told_every_missing_field_at_once(
    client, notified, specialist, reviewer
):
    appeal = taken_up_on_its_page(client, notified, specialist, reviewer)

    response = client.post(
        reverse("assessment:appeal_decide", args=[appeal.pk]),
        {"version": appeal.version, "result": "changed", "outcome": "established"},
    )
    nothing = client.post(
        reverse("assessment:appeal_decide", args=[appeal.pk]), {"version": appeal.version}
    )

    assert response.context["form"].errors == {
        "outcome_reasons": ["Give the reasons for the outcome."],
        "category_code": ["Choose the group or category."],
        "cause": ["Choose the cause of disability."],
        "term": ["Choose the term."],
    }
    assert nothing.context["form"].errors == {
        "result": ["Choose whether the decision is upheld or changed."],
        "outcome_reasons": ["Give the reasons for the outcome."],
    }


def test_the_changed_decisions_outcome_and_reexamination_date_are_not_called_optional(
    client, notified, specialist, reviewer
):
    """Both are required when the decision is changed (and a term is set): their hints say
    when, as on the division's decision form, rather than "(optional)"."""
    appeal = under_review(notified, specialist, reviewer)
    signed_in(client, reviewer)

    with translation.override("en"):
        page = client.get(reverse("assessment:appeal_decide", args=[appeal.pk])).content.decode()

    outcome = page.split('<legend class="fieldset__legend">Outcome')[1].split("</legend>")[0]
    reexamination = page.split(">Re-examination date")[1].split("</label>")[0]
    assert "optional" not in outcome
    assert "optional" not in reexamination
    assert "Leave empty when the term is indefinite" in page


def test_the_service_tells_a_changed_decision_without_reasons_or_parts_everything_at_once(
    notified, specialist, reviewer
):
    """The page's form is not the only caller: the service itself names the missing reasons
    and each missing part of the changed decision in one refusal, as the form does."""
    appeal = under_review(notified, specialist, reviewer)
    blank = OutcomeInput(
        **{**GROUP_1.__dict__, "category_code": "", "cause": "", "term": "", "reasons": ""}
    )

    with translation.override("en"):
        with pytest.raises(ValidationError) as without_parts:
            resolve(appeal, reviewer, upheld=False, outcome_reasons=" ", new_decision=blank)
        with pytest.raises(ValidationError) as without_decision:
            resolve(appeal, reviewer, upheld=False, outcome_reasons="", new_decision=None)

    assert without_parts.value.message_dict == {
        "outcome_reasons": ["Give the reasons for the outcome."],
        "category_code": ["Choose the group or category."],
        "cause": ["Choose the cause of disability."],
        "term": ["Choose the term."],
    }
    assert without_decision.value.message_dict == {
        "outcome_reasons": ["Give the reasons for the outcome."],
        "outcome": ["Enter the changed decision."],
    }
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UNDER_REVIEW
    assert notified.decisions.count() == 1


def test_the_division_records_an_appeal_through_its_page(client, notified, specialist):
    signed_in(client, specialist)
    url = reverse("assessment:division_appeal", args=[notified.pk])

    empty = client.post(url, {})
    response = client.post(
        url,
        {
            "filed_on": timezone.localdate().isoformat(),
            "filed_by": "person",
            "grounds": "Disagrees with the group.",
        },
    )

    assert empty.status_code == 200
    assert "error-summary" in empty.content.decode()
    assert empty.context["form"].errors == {
        "filed_on": ["Enter the date the appeal was filed."],
        "filed_by": ["Choose who filed the appeal: the person or their legal representative."],
        "grounds": ["Write what the person disagrees with."],
    }
    assert response.status_code == 302
    assert Appeal.objects.get().filed_by == AppealFiledBy.PERSON


def test_a_future_filing_date_is_told_with_the_other_missing_fields(client, notified, specialist):
    signed_in(client, specialist)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = client.post(
        reverse("assessment:division_appeal", args=[notified.pk]),
        {"filed_on": tomorrow.isoformat()},
    )

    assert set(response.context["form"].errors) == {"filed_on", "filed_by", "grounds"}
    assert response.context["form"].errors["filed_on"] == [
        "The filing date cannot be in the future."
    ]
    assert not Appeal.objects.exists()


def test_a_stale_appeal_review_is_a_conflict(notified, specialist, reviewer):
    appeal = file(notified, specialist)
    # What a second reviewer still has on screen while the first takes the appeal.
    stale = Appeal.objects.get(pk=appeal.pk)
    take_up(appeal, reviewer)

    with pytest.raises(ConflictError):
        resolve(stale, reviewer, upheld=True, outcome_reasons="Upheld.")
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UNDER_REVIEW


@pytest.mark.parametrize("kind", [OrganisationKind.MSE_DEPARTMENT, OrganisationKind.MSE_DIVISION])
@pytest.mark.parametrize("role", list(Role))
def test_the_appeals_tab_and_the_menu_agree_with_access_on_who_reviews_appeals(kind, role):
    user = UserFactory.create(organisation=OrganisationFactory.create(kind=kind), roles=[role])
    request = RequestFactory().get("/en/")
    request.user = user

    tabs = division_nav({"request": request}, "queue")
    menu = [item["url"] for item in navigation_for(request)]

    reviews = access.is_appeal_reviewer(user)
    assert tabs["show_appeals"] == reviews
    assert (reverse("assessment:appeal_list") in menu) == reviews
    assert reviews == (kind == OrganisationKind.MSE_DEPARTMENT and role in access.DIVISION_ROLES)

    # The queue and the expert reviews are a division's: the higher body's staff get neither.
    queue = access.works_division_queue(user)
    assert tabs["show_queue"] == queue
    assert (reverse("assessment:division_queue") in menu) == queue
    assert queue == (kind == OrganisationKind.MSE_DIVISION and role in access.DIVISION_ROLES)
    expert = access.works_expert_reviews(user)
    assert tabs["show_reviews"] == expert
    assert (reverse("assessment:expert_worklist") in menu) == expert
    assert expert == (kind == OrganisationKind.MSE_DIVISION and role == Role.MSE_SPECIALIST)


def test_the_queue_and_the_expert_worklist_refuse_the_higher_bodys_reviewer(
    client, reviewer, specialist
):
    """Their menu offers the reviewer neither page: an old link is refused the same way."""
    signed_in(client, reviewer)
    for name in ("division_queue", "division_queue_export", "expert_worklist"):
        assert client.get(reverse(f"assessment:{name}")).status_code == 403, name
    signed_in(client, specialist)
    for name in ("division_queue", "division_queue_export", "expert_worklist"):
        assert client.get(reverse(f"assessment:{name}")).status_code == 200, name
