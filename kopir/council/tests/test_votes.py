"""Votes: results from roll calls and counted totals, unanimity, abstentions, quorum, closing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from kopir.accounts.models import User
from kopir.core.errors import DomainError
from kopir.council import models as m
from kopir.council.forms_meetings import TotalsForm, VoteForm
from kopir.council.services.votes import (
    ballots_record,
    vote_close,
    vote_open,
    vote_outcome,
    vote_set_totals,
)
from kopir.council.tests.conftest import record_present
from kopir.council.tests.fixtures_followup import english_refusals

FOR, AGAINST, ABSTAIN = m.BallotChoice.FOR, m.BallotChoice.AGAINST, m.BallotChoice.ABSTAIN


@pytest.mark.parametrize(
    ("present", "counts", "expected"),
    [
        (5, (5, 0, 0), m.VoteResult.APPROVED_UNANIMOUSLY),
        (5, (3, 0, 0), m.VoteResult.APPROVED_UNANIMOUSLY),  # two present did not vote
        (5, (4, 0, 1), m.VoteResult.APPROVED),  # an abstention breaks unanimity
        (5, (3, 2, 0), m.VoteResult.APPROVED),
        (4, (2, 1, 1), m.VoteResult.REJECTED),  # exactly half is not more than half
        (5, (2, 0, 3), m.VoteResult.REJECTED),  # abstentions count against approval
        (5, (0, 0, 0), m.VoteResult.REJECTED),
    ],
)
def test_the_result_follows_from_the_count(
    present: int, counts: tuple[int, int, int], expected: str
) -> None:
    votes_for, against, abstain = counts
    result = vote_outcome(
        has_quorum=True,
        present=present,
        votes_for=votes_for,
        votes_against=against,
        votes_abstain=abstain,
    )
    assert result == expected


def test_without_quorum_nothing_is_decided() -> None:
    result = vote_outcome(
        has_quorum=False, present=2, votes_for=2, votes_against=0, votes_abstain=0
    )
    assert result == m.VoteResult.NO_QUORUM


def _roll_call(item: m.AgendaItem, secretary: User, present: list[m.Member]) -> m.Vote:
    """Mark `present` at the item's meeting, then open a roll call on the item."""
    record_present(item.meeting, present, actor=secretary)
    return vote_open(
        actor=secretary, agenda_item=item, question="Ұсынымдарды бекіту", kind=m.VoteKind.ROLL_CALL
    )


@pytest.fixture
def all_for(agenda_item: m.AgendaItem, members: list[m.Member], secretary: User) -> m.Vote:
    """A roll call at which all five members are present and vote for."""
    vote = _roll_call(agenda_item, secretary, members)
    ballots_record(actor=secretary, vote=vote, choices={seat.pk: FOR for seat in members})
    return vote


@pytest.mark.django_db
def test_a_roll_call_of_all_for_is_approved_unanimously(
    all_for: m.Vote, members: list[m.Member], secretary: User
) -> None:
    vote = all_for

    closed = vote_close(actor=secretary, vote=vote)

    assert closed.result == m.VoteResult.APPROVED_UNANIMOUSLY
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (5, 0, 0)
    assert (closed.members_present, closed.members_in_office) == (5, 5)
    assert closed.closed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("present", "abstaining", "expected"),
    [
        (5, 1, m.VoteResult.APPROVED),  # one abstention: approved, but not unanimously
        (2, 0, m.VoteResult.NO_QUORUM),  # two of five present: no quorum, nothing is decided
    ],
)
def test_a_roll_call_closes_with_what_its_ballots_decide(
    agenda_item: m.AgendaItem,
    members: list[m.Member],
    secretary: User,
    present: int,
    abstaining: int,
    expected: str,
) -> None:
    seats = members[:present]
    vote = _roll_call(agenda_item, secretary, seats)
    choices = {seat.pk: ABSTAIN if seat in seats[present - abstaining :] else FOR for seat in seats}
    ballots_record(actor=secretary, vote=vote, choices=choices)

    assert vote_close(actor=secretary, vote=vote).result == expected


@pytest.mark.django_db
def test_an_absent_member_cannot_vote(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User
) -> None:
    vote = _roll_call(agenda_item, secretary, members[:3])

    with pytest.raises(DomainError):
        ballots_record(actor=secretary, vote=vote, choices={members[4].pk: FOR})


@pytest.mark.django_db
def test_counted_totals_cannot_exceed_the_members_present(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User
) -> None:
    record_present(agenda_item.meeting, members[:3], actor=secretary)
    vote = vote_open(
        actor=secretary, agenda_item=agenda_item, question="Q", kind=m.VoteKind.COUNTED
    )

    with pytest.raises(ValidationError):
        vote_set_totals(actor=secretary, vote=vote, votes_for=3, votes_against=1, votes_abstain=0)
    vote_set_totals(actor=secretary, vote=vote, votes_for=2, votes_against=1, votes_abstain=0)

    assert vote_close(actor=secretary, vote=vote).result == m.VoteResult.APPROVED


@pytest.mark.django_db
def test_a_closed_vote_cannot_change(
    all_for: m.Vote, members: list[m.Member], secretary: User
) -> None:
    vote = all_for
    vote_close(actor=secretary, vote=vote)

    with translation.override("en"):
        with pytest.raises(DomainError, match="closed"):
            ballots_record(actor=secretary, vote=vote, choices={members[0].pk: AGAINST})
        with pytest.raises(DomainError, match="closed"):
            vote_close(actor=secretary, vote=vote)
    vote.refresh_from_db()
    assert vote.votes_for == 5
    assert not vote.ballots.filter(choice=AGAINST).exists()


@pytest.mark.django_db
def test_a_roll_call_takes_no_totals_and_a_count_takes_no_ballots(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User
) -> None:
    roll_call = _roll_call(agenda_item, secretary, members)
    counted = vote_open(
        actor=secretary, agenda_item=agenda_item, question="Q", kind=m.VoteKind.COUNTED
    )

    with pytest.raises(DomainError):
        vote_set_totals(
            actor=secretary, vote=roll_call, votes_for=1, votes_against=0, votes_abstain=0
        )
    with pytest.raises(DomainError):
        ballots_record(actor=secretary, vote=counted, choices={members[0].pk: FOR})


@pytest.mark.django_db
def test_a_ballot_can_be_changed_or_withdrawn_while_the_vote_is_open(
    all_for: m.Vote, members: list[m.Member], secretary: User
) -> None:
    vote = all_for

    ballots_record(
        actor=secretary, vote=vote, choices={members[0].pk: AGAINST, members[1].pk: None}
    )

    assert dict(vote.ballots.values_list("member_id", "choice")) == {
        members[0].pk: AGAINST,
        **{seat.pk: FOR for seat in members[2:]},
    }


def test_an_empty_vote_kind_and_totals_are_named_in_their_own_words() -> None:
    """How the votes are recorded and each counted total said only "This field is required."."""
    vote = VoteForm({}, compositions=[], plans=[])
    totals = TotalsForm({})
    errors, first_kind = english_refusals(
        [
            (vote, "kind"),
            (totals, "votes_for"),
            (totals, "votes_against"),
            (totals, "votes_abstain"),
        ],
        vote["kind"],
    )
    assert errors == [
        "Choose how the votes are recorded.",
        "Enter the number of votes for.",
        "Enter the number of votes against.",
        "Enter the number of members who abstained.",
    ]
    assert first_kind == "Each member's vote recorded"
