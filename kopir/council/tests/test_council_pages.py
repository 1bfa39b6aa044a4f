"""Every council page as the secretary, a member, another council's secretary, an agency officer
and an anonymous visitor; list pages keep a query budget that does not grow with rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.tests.queries import page_queries
from kopir.council import models as m
from kopir.council.services.accommodation import accommodation_request
from kopir.council.services.composition import composition_propose
from kopir.council.services.councils import council_create, council_merge
from kopir.council.services.votes import vote_open
from kopir.council.tests.conftest import record_present, signed_in
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CouncilFactory,
    DecisionFactory,
    MeetingFactory,
    PetitionFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from kopir.directory.models import OrganisationKind, Territory
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(
    council: m.Council, members: list[m.Member], secretary: User, meeting: m.Meeting
) -> dict[str, Any]:
    """One of everything the pages show, keyed by what the URL arguments need."""
    proposed = composition_propose(actor=secretary, council=council)
    draft = WorkPlanFactory.create(council=council, year=2027, title="2027 жоспары")
    draft_item = WorkPlanItemFactory.create(plan=draft)
    approved = WorkPlanFactory.create(council=council, status=m.PlanStatus.APPROVED)
    approved_item = WorkPlanItemFactory.create(plan=approved)
    item = AgendaItemFactory.create(meeting=meeting, order=1, plan_item=approved_item)
    # Under way since an hour ago, not yet marked held: what happens at it is recorded.
    m.Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    meeting.refresh_from_db()
    record_present(meeting, members[:3], actor=secretary)
    vote = vote_open(
        actor=secretary, agenda_item=item, question="Бекіту", kind=m.VoteKind.ROLL_CALL
    )
    DecisionFactory.create(agenda_item=item, vote=vote)
    petition = PetitionFactory.create(council=council, number="Ө-2026-0001")
    task = accommodation_request(
        actor=secretary, meeting=meeting, requested_by="Мүше", need=m.AccommodationNeed.BRAILLE
    )
    return {
        "slug": council.slug,
        "meeting": meeting.pk,
        "item": item.pk,
        "vote": vote.pk,
        "proposed": proposed.pk,
        "proposed_member": proposed.members.first().pk,  # type: ignore[union-attr]
        "current": members[0].composition_id,
        "draft": draft.pk,
        "draft_item": draft_item.pk,
        "approved": approved.pk,
        "approved_item": approved_item.pk,
        "petition": petition.pk,
        "task": task.pk,
    }


READER_PAGES = [
    ("council:council_detail", ["slug"]),
    ("council:composition_list", ["slug"]),
    ("council:composition_detail", ["slug", "current"]),
    ("council:composition_detail", ["slug", "proposed"]),
    ("council:plan_list", ["slug"]),
    ("council:plan_detail", ["slug", "draft"]),
    ("council:plan_detail", ["slug", "approved"]),
    ("council:meeting_list", ["slug"]),
    ("council:meeting_detail", ["slug", "meeting"]),
    ("council:meeting_quorum", ["slug", "meeting"]),
    ("council:agenda_item_detail", ["slug", "meeting", "item"]),
    ("council:vote_detail", ["slug", "meeting", "vote"]),
    ("council:petition_list", ["slug"]),
    ("council:petition_detail", ["slug", "petition"]),
    ("council:accommodation_new", ["slug", "meeting"]),
]
SECRETARY_PAGES = [
    ("council:plan_new", ["slug"]),
    ("council:plan_item_new", ["slug", "draft"]),
    ("council:plan_item_edit", ["slug", "draft", "draft_item"]),
    ("council:plan_item_status", ["slug", "approved", "approved_item"]),
    ("council:member_new", ["slug", "proposed"]),
    ("council:member_edit", ["slug", "proposed", "proposed_member"]),
    ("council:meeting_new", ["slug"]),
    ("council:meeting_edit", ["slug", "meeting"]),
    ("council:meeting_cancel", ["slug", "meeting"]),
    ("council:meeting_attendance", ["slug", "meeting"]),
    ("council:agenda_item_new", ["slug", "meeting"]),
    ("council:agenda_item_edit", ["slug", "meeting", "item"]),
    ("council:petition_create", ["slug"]),
    ("council:accommodation_list", ["slug"]),
    ("council:accommodation_resolve", ["slug", "task"]),
]
SECRETARY_ACTIONS = [
    ("council:composition_new", ["slug"]),
    ("council:meeting_held", ["slug", "meeting"]),
    ("council:meeting_invitations", ["slug", "meeting"]),
    ("council:vote_close", ["slug", "meeting", "vote"]),
    ("council:vote_ballots", ["slug", "meeting", "vote"]),
    ("council:petition_answer", ["slug", "petition"]),
    ("council:speech_new", ["slug", "meeting", "item"]),
    ("council:agenda_item_move", ["slug", "meeting", "item"]),
]


def url(world: dict[str, Any], name: str, keys: list[str]) -> str:
    return reverse(name, args=[world[key] for key in keys])


@pytest.mark.parametrize(("name", "keys"), READER_PAGES + SECRETARY_PAGES)
def test_the_secretary_opens_every_page(
    client: Client, world: dict[str, Any], secretary: User, name: str, keys: list[str]
) -> None:
    response = signed_in(client, secretary).get(url(world, name, keys))
    assert response.status_code == 200
    assert response.content.decode().count("<h1") == 1


@pytest.mark.parametrize(("name", "keys"), READER_PAGES)
def test_a_member_reads_the_councils_pages(
    client: Client, world: dict[str, Any], member_user: User, name: str, keys: list[str]
) -> None:
    response = signed_in(client, member_user).get(url(world, name, keys))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    # A member reads; the secretary's ways to change the council are not offered.
    for action in ("council:meeting_new", "council:plan_new", "council:petition_create"):
        assert f'href="{reverse(action, args=[world["slug"]])}"' not in page


@pytest.mark.parametrize(("name", "keys"), SECRETARY_PAGES)
def test_a_member_cannot_open_the_secretarys_pages(
    client: Client, world: dict[str, Any], member_user: User, name: str, keys: list[str]
) -> None:
    assert signed_in(client, member_user).get(url(world, name, keys)).status_code == 403


@pytest.mark.parametrize(("name", "keys"), SECRETARY_ACTIONS)
def test_a_member_cannot_act_for_the_secretary(
    client: Client, world: dict[str, Any], member_user: User, name: str, keys: list[str]
) -> None:
    assert signed_in(client, member_user).post(url(world, name, keys), {}).status_code == 403


@pytest.mark.parametrize(("name", "keys"), READER_PAGES + SECRETARY_PAGES)
def test_another_councils_secretary_is_refused(
    client: Client, world: dict[str, Any], outsider: User, name: str, keys: list[str]
) -> None:
    assert signed_in(client, outsider).get(url(world, name, keys)).status_code == 403


@pytest.mark.parametrize(("name", "keys"), READER_PAGES[:5] + SECRETARY_PAGES[:3])
def test_an_agency_officer_is_refused(
    client: Client, world: dict[str, Any], officer: User, name: str, keys: list[str]
) -> None:
    assert signed_in(client, officer).get(url(world, name, keys)).status_code == 403


@pytest.mark.parametrize(("name", "keys"), READER_PAGES + SECRETARY_PAGES + SECRETARY_ACTIONS)
def test_an_anonymous_visitor_is_sent_to_sign_in(
    client: Client, world: dict[str, Any], name: str, keys: list[str]
) -> None:
    response = client.get(url(world, name, keys))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_anonymous_visitor_is_sent_to_sign_in_from_the_council_list(client: Client) -> None:
    response = client.get(reverse("council:council_list"))
    assert response.status_code == 302


def test_the_council_list_shows_only_the_users_councils(
    client: Client,
    world: dict[str, Any],
    secretary: User,
    outsider: User,
    officer: User,
    council: m.Council,
) -> None:
    assert list(
        signed_in(client, secretary).get(reverse("council:council_list")).context["councils"]
    ) == [council]
    outsider_councils = (
        signed_in(Client(), outsider).get(reverse("council:council_list")).context["councils"]
    )
    assert council not in outsider_councils
    empty = signed_in(Client(), officer).get(reverse("council:council_list"))
    assert empty.context["councils"] == []
    assert 'class="empty-state"' in empty.content.decode()


def test_unknown_councils_and_other_councils_meetings_are_not_found(
    client: Client, world: dict[str, Any], secretary: User, other_council: m.Council
) -> None:
    foreign = MeetingFactory.create(council=other_council, number=1)
    signed_in(client, secretary)
    assert (
        client.get(reverse("council:council_detail", args=["no-such-council"])).status_code == 404
    )
    assert (
        client.get(reverse("council:meeting_detail", args=[world["slug"], foreign.pk])).status_code
        == 404
    )


def test_the_quorum_fragment_answers_no_content_when_nothing_changed(
    client: Client, world: dict[str, Any], secretary: User
) -> None:
    address = url(world, "council:meeting_quorum", ["slug", "meeting"])
    signed_in(client, secretary)

    unchanged = client.get(address, {"seen": "3-5"}, HTTP_HX_REQUEST="true")
    changed = client.get(address, {"seen": "2-5"}, HTTP_HX_REQUEST="true")

    assert unchanged.status_code == 204
    assert changed.status_code == 200
    assert "seen=3-5" in changed.content.decode()
    assert "<h1" not in changed.content.decode()


# --- Query budgets ---------------------------------------------------------------------------------


def _add_rows(council: m.Council, secretary: User, start: int, count: int) -> None:
    for offset in range(count):
        number = start + offset
        meeting = MeetingFactory.create(
            council=council,
            number=100 + number,
            starts_at=timezone.now() + dt.timedelta(days=number + 1),
        )
        AgendaItemFactory.create(meeting=meeting, order=1)
        PetitionFactory.create(council=council, number=f"Ө-2026-{100 + number:04d}")
        accommodation_request(actor=secretary, meeting=meeting, requested_by="Мүше", need="braille")


@pytest.mark.parametrize(
    "name",
    [
        "council:meeting_list",
        "council:petition_list",
        "council:accommodation_list",
        "council:plan_list",
    ],
)
def test_list_pages_cost_the_same_with_more_rows(
    client: Client,
    world: dict[str, Any],
    council: m.Council,
    secretary: User,
    name: str,
    django_assert_max_num_queries: Any,
) -> None:
    signed_in(client, secretary)
    address = reverse(name, args=[council.slug])
    _add_rows(council, secretary, 0, 2)
    few = page_queries(client, address)
    _add_rows(council, secretary, 2, 10)
    many = page_queries(client, address)

    assert many == few
    with django_assert_max_num_queries(15):
        client.get(address)


def test_the_council_list_and_the_plan_cost_the_same_with_more_rows(
    client: Client, world: dict[str, Any], council: m.Council, secretary: User
) -> None:
    signed_in(client, secretary)
    plan_address = url(world, "council:plan_detail", ["slug", "approved"])
    plan = m.WorkPlan.objects.get(pk=world["approved"])
    list_before = page_queries(client, reverse("council:council_list"))
    plan_before = page_queries(client, plan_address)
    for quarter in (1, 2, 3, 4) * 3:
        WorkPlanItemFactory.create(plan=plan, quarter=quarter)

    assert page_queries(client, plan_address) == plan_before
    assert page_queries(client, reverse("council:council_list")) == list_before


def test_a_merged_councils_history_is_read_through_its_successor(
    client: Client,
    council: m.Council,
    secretary: User,
    member_user: User,
    outsider: User,
) -> None:
    earlier = CouncilFactory.create(
        slug="earlier-council", recommendation_rule_set=council.recommendation_rule_set
    )
    old_meeting = MeetingFactory.create(council=earlier, number=1)
    council_merge(actor=secretary, into=council, sources=[earlier])
    detail = reverse("council:council_detail", args=[earlier.slug])
    meeting_page = reverse("council:meeting_detail", args=[earlier.slug, old_meeting.pk])

    successor = reverse("council:council_detail", args=[council.slug])
    secretary_view = signed_in(client, secretary).get(detail)
    assert secretary_view.status_code == 200
    assert f'href="{successor}"' in secretary_view.content.decode()
    meeting_view = client.get(meeting_page)
    assert meeting_view.status_code == 200
    assert meeting_view.context["meeting"] == old_meeting
    # Reading the history gives no right to work in the retired council.
    assert client.get(reverse("council:meeting_new", args=[earlier.slug])).status_code == 403
    member_view = signed_in(Client(), member_user).get(detail)
    assert member_view.status_code == 200
    assert f'href="{successor}"' in member_view.content.decode()
    assert signed_in(Client(), outsider).get(detail).status_code == 403


def test_a_created_council_is_saved_with_one_audit_record(
    territory: Territory, party_rules: m.RecommendationRuleSet, secretary: User
) -> None:
    organisation = OrganisationFactory.create(kind=OrganisationKind.PUBLIC_COUNCIL)

    council = council_create(
        actor=secretary,
        organisation=organisation,
        slug="new-council",
        legal_basis=m.LegalBasis.PARTY_COUNCIL,
        territory=territory,
        rule_set=party_rules,
    )

    assert m.Council.objects.get(slug="new-council") == council
    created = AuditEvent.objects.filter(target_id=str(council.pk), action=AuditAction.CREATE)
    assert created.count() == 1
