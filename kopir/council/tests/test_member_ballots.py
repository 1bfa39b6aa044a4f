"""Members casting their own ballots in a roll-call vote, next to the secretary's recording.

Who may (a council member's seat in the sitting composition, marked present in person or
online), what (for, against, abstain; changeable until the vote closes, the last ballot counts),
and how the two hands meet on the same member's ballot: the secretary's page says which ballots
it showed, a row the secretary left alone is never written, and a row both changed is a conflict
(409, nothing saved).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.errors import AccessDenied, DomainError
from kopir.core.tests.queries import page_queries
from kopir.council import access
from kopir.council import models as m
from kopir.council.forms_meetings import encode_ballots
from kopir.council.services.minutes_body import build_body, load_meeting
from kopir.council.services.votes import (
    BallotsChangedError,
    ballot_cast_by_member,
    ballots_record,
    vote_annul,
    vote_close,
    vote_open,
)
from kopir.council.tests.conftest import record_present, signed_in
from kopir.council.tests.factories import (
    AgendaItemFactory,
    CompositionFactory,
    MeetingFactory,
    MemberFactory,
)

pytestmark = pytest.mark.django_db

FOR, AGAINST, ABSTAIN = m.BallotChoice.FOR, m.BallotChoice.AGAINST, m.BallotChoice.ABSTAIN


def _account_for(seat: m.Member) -> User:
    user = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    seat.account = user
    seat.save(update_fields=["account"])
    return user


def _ballots(vote: m.Vote) -> dict[int, str]:
    return dict(vote.ballots.values_list("member_id", "choice"))


@pytest.fixture
def vote(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User, member_user: User
) -> m.Vote:
    """An open roll call; the first four seats present (member_user's among them), the fifth absent."""
    record_present(agenda_item.meeting, members[:4], actor=secretary)
    return vote_open(
        actor=secretary,
        agenda_item=agenda_item,
        question="Жоспарды бекіту",
        kind=m.VoteKind.ROLL_CALL,
    )


@pytest.fixture
def absent_user(members: list[m.Member]) -> User:
    return _account_for(members[4])


@pytest.fixture
def counted_vote(vote: m.Vote, secretary: User) -> m.Vote:
    return vote_open(
        actor=secretary,
        agenda_item=vote.agenda_item,
        question="Қол көтеру",
        kind=m.VoteKind.COUNTED,
    )


# --- The service: who may cast, what, and when ----------------------------------------------------


def test_a_present_member_casts_their_own_ballot_and_it_is_audited(
    vote: m.Vote, members: list[m.Member], member_user: User
) -> None:
    ballot = ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)

    assert (ballot.member_id, ballot.choice) == (members[1].pk, FOR)
    assert _ballots(vote) == {members[1].pk: FOR}
    event = AuditEvent.objects.filter(target_type="council.vote", target_id=str(vote.pk)).latest(
        "pk"
    )
    assert event.actor_id == member_user.pk
    assert event.action == AuditAction.UPDATE
    assert event.fields == ["ballots"]
    assert event.detail == "own ballot"


def test_a_member_present_online_casts_a_ballot(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User, member_user: User
) -> None:
    record_present(agenda_item.meeting, members[:3], actor=secretary, online=True)
    online_vote = vote_open(
        actor=secretary, agenda_item=agenda_item, question="Q", kind=m.VoteKind.ROLL_CALL
    )

    ballot_cast_by_member(actor=member_user, vote=online_vote, choice=ABSTAIN)

    assert _ballots(online_vote) == {members[1].pk: ABSTAIN}


def test_an_absent_member_is_refused(vote: m.Vote, absent_user: User) -> None:
    with pytest.raises(AccessDenied):
        ballot_cast_by_member(actor=absent_user, vote=vote, choice=FOR)
    assert _ballots(vote) == {}


def test_a_member_whose_attendance_is_not_recorded_is_refused(
    agenda_item: m.AgendaItem, members: list[m.Member], secretary: User, member_user: User
) -> None:
    unrecorded = vote_open(
        actor=secretary, agenda_item=agenda_item, question="Q", kind=m.VoteKind.ROLL_CALL
    )
    with pytest.raises(AccessDenied):
        ballot_cast_by_member(actor=member_user, vote=unrecorded, choice=FOR)


def test_guests_are_refused(vote: m.Vote, members: list[m.Member], member_user: User) -> None:
    meeting = vote.agenda_item.meeting
    # A guest listed by name has no seat; a seat listed as a guest is not present as a member.
    guest = UserFactory.create(roles=[Role.COUNCIL_MEMBER], first_name="Қонақ")
    m.Attendance.objects.create(meeting=meeting, guest_name="Қонақ Сынақұлы", status="guest")
    m.Attendance.objects.filter(meeting=meeting, member=members[1]).update(
        status=m.AttendanceStatus.GUEST
    )

    for user in (guest, member_user):
        with pytest.raises(AccessDenied):
            ballot_cast_by_member(actor=user, vote=vote, choice=FOR)
    assert _ballots(vote) == {}


def test_the_secretary_an_agency_officer_and_another_councils_member_are_refused(
    vote: m.Vote, secretary: User, officer: User, other_council: m.Council
) -> None:
    foreign_seat = MemberFactory.create(
        composition=CompositionFactory.create(
            council=other_council, number=1, status=m.CompositionStatus.APPROVED
        )
    )
    foreign_member = _account_for(foreign_seat)

    for user in (secretary, officer, foreign_member):
        with pytest.raises(AccessDenied):
            ballot_cast_by_member(actor=user, vote=vote, choice=FOR)
    assert _ballots(vote) == {}


def test_a_seat_without_the_member_role_is_refused(vote: m.Vote, member_user: User) -> None:
    member_user.role_assignments.all().delete()
    member_user = User.objects.get(pk=member_user.pk)

    with pytest.raises(AccessDenied):
        ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)


def test_a_closed_vote_takes_no_ballot(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)
    vote_close(actor=secretary, vote=vote)

    with translation.override("en"), pytest.raises(DomainError, match="closed"):
        ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)
    assert _ballots(vote) == {members[1].pk: FOR}


def test_a_counted_vote_takes_no_individual_ballot(counted_vote: m.Vote, member_user: User) -> None:
    with translation.override("en"), pytest.raises(DomainError, match="show of hands"):
        ballot_cast_by_member(actor=member_user, vote=counted_vote, choice=FOR)
    assert not counted_vote.ballots.exists()


def test_only_for_against_or_abstain(vote: m.Vote, member_user: User) -> None:
    with pytest.raises(ValidationError):
        ballot_cast_by_member(actor=member_user, vote=vote, choice="maybe")
    assert _ballots(vote) == {}


def test_a_member_changes_their_ballot_until_the_vote_closes(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)
    ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)

    assert _ballots(vote) == {members[1].pk: AGAINST}
    closed = vote_close(actor=secretary, vote=vote)
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (0, 1, 0)


def test_the_result_counts_members_own_ballots_with_the_secretarys(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    chair = _account_for(members[0])
    third = _account_for(members[2])
    ballot_cast_by_member(actor=chair, vote=vote, choice=FOR)
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)
    ballot_cast_by_member(actor=third, vote=vote, choice=FOR)
    # The fourth present member votes by hand in the room; the secretary records it.
    ballots_record(actor=secretary, vote=vote, choices={members[3].pk: ABSTAIN}, seen={})

    closed = vote_close(actor=secretary, vote=vote)

    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (3, 0, 1)
    assert closed.members_present == 4
    assert closed.result == m.VoteResult.APPROVED  # 3 of 4 present; the abstention breaks unanimity


def test_all_members_voting_for_themselves_approve_unanimously(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    for user in (member_user, _account_for(members[0]), _account_for(members[2])):
        ballot_cast_by_member(actor=user, vote=vote, choice=FOR)

    assert vote_close(actor=secretary, vote=vote).result == m.VoteResult.APPROVED_UNANIMOUSLY


# --- The secretary and the member on the same member's ballot -----------------------------------


def test_a_stale_secretarys_page_leaves_a_members_own_ballot_alone(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    seen: dict[int, str | None] = {}  # the secretary's page opened before anyone voted
    ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)

    # The page still shows "did not vote" for the member; the secretary records the others.
    choices: dict[int, str | None] = {seat.pk: FOR for seat in members[:4]}
    choices[members[1].pk] = None
    ballots_record(actor=secretary, vote=vote, choices=choices, seen=seen)

    assert _ballots(vote) == {
        members[0].pk: FOR,
        members[1].pk: AGAINST,
        members[2].pk: FOR,
        members[3].pk: FOR,
    }


def test_both_changing_the_same_ballot_is_a_conflict_and_nothing_is_saved(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballots_record(actor=secretary, vote=vote, choices={members[0].pk: FOR})
    seen = {members[0].pk: FOR}
    ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)

    with translation.override("en"), pytest.raises(BallotsChangedError) as caught:
        ballots_record(
            actor=secretary,
            vote=vote,
            choices={members[0].pk: ABSTAIN, members[1].pk: FOR, members[2].pk: FOR},
            seen=seen,
        )

    assert caught.value.member_ids == [members[1].pk]
    assert caught.value.current == {members[0].pk: FOR, members[1].pk: AGAINST}
    assert members[1].full_name in str(caught.value)
    assert "Nothing was saved" in str(caught.value)
    assert _ballots(vote) == {members[0].pk: FOR, members[1].pk: AGAINST}


def test_a_secretary_who_saw_the_members_ballot_may_correct_it(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)

    ballots_record(
        actor=secretary, vote=vote, choices={members[1].pk: FOR}, seen={members[1].pk: AGAINST}
    )

    assert _ballots(vote) == {members[1].pk: FOR}


def test_the_member_casting_after_the_secretary_recorded_them_wins(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballots_record(actor=secretary, vote=vote, choices={members[1].pk: FOR}, seen={})

    ballot_cast_by_member(actor=member_user, vote=vote, choice=ABSTAIN)

    assert _ballots(vote) == {members[1].pk: ABSTAIN}


def test_both_choosing_the_same_is_no_conflict(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)

    ballots_record(actor=secretary, vote=vote, choices={members[1].pk: FOR}, seen={})

    assert _ballots(vote) == {members[1].pk: FOR}


def test_without_what_was_seen_every_choice_is_written_as_before(
    vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    """Callers that read no page (the demo loader, scripts) keep the old meaning."""
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)

    ballots_record(actor=secretary, vote=vote, choices={members[1].pk: None})

    assert _ballots(vote) == {}


# --- The pages ------------------------------------------------------------------------------------


def _vote_url(vote: m.Vote, name: str = "council:vote_detail", language: str = "en") -> str:
    meeting = vote.agenda_item.meeting
    with translation.override(language):
        return reverse(name, args=[meeting.council.slug, meeting.pk, vote.pk])


def _cast_url(vote: m.Vote) -> str:
    return _vote_url(vote, "council:vote_own_ballot")


def test_a_present_member_casts_from_the_vote_page(
    client: Client, vote: m.Vote, members: list[m.Member], member_user: User
) -> None:
    response = signed_in(client, member_user).post(_cast_url(vote), {"choice": AGAINST})

    assert response.status_code == 302
    assert response["Location"] == _vote_url(vote)
    assert _ballots(vote) == {members[1].pk: AGAINST}
    page = client.get(_vote_url(vote)).content.decode()
    assert "Your vote is saved." in page


@pytest.mark.parametrize("who", ["absent_user", "secretary", "officer", "outsider"])
def test_everyone_else_is_refused_with_403(
    client: Client, vote: m.Vote, who: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(who)

    response = signed_in(client, user).post(_cast_url(vote), {"choice": FOR})

    assert response.status_code == 403
    assert _ballots(vote) == {}


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client, vote: m.Vote) -> None:
    response = client.post(_cast_url(vote), {"choice": FOR})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert _ballots(vote) == {}


def test_the_cast_address_takes_posts_only(client: Client, vote: m.Vote, member_user: User) -> None:
    assert signed_in(client, member_user).get(_cast_url(vote)).status_code == 405


def test_another_councils_vote_is_not_found_and_its_council_is_forbidden(
    client: Client,
    vote: m.Vote,
    member_user: User,
    other_council: m.Council,
) -> None:
    composition = CompositionFactory.create(
        council=other_council, number=1, status=m.CompositionStatus.APPROVED
    )
    foreign_seats = [MemberFactory.create(composition=composition) for _ in range(3)]
    foreign_member = _account_for(foreign_seats[0])
    foreign_meeting = MeetingFactory.create(
        council=other_council, number=1, starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    record_present(foreign_meeting, foreign_seats)
    foreign_vote = vote_open(
        actor=None,
        agenda_item=AgendaItemFactory.create(meeting=foreign_meeting, order=1),
        question="Q",
        kind=m.VoteKind.ROLL_CALL,
    )
    own_meeting = vote.agenda_item.meeting
    signed_in(client, member_user)

    # The other council's vote through this council's meeting: not found.
    with translation.override("en"):
        through_own = reverse(
            "council:vote_own_ballot",
            args=[own_meeting.council.slug, own_meeting.pk, foreign_vote.pk],
        )
    assert client.post(through_own, {"choice": FOR}).status_code == 404
    # The other council's own address: a council this member does not sit in.
    assert client.post(_cast_url(foreign_vote), {"choice": FOR}).status_code == 403
    # And the other council's member here.
    assert (
        signed_in(Client(), foreign_member).post(_cast_url(vote), {"choice": FOR}).status_code
        == 403
    )
    assert not m.Ballot.objects.exists()


def test_a_missing_choice_shows_the_error_summary(
    client: Client, vote: m.Vote, member_user: User
) -> None:
    response = signed_in(client, member_user).post(_cast_url(vote), {})

    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="error-summary"' in page
    assert "Choose for, against or abstain." in page
    assert 'href="#id_choice"' in page
    assert 'aria-invalid="true"' in page or "field--error" in page
    assert _ballots(vote) == {}


def test_a_vote_closed_meanwhile_refuses_with_a_message(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)
    vote_close(actor=secretary, vote=vote)

    response = signed_in(client, member_user).post(_cast_url(vote), {"choice": AGAINST})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This vote is closed: its result and ballots cannot change." in page
    assert _ballots(vote) == {members[1].pk: FOR}


def test_an_empty_post_on_a_closed_vote_says_it_is_closed(
    client: Client, vote: m.Vote, secretary: User, member_user: User
) -> None:
    vote_close(actor=secretary, vote=vote)

    response = signed_in(client, member_user).post(_cast_url(vote), {})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This vote is closed: its result and ballots cannot change." in page
    assert "Choose for, against or abstain." not in page
    assert _ballots(vote) == {}


def test_a_counted_vote_refuses_with_a_message(
    client: Client, counted_vote: m.Vote, member_user: User
) -> None:
    response = signed_in(client, member_user).post(_cast_url(counted_vote), {"choice": FOR})

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "members do not cast ballots here" in page
    assert not counted_vote.ballots.exists()


def _own_form(page: str) -> str:
    match = re.search(r'<form[^>]*action="[^"]*/my-ballot/"[^>]*>.*?</form>', page, re.S)
    assert match, "the page has no form for the member's own vote"
    return match.group(0)


def test_the_vote_page_offers_a_present_member_an_accessible_form(
    client: Client, vote: m.Vote, member_user: User
) -> None:
    page = signed_in(client, member_user).get(_vote_url(vote)).content.decode()

    form = _own_form(page)
    assert '<h2 id="own-ballot-title">Your vote</h2>' in form
    assert 'aria-labelledby="own-ballot-title"' in form
    assert "<fieldset" in form
    assert re.search(r"<legend[^>]*>\s*Жоспарды бекіту", form)
    assert re.findall(r'type="radio" name="choice" value="(\w+)"', form) == [
        FOR,
        AGAINST,
        ABSTAIN,
    ]
    assert "checked" not in form
    assert '<button type="submit">Save my vote</button>' in form
    # The member does not get the secretary's forms.
    assert "/ballots/" not in page
    assert "/close/" not in page


def test_the_form_shows_the_members_current_ballot(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    ballots_record(actor=secretary, vote=vote, choices={members[1].pk: ABSTAIN})

    form = _own_form(signed_in(client, member_user).get(_vote_url(vote)).content.decode())

    assert "Recorded: Abstain." in form
    assert re.search(r'value="abstain"[^>]*checked', form)
    assert not re.search(r'value="for"[^>]*checked', form)


def test_absent_members_and_the_secretary_get_no_form(
    client: Client, vote: m.Vote, absent_user: User, secretary: User
) -> None:
    for user in (absent_user, secretary):
        response = signed_in(Client(), user).get(_vote_url(vote))
        assert response.status_code == 200
        assert "/my-ballot/" not in response.content.decode()


def test_after_closing_the_member_sees_how_they_voted(
    client: Client, vote: m.Vote, secretary: User, member_user: User, absent_user: User
) -> None:
    ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)
    vote_close(actor=secretary, vote=vote)

    page = signed_in(client, member_user).get(_vote_url(vote)).content.decode()

    assert "/my-ballot/" not in page
    assert re.search(r"<h2>Your vote</h2>\s*<p><strong>Against</strong></p>", page)
    absent_page = signed_in(Client(), absent_user).get(_vote_url(vote)).content.decode()
    assert "Your vote" not in absent_page


def test_the_meeting_page_points_a_present_member_to_the_open_roll_call(
    client: Client,
    vote: m.Vote,
    counted_vote: m.Vote,
    member_user: User,
    absent_user: User,
    secretary: User,
) -> None:
    meeting = vote.agenda_item.meeting
    with translation.override("en"):
        address = reverse("council:meeting_detail", args=[meeting.council.slug, meeting.pk])
    # On an English page the question, kept in Kazakh only here, is marked as Kazakh.
    question = '<span lang="kk">Жоспарды бекіту</span>'
    link = f'<a href="{_vote_url(vote)}">Open vote: cast your ballot — {question}</a>'

    page = signed_in(client, member_user).get(address).content.decode()
    assert link in page
    assert page.count("Open vote: cast your ballot") == 1  # not for the counted vote

    for user in (absent_user, secretary):
        assert (
            "Open vote: cast your ballot"
            not in signed_in(Client(), user).get(address).content.decode()
        )
    vote_close(actor=secretary, vote=vote)
    assert "Open vote: cast your ballot" not in client.get(address).content.decode()


def _seen_field(page: str) -> str:
    """The hidden field of the secretary's form that says which ballots the page showed."""
    tag = re.search(r'<input type="hidden" name="seen"[^>]*>', page)
    assert tag is not None, "the secretary's form carries the ballots it shows"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def test_a_stale_secretarys_page_gets_a_conflict_and_then_saves_deliberately(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    secretary_client = signed_in(client, secretary)
    page = secretary_client.get(_vote_url(vote)).content.decode()
    seen = _seen_field(page)
    signed_in(Client(), member_user).post(_cast_url(vote), {"choice": AGAINST})

    stale = {
        "seen": seen,
        f"member_{members[0].pk}": FOR,
        f"member_{members[1].pk}": FOR,
        f"member_{members[2].pk}": FOR,
    }
    response = secretary_client.post(_vote_url(vote, "council:vote_ballots"), stale)

    assert response.status_code == 409
    conflict = response.content.decode()
    assert "Nothing was saved" in conflict
    assert members[1].full_name in conflict
    assert re.search(rf'name="member_{members[1].pk}" value="against"[^>]*checked', conflict)
    assert re.search(rf'name="member_{members[2].pk}" value="for"[^>]*checked', conflict)
    assert _ballots(vote) == {members[1].pk: AGAINST}

    # Saving the form as the conflict page shows it keeps the member's ballot and adds the rest.
    again = _seen_field(conflict)
    assert again == encode_ballots({members[1].pk: AGAINST})
    resubmit = {**stale, "seen": again, f"member_{members[1].pk}": AGAINST}
    saved = secretary_client.post(_vote_url(vote, "council:vote_ballots"), resubmit)
    assert saved.status_code == 302
    assert _ballots(vote) == {
        members[0].pk: FOR,
        members[1].pk: AGAINST,
        members[2].pk: FOR,
    }


# --- Query budgets --------------------------------------------------------------------------------


def test_the_vote_page_as_a_member_costs_the_same_with_more_ballots(
    client: Client,
    vote: m.Vote,
    members: list[m.Member],
    secretary: User,
    member_user: User,
    django_assert_max_num_queries: Any,
) -> None:
    signed_in(client, member_user)
    ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)
    few = page_queries(client, _vote_url(vote))
    ballots_record(actor=secretary, vote=vote, choices={seat.pk: FOR for seat in members[:4]})
    many = page_queries(client, _vote_url(vote))

    assert many == few
    # The header's unread notifications count, the menu's check of a member's seat for the
    # dashboards and the dossiers holding the vote's item included.
    with django_assert_max_num_queries(18):
        client.get(_vote_url(vote))
    vote_close(actor=secretary, vote=vote)
    # One more once closed: whether the reader is the chair, who may annul it.
    with django_assert_max_num_queries(19):
        client.get(_vote_url(vote))


def test_the_meeting_page_as_a_member_costs_the_same_with_more_open_votes(
    client: Client, vote: m.Vote, secretary: User, member_user: User
) -> None:
    meeting = vote.agenda_item.meeting
    with translation.override("en"):
        address = reverse("council:meeting_detail", args=[meeting.council.slug, meeting.pk])
    signed_in(client, member_user)
    one = page_queries(client, address)
    for order in (2, 3, 4):
        item = AgendaItemFactory.create(meeting=meeting, order=order)
        vote_open(
            actor=secretary, agenda_item=item, question=f"Q{order}", kind=m.VoteKind.ROLL_CALL
        )

    assert page_queries(client, address) == one
    assert client.get(address).content.decode().count("Open vote: cast your ballot") == 4


def test_the_meeting_page_offers_a_ballot_only_to_whom_the_vote_accepts_one(
    client: Client, vote: m.Vote, member_user: User
) -> None:
    # A present seat whose account has lost the member role: the vote refuses its ballot, so the
    # meeting page must not point it there either (both ask council.access.voting_seat).
    meeting = vote.agenda_item.meeting
    with translation.override("en"):
        address = reverse("council:meeting_detail", args=[meeting.council.slug, meeting.pk])
    member_user.role_assignments.all().delete()
    member_user = User.objects.get(pk=member_user.pk)

    assert access.open_ballots_for(member_user, meeting) == []
    assert "Open vote: cast your ballot" not in (
        signed_in(client, member_user).get(address).content.decode()
    )
    with pytest.raises(AccessDenied):
        ballot_cast_by_member(actor=member_user, vote=vote, choice=FOR)


# --- Closing from the page: nothing ticked is lost, and a mistake can be annulled ----------------


def _close_post(vote: m.Vote, members: list[m.Member], **extra: Any) -> dict[str, Any]:
    """What the ballots form posts through its close button: each row as shown, and `seen`."""
    shown = _ballots(vote)
    data: dict[str, Any] = {f"member_{seat.pk}": shown.get(seat.pk, "") for seat in members[:4]}
    data["seen"] = encode_ballots(shown)
    data["confirm_close"] = "on"
    data.update(extra)
    return data


def _close_refused(client: Client, secretary: User, vote: m.Vote, data: dict[str, Any]) -> str:
    """The secretary posts the close button with `data`: refused (400), the vote stays open; the
    page shown again."""
    response = signed_in(client, secretary).post(_vote_url(vote, "council:vote_close"), data)

    vote.refresh_from_db()
    assert response.status_code == 400
    assert vote.result == m.VoteResult.OPEN
    return response.content.decode()


def test_closing_with_ballots_ticked_but_not_saved_is_refused_and_keeps_them(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User
) -> None:
    ticked = {f"member_{seat.pk}": FOR for seat in members[:3]}
    page = _close_refused(client, secretary, vote, _close_post(vote, members, **ticked))

    assert "without saving them" in page
    # The ticks are still on the page, to be saved.
    assert len(re.findall(r'value="for"[^>]*checked', page)) == 3


def test_closing_needs_the_box_ticked(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User
) -> None:
    ballots_record(actor=secretary, vote=vote, choices={members[0].pk: FOR})
    data = _close_post(vote, members)
    del data["confirm_close"]

    assert "Tick the box" in _close_refused(client, secretary, vote, data)


def test_closing_is_refused_when_a_member_voted_after_the_page_was_shown(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User, member_user: User
) -> None:
    data = _close_post(vote, members)  # the page showed no ballot
    ballot_cast_by_member(actor=member_user, vote=vote, choice=AGAINST)

    assert "changed after this page showed them" in _close_refused(client, secretary, vote, data)


def test_the_saved_ballots_close_with_their_count(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User
) -> None:
    ballots_record(actor=secretary, vote=vote, choices={seat.pk: FOR for seat in members[:3]})

    response = signed_in(client, secretary).post(
        _vote_url(vote, "council:vote_close"), _close_post(vote, members)
    )

    vote.refresh_from_db()
    assert response.status_code == 302
    assert (vote.votes_for, vote.votes_against, vote.votes_abstain) == (3, 0, 0)
    assert vote.result == m.VoteResult.APPROVED_UNANIMOUSLY
    page = client.get(response["Location"]).content.decode()
    assert "The vote is closed. Result: Approved unanimously." in page


def test_closing_a_vote_closed_already_says_so_on_its_page(
    client: Client, vote: m.Vote, members: list[m.Member], secretary: User
) -> None:
    data = _close_post(vote, members)
    vote_close(actor=secretary, vote=vote)

    response = signed_in(client, secretary).post(_vote_url(vote, "council:vote_close"), data)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This vote is closed: its result and ballots cannot change." in page


def test_counted_totals_typed_but_not_saved_are_not_closed_as_zero(
    client: Client, counted_vote: m.Vote, secretary: User
) -> None:
    data = {
        "votes_for": 3,
        "votes_against": 0,
        "votes_abstain": 0,
        "shown": "0:0:0",
        "confirm_close": "on",
    }
    _close_refused(client, secretary, counted_vote, data)


@pytest.fixture
def chair_user(members: list[m.Member]) -> User:
    return _account_for(members[0])


def test_the_chair_annuls_a_vote_closed_by_mistake_and_the_minutes_say_why(
    client: Client, vote: m.Vote, secretary: User, chair_user: User
) -> None:
    vote_close(actor=secretary, vote=vote)  # 0–0–0: closed before the ballots were saved
    annul_url = _vote_url(vote, "council:vote_annul")

    assert (
        signed_in(Client(), secretary).post(annul_url, {"reason": "x", "confirm": "on"}).status_code
        == 403
    )
    refused = signed_in(client, chair_user).post(annul_url, {"reason": "Қате жабылды"})
    assert refused.status_code == 400  # the box is not ticked
    response = client.post(annul_url, {"reason": "Бюллетеньдер сақталмай жабылды", "confirm": "on"})

    vote.refresh_from_db()
    assert response.status_code == 302
    assert vote.annulled_by == chair_user
    assert vote.annulment_reason == "Бюллетеньдер сақталмай жабылды"
    body = build_body(load_meeting(vote.agenda_item.meeting_id), "kk")
    shown = [row for section in body["sections"] for row in section.get("votes", [])]
    assert shown[0]["result_code"] == "annulled"
    assert "Бюллетеньдер сақталмай жабылды" in shown[0]["result"]
    # The Russian minutes say it was annulled, and show the reason's Russian as still to fill.
    body = build_body(load_meeting(vote.agenda_item.meeting_id), "ru")
    shown = [row for section in body["sections"] for row in section.get("votes", [])]
    assert "аннулировано председателем" in shown[0]["result"]
    assert "[текст на русском языке не введён]" in shown[0]["result"]


def test_a_vote_is_not_annulled_once_the_minutes_are_locked(
    vote: m.Vote, secretary: User, chair_user: User
) -> None:
    vote_close(actor=secretary, vote=vote)
    m.Minutes.objects.create(
        meeting=vote.agenda_item.meeting, status=m.MinutesStatus.APPROVED, locked_at=timezone.now()
    )

    with pytest.raises(DomainError):
        vote_annul(actor=chair_user, vote=vote, reason="Кеш")
    with pytest.raises(DomainError):
        vote_annul(actor=secretary, vote=m.Vote.objects.get(pk=vote.pk), reason="Кеш")
