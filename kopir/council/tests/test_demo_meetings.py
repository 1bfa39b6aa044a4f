"""The council demo (meetings side): the seed's meeting recreated, and loading it twice changes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from kopir.accounts import demo as accounts_demo
from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import built_once_for_the_module
from kopir.council import models as m
from kopir.council.access import is_chair, is_member
from kopir.council.demo import meetings as demo_meetings
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.fixtures_followup import KAZAKH_LETTERS
from kopir.directory import demo as directory_demo

pytestmark = pytest.mark.django_db


def _load() -> str:
    directory_demo.load()
    accounts_demo.load()
    return demo_meetings.load()


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    """Loaded once for the module's tests, each of which runs in a savepoint of its own."""
    yield from built_once_for_the_module(django_db_blocker, _load)


def _counts() -> dict[str, int]:
    council_models = apps.get_app_config("council").get_models()
    counts = {model.__name__: model._default_manager.count() for model in council_models}
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def test_loading_twice_changes_nothing(loaded: str) -> None:
    before = _counts()

    summary = demo_meetings.load()

    assert summary.endswith("unchanged")
    assert _counts() == before
    assert "created" in loaded


def test_the_council_was_formed_by_merging_two_councils(loaded: str) -> None:
    council = m.Council.objects.get(slug=demo_meetings.COUNCIL_SLUG)

    assert council.organisation.code == "wko-public-council"
    assert council.legal_basis == m.LegalBasis.PARTY_COUNCIL
    assert council.recommendation_rule_set.code == "party-council"
    assert sorted(council.merged_from.values_list("organisation__code", flat=True)) == [
        "wko-council-families",
        "wko-council-vulnerable",
    ]
    assert not council.merged_from.filter(is_active=True).exists()
    statutory = m.RecommendationRuleSet.objects.get(code="statutory-public-control")
    assert (statutory.send_within_working_days, statutory.answer_within_working_days) == (7, 10)
    assert statutory.is_statutory


def test_the_new_composition_was_approved_unanimously_at_the_seed_meeting(loaded: str) -> None:
    council = m.Council.objects.get(slug=demo_meetings.COUNCIL_SLUG)
    former, new = council.compositions.order_by("number")
    seed = council.meetings.get(number=demo_meetings.SEED_MEETING_NUMBER)

    assert former.status == m.CompositionStatus.SUPERSEDED
    assert new.status == m.CompositionStatus.APPROVED
    assert new.approved_by_vote.result == m.VoteResult.APPROVED_UNANIMOUSLY  # type: ignore[union-attr]
    assert new.approved_by_vote.agenda_item.meeting == seed  # type: ignore[union-attr]
    assert new.effective_from == former.effective_until == seed.starts_at.date()
    blind = new.members.get(affiliation__code="kos-wko")
    assert blind.account == User.objects.get(username="member")
    assert is_member(blind.account, council)


def test_the_seed_meeting_has_its_agenda_officials_answers_and_unanimous_votes(loaded: str) -> None:
    seed = m.Meeting.objects.get(
        council__slug=demo_meetings.COUNCIL_SLUG, number=demo_meetings.SEED_MEETING_NUMBER
    )
    items = list(seed.agenda.order_by("order"))

    assert seed.status == m.MeetingStatus.HELD
    assert len(items) == 6
    assert items[5].petition is not None
    assert items[5].petition.status == m.PetitionStatus.CONSIDERED
    assert items[5].petition.number == "Ө-2026-0001"
    assert {vote.result for vote in m.Vote.objects.filter(agenda_item__meeting=seed)} == {
        m.VoteResult.APPROVED_UNANIMOUSLY
    }
    assert m.Decision.objects.filter(agenda_item__meeting=seed).count() == 6
    official_orgs = set(
        m.InvitedOfficial.objects.filter(agenda_item__meeting=seed).values_list(
            "organisation__code", flat=True
        )
    )
    assert official_orgs == {"wko-mse-department", "wko-employment-office", "wko-health-office"}
    assert m.Speech.objects.filter(agenda_item__meeting=seed, is_official_answer=True).count() >= 6
    summaries = m.Speech.objects.filter(agenda_item__meeting=seed).values_list("summary", flat=True)
    written = " ".join([*(item.title for item in items), *summaries]).lower()
    assert set(written) >= set(KAZAKH_LETTERS.split())


def test_the_members_with_an_account_are_invited_to_the_next_meeting(loaded: str) -> None:
    invited = m.MeetingInvitation.objects.filter(
        meeting__council__slug=demo_meetings.COUNCIL_SLUG, meeting__status=m.MeetingStatus.PLANNED
    )

    assert invited.exists()
    assert all(invitation.member.account.email for invitation in invited)  # type: ignore[union-attr]


def test_the_plan_shows_done_pending_and_moved_items(loaded: str) -> None:
    from kopir.council.selectors.councils import plan_items_with_progress

    work_plan = m.WorkPlan.objects.get(council__slug=demo_meetings.COUNCIL_SLUG, year=2026)
    progress = {item.topic: item.progress for item in plan_items_with_progress(work_plan)}

    assert work_plan.status == m.PlanStatus.APPROVED
    assert progress[demo_meetings.plan_item_for("terekti").topic] == "done"  # type: ignore[union-attr]
    assert progress[demo_meetings.plan_item_for("karatobe").topic] == "done"  # type: ignore[union-attr]
    assert progress[demo_meetings.plan_item_for("seed").topic] == "done"  # type: ignore[union-attr]
    assert progress[demo_meetings.plan_item_for("schools").topic] == "done"  # type: ignore[union-attr]
    assert progress[demo_meetings.plan_item_for("year-results").topic] == "pending"  # type: ignore[union-attr]
    assert progress[demo_meetings.plan_item_for("employment-hearing").topic] == "moved"  # type: ignore[union-attr]
    # The plan's title and the moved item's note have their Russian halves, as the topics do.
    moved = demo_meetings.plan_item_for("employment-hearing")
    assert (
        work_plan.title_ru == "План работы общественного совета по социальным вопросам на 2026 год"
    )
    assert moved is not None
    assert moved.moved_note_ru.startswith("На 1-й квартал 2027 года")


def test_the_demo_accounts_open_the_council(loaded: str, client: Client) -> None:
    council = m.Council.objects.get(slug=demo_meetings.COUNCIL_SLUG)
    secretary = User.objects.get(username="secretary")
    member = User.objects.get(username="member")
    chair = User.objects.filter(username="chair").first()

    for user in (secretary, member):
        response = signed_in(Client(), user).get(
            reverse("council:council_detail", args=[council.slug])
        )
        assert response.status_code == 200
    assert (
        signed_in(client, secretary)
        .get(reverse("council:accommodation_list", args=[council.slug]))
        .context["page_obj"]
        .paginator.count
        == 1
    )
    if chair is not None and chair.has_role("council_member"):
        assert is_chair(chair, council)


def test_every_meetings_page_is_covered_and_opens_for_the_demo_secretary(
    loaded: str, client: Client
) -> None:
    from kopir.council.urls_meetings import urlpatterns

    arguments = demo_meetings.demo_page_arguments()
    names = {f"council:{pattern.name}" for pattern in urlpatterns}
    covered = (
        set(arguments)
        | set(demo_meetings.POST_ONLY_PAGES)
        | set(demo_meetings.PAGES_WITHOUT_DEMO_STATE)
        | {"council:council_list"}
    )
    assert names == covered
    signed_in(client, User.objects.get(username="secretary"))
    statuses = {
        name: client.get(reverse(name, kwargs=kwargs)).status_code
        for name, kwargs in arguments.items()
    }
    assert set(statuses.values()) == {200}, statuses
    assert (
        client.get(
            reverse("council:meeting_held", kwargs=arguments["council:meeting_detail"])
        ).status_code
        == 405
    )


def test_each_demo_account_with_a_seat_is_the_person_of_that_seat(loaded: str) -> None:
    council = m.Council.objects.get(slug=demo_meetings.COUNCIL_SLUG)
    seats = m.Member.objects.filter(
        composition__council=council, composition__status=m.CompositionStatus.APPROVED
    ).select_related("account")
    by_account = {seat.account.username: seat for seat in seats if seat.account is not None}

    assert {"chair", "secretary", "member"} <= by_account.keys()
    for username, seat in by_account.items():
        account = User.objects.get(username=username)
        # The seat's full name (surname, name, patronymic) is the account's person.
        assert seat.full_name.split()[:2] == [account.last_name, account.first_name], username
    assert by_account["chair"].position == m.MemberPosition.CHAIR
    assert by_account["secretary"].position == m.MemberPosition.SECRETARY
    invited = m.MeetingInvitation.objects.filter(
        meeting__council=council, meeting__status=m.MeetingStatus.PLANNED
    )
    assert invited.filter(member=by_account["secretary"]).exists()
