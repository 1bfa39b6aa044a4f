"""The composition takes effect only by an approving vote, and never changes once decided."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import DomainError
from kopir.council import models as m
from kopir.council.forms_composition import MemberForm
from kopir.council.services.composition import (
    composition_approve_by_vote,
    composition_discard,
    composition_propose,
    member_add,
    member_remove,
    member_update,
)
from kopir.council.services.councils import council_merge
from kopir.council.services.votes import vote_close, vote_open
from kopir.council.tests.conftest import roll_call_vote, signed_in
from kopir.council.tests.factories import AgendaItemFactory, CouncilFactory
from kopir.council.tests.fixtures_followup import english_refusals

pytestmark = pytest.mark.django_db


def _vote(
    item: m.AgendaItem,
    secretary: User,
    members: list[m.Member],
    choice: str,
    composition: m.Composition | None = None,
) -> m.Vote:
    question = "Кеңестің жаңа құрамын бекіту"
    return roll_call_vote(
        item, secretary, members, choice, question=question, decides_composition=composition
    )


def _put_to_the_vote(
    composition: m.Composition,
    agenda_item: m.AgendaItem,
    secretary: User,
    voters: list[m.Member],
    choice: str,
) -> tuple[m.Composition, m.Vote]:
    """The secretary proposes a new composition, `voters` vote `choice` on it and the vote is
    closed: the proposal and the closed vote, with the composition in force, as stored."""
    proposed = composition_propose(actor=secretary, council=composition.council)
    vote = _vote(agenda_item, secretary, voters, choice, composition=proposed)
    closed = vote_close(actor=secretary, vote=vote)
    proposed.refresh_from_db()
    composition.refresh_from_db()
    return proposed, closed


@pytest.fixture
def proposed(composition: m.Composition, members: list[m.Member], secretary: User) -> m.Composition:
    """A new composition the secretary proposed: a copy of the members in force, waiting for a
    vote."""
    return composition_propose(actor=secretary, council=composition.council)


def test_a_proposal_copies_the_members_in_force(
    composition: m.Composition, members: list[m.Member], secretary: User
) -> None:
    proposed = composition_propose(actor=secretary, council=composition.council)

    assert proposed.status == m.CompositionStatus.PROPOSED
    assert proposed.number == 2
    assert sorted(proposed.members.values_list("full_name", flat=True)) == sorted(
        seat.full_name for seat in members
    )
    # The composition in force is untouched until a vote.
    composition.refresh_from_db()
    assert composition.status == m.CompositionStatus.APPROVED


def test_only_one_composition_can_wait_for_a_vote(
    composition: m.Composition, members: list[m.Member], secretary: User
) -> None:
    composition_propose(actor=secretary, council=composition.council)

    with pytest.raises(DomainError):
        composition_propose(actor=secretary, council=composition.council)


def test_an_approving_vote_puts_the_new_composition_in_force_from_the_meeting_date(
    composition: m.Composition, members: list[m.Member], secretary: User, agenda_item: m.AgendaItem
) -> None:
    proposed, vote = _put_to_the_vote(
        composition, agenda_item, secretary, members, m.BallotChoice.FOR
    )

    meeting_day = timezone.localdate(agenda_item.meeting.starts_at)
    assert proposed.status == m.CompositionStatus.APPROVED
    assert proposed.approved_by_vote == vote
    assert proposed.effective_from == meeting_day
    assert composition.status == m.CompositionStatus.SUPERSEDED
    assert composition.effective_until == meeting_day
    # The approval leads to the meeting (and so to its minutes) through the vote's agenda item.
    assert proposed.approved_by_vote.agenda_item.meeting == agenda_item.meeting
    assert (
        m.Composition.objects.filter(
            council=composition.council, status=m.CompositionStatus.APPROVED
        ).count()
        == 1
    )


def test_a_rejecting_vote_leaves_the_old_composition_in_force(
    composition: m.Composition, members: list[m.Member], secretary: User, agenda_item: m.AgendaItem
) -> None:
    proposed, _ = _put_to_the_vote(
        composition, agenda_item, secretary, members, m.BallotChoice.AGAINST
    )

    assert proposed.status == m.CompositionStatus.REJECTED
    assert proposed.approved_by_vote is None
    assert composition.status == m.CompositionStatus.APPROVED


def test_a_vote_without_quorum_decides_nothing(
    composition: m.Composition, members: list[m.Member], secretary: User, agenda_item: m.AgendaItem
) -> None:
    proposed, closed = _put_to_the_vote(
        composition, agenda_item, secretary, members[:2], m.BallotChoice.FOR
    )

    assert closed.result == m.VoteResult.NO_QUORUM
    assert proposed.status == m.CompositionStatus.PROPOSED


def test_an_open_vote_cannot_approve_a_composition(
    proposed: m.Composition, members: list[m.Member], secretary: User, agenda_item: m.AgendaItem
) -> None:
    vote = _vote(agenda_item, secretary, members, m.BallotChoice.FOR)

    with pytest.raises(DomainError):
        composition_approve_by_vote(actor=secretary, composition=proposed, vote=vote)

    proposed.refresh_from_db()
    assert proposed.status == m.CompositionStatus.PROPOSED


def test_a_closed_vote_cannot_approve_two_compositions(
    proposed: m.Composition, members: list[m.Member], secretary: User, agenda_item: m.AgendaItem
) -> None:
    vote = _vote(agenda_item, secretary, members, m.BallotChoice.FOR)
    vote_close(actor=secretary, vote=vote)
    composition_approve_by_vote(actor=secretary, composition=proposed, vote=vote)
    again = composition_propose(actor=secretary, council=proposed.council)

    with pytest.raises(DomainError):
        composition_approve_by_vote(actor=secretary, composition=again, vote=vote)

    again.refresh_from_db()
    assert again.status == m.CompositionStatus.PROPOSED


def test_the_database_allows_one_composition_in_force(composition: m.Composition) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        m.Composition.objects.create(
            council=composition.council,
            number=9,
            status=m.CompositionStatus.APPROVED,
            proposed_on=dt.date(2026, 3, 1),
        )


def test_a_decided_composition_refuses_member_changes(
    composition: m.Composition, members: list[m.Member], secretary: User
) -> None:
    with pytest.raises(DomainError):
        member_update(actor=secretary, member=members[0], full_name="Басқа Есім")
    with pytest.raises(DomainError):
        member_remove(actor=secretary, member=members[0])
    with pytest.raises(DomainError):
        member_add(
            actor=secretary,
            composition=composition,
            full_name="Жаңа Мүше",
            term_start=dt.date(2026, 1, 1),
            affiliation_text="ҮЕҰ",
        )


def test_members_of_a_proposed_composition_can_be_added_changed_and_removed(
    proposed: m.Composition, members: list[m.Member], secretary: User
) -> None:
    added = member_add(
        actor=secretary,
        composition=proposed,
        full_name="Жаңа Мүше Әлібекқызы",
        term_start=dt.date(2026, 11, 24),
        affiliation_text="Мүгедектер қоғамы",
    )
    member_update(actor=secretary, member=added, affiliation_text="Зағиптар қоғамы")
    member_remove(actor=secretary, member=proposed.members.exclude(pk=added.pk).first())  # type: ignore[arg-type]

    added.refresh_from_db()
    assert added.affiliation_text == "Зағиптар қоғамы"
    assert proposed.members.count() == len(members)
    assert AuditEvent.objects.filter(
        target_type="council.member", action=AuditAction.DELETE
    ).exists()


def test_a_composition_has_one_chair_and_valid_terms(
    proposed: m.Composition, secretary: User
) -> None:
    with pytest.raises(ValidationError) as error:
        member_add(
            actor=secretary,
            composition=proposed,
            full_name="Екінші Төраға",
            position=m.MemberPosition.CHAIR,
            term_start=dt.date(2026, 11, 24),
            term_end=dt.date(2026, 1, 1),
            affiliation_text="ҮЕҰ",
        )
    assert set(error.value.message_dict) == {"position", "term_end"}


def test_only_a_council_member_account_can_be_linked_to_a_seat(
    proposed: m.Composition, secretary: User
) -> None:
    clinician = UserFactory.create(roles=[Role.CLINICIAN])

    with pytest.raises(ValidationError) as error:
        member_update(actor=secretary, member=proposed.members.first(), account=clinician)  # type: ignore[arg-type]
    assert "account" in error.value.message_dict


def test_a_proposed_composition_without_votes_can_be_discarded(
    proposed: m.Composition, secretary: User
) -> None:
    composition_discard(actor=secretary, composition=proposed)

    assert not m.Composition.objects.filter(pk=proposed.pk).exists()


def test_the_members_of_the_new_composition_vote_only_after_it_is_approved(
    proposed: m.Composition, members: list[m.Member], secretary: User, agenda_item: m.AgendaItem
) -> None:
    """At the meeting that approves a new composition, the quorum stays on the sitting one."""
    for seat in proposed.members.all()[:2]:
        member_remove(actor=secretary, member=seat)
    vote = _vote(agenda_item, secretary, members, m.BallotChoice.FOR, composition=proposed)
    vote_close(actor=secretary, vote=vote)
    later_item = AgendaItemFactory.create(meeting=agenda_item.meeting, order=2)

    later = vote_open(actor=secretary, agenda_item=later_item, question="Өтініш", kind="counted")
    from kopir.council.services.votes import vote_set_totals

    vote_set_totals(actor=secretary, vote=later, votes_for=5, votes_against=0, votes_abstain=0)
    closed = vote_close(actor=secretary, vote=later)

    assert closed.members_in_office == len(members)
    assert closed.result == m.VoteResult.APPROVED_UNANIMOUSLY


def test_merging_councils_keeps_their_history_and_retires_them(
    council: m.Council, secretary: User
) -> None:
    families = CouncilFactory.create(
        slug="families", recommendation_rule_set=council.recommendation_rule_set
    )
    vulnerable = CouncilFactory.create(
        slug="vulnerable", recommendation_rule_set=council.recommendation_rule_set
    )

    council_merge(actor=secretary, into=council, sources=[families, vulnerable])
    council_merge(actor=secretary, into=council, sources=[families])  # a second run changes nothing

    families.refresh_from_db()
    vulnerable.refresh_from_db()
    assert set(council.merged_from.all()) == {families, vulnerable}
    assert not families.is_active
    assert not vulnerable.is_active
    assert list(families.merged_into.all()) == [council]


def test_a_council_cannot_merge_into_itself_or_into_a_retired_council(council: m.Council) -> None:
    retired = CouncilFactory.create(
        slug="retired", is_active=False, recommendation_rule_set=council.recommendation_rule_set
    )
    with pytest.raises(DomainError):
        council_merge(actor=None, into=council, sources=[council])
    with pytest.raises(DomainError):
        council_merge(actor=None, into=retired, sources=[council])


def test_a_members_affiliation_is_written_in_both_languages_and_copied_to_a_proposal(
    composition: m.Composition, members: list[m.Member], secretary: User, client: Any
) -> None:
    """The Russian minutes print the Russian half of a typed affiliation: the member's form asks
    for it beside the Kazakh one, and a proposed composition keeps it."""
    proposed = composition_propose(actor=secretary, council=composition.council)
    seat = proposed.members.order_by("order").last()
    assert seat is not None
    url = reverse("council:member_edit", args=[composition.council.slug, proposed.pk, seat.pk])
    browser = signed_in(client, secretary)
    page = browser.get(url)
    assert 'name="affiliation_text_ru"' in page.content.decode()
    data = {key: value for key, value in page.context["form"].initial.items() if value is not None}
    data.update(
        affiliation="",
        affiliation_text="Облыстық мәслихат депутаты",
        affiliation_text_ru="Депутат областного маслихата",
        term_start=seat.term_start.isoformat(),
        account=seat.account_id or "",
    )

    assert browser.post(url, data).status_code == 302

    seat.refresh_from_db()
    assert seat.affiliation_text_ru == "Депутат областного маслихата"
    m.Composition.objects.filter(pk=composition.pk).update(status=m.CompositionStatus.SUPERSEDED)
    m.Composition.objects.filter(pk=proposed.pk).update(status=m.CompositionStatus.APPROVED)
    copied = composition_propose(actor=secretary, council=composition.council)
    assert copied.members.get(full_name=seat.full_name).affiliation_text_ru == (
        "Депутат областного маслихата"
    )


def test_a_members_empty_position_is_named_in_its_own_words() -> None:
    """A member's position said only "This field is required."."""
    member = MemberForm({})
    errors, first_position = english_refusals([(member, "position")], member["position"])
    assert errors == ["Choose the member's position."]
    assert first_position == "Chair"
