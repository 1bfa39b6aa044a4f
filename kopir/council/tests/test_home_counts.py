"""The council's counts of the signed-in home page: the secretary's petitions, accommodation and
overdue recommendations, a member's open votes and meetings ahead, an addressee's new, rejected
and due recommendations; each for the user's own council or organisation only, and each the
number of rows of the list it opens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.core.tests.fixtures import rows_listed
from kopir.council import models as m
from kopir.council.selectors import home
from kopir.council.tests.conftest import record_present, signed_in
from kopir.council.tests.factories import (
    MeetingFactory,
    PetitionFactory,
    RecommendationFactory,
    VoteFactory,
)
from kopir.directory.models import OrganisationKind
from kopir.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _answered(recommendation, officer, verdict: str) -> None:
    """An answer to `recommendation` that the council has judged `verdict` (or not yet)."""
    m.RecommendationResponse.objects.create(
        recommendation=recommendation,
        author=officer,
        text="Жауап",
        reported_status=m.RecommendationStatus.IN_PROGRESS,
        verdict=verdict,
    )


def test_the_secretary_counts_new_petitions_of_their_own_council_only(
    council, other_council, secretary, outsider
):
    PetitionFactory.create_batch(2, council=council)
    PetitionFactory(council=council, status=m.PetitionStatus.ANSWERED)
    PetitionFactory(council=other_council)

    assert home.new_petitions_count(secretary) == 2
    assert home.new_petitions_count(outsider) == 1
    assert rows_listed(secretary, home.new_petitions_url(secretary)) == 2


def test_the_secretary_counts_accommodation_still_to_arrange(
    council, other_council, secretary, meeting
):
    for status in (
        m.AccommodationStatus.OPEN,
        m.AccommodationStatus.OPEN,
        m.AccommodationStatus.ARRANGED,
    ):
        m.AccommodationRequest.objects.create(
            meeting=meeting,
            requested_by="Сынақ Қатысушы",
            need=m.AccommodationNeed.choices[0][0],
            status=status,
            due_on=timezone.localdate(),
        )
    elsewhere = MeetingFactory.create(council=other_council)
    m.AccommodationRequest.objects.create(
        meeting=elsewhere,
        requested_by="Сынақ Қатысушы",
        need=m.AccommodationNeed.choices[0][0],
        due_on=timezone.localdate(),
    )
    assert home.accommodation_open_count(secretary) == 2
    assert rows_listed(secretary, home.accommodation_open_url(secretary)) == 2


def test_the_secretary_counts_overdue_recommendations(council, secretary):
    late = timezone.localdate() - dt.timedelta(days=2)
    RecommendationFactory(council=council, status=m.RecommendationStatus.SENT, answer_due_on=late)
    RecommendationFactory(
        council=council,
        status=m.RecommendationStatus.SENT,
        answer_due_on=timezone.localdate() + dt.timedelta(days=10),
    )
    assert home.recommendations_overdue_count(secretary) == 1
    assert rows_listed(secretary, home.recommendations_overdue_url(secretary)) == 1


def test_a_member_counts_open_votes_only_where_marked_present(
    council, members, member_user, started_meeting, meeting
):
    item = m.AgendaItem.objects.create(meeting=started_meeting, order=1, title="Сынақ")
    VoteFactory(agenda_item=item)
    VoteFactory(agenda_item=item, result=m.VoteResult.APPROVED)
    VoteFactory(agenda_item=item, kind=m.VoteKind.COUNTED)
    assert home.open_votes_count(member_user) == 0  # not marked present yet

    record_present(started_meeting, [members[1]])
    assert home.open_votes_count(member_user) == 1
    assert home.open_votes_url(member_user).endswith(f"/meetings/{started_meeting.pk}/")
    # The meeting planned for next week is ahead; the one that started is not.
    assert home.upcoming_meetings_count(member_user) == 1
    assert home.next_meeting_url(member_user).endswith(f"/meetings/{meeting.pk}/")
    stranger = UserFactory(roles=[Role.COUNCIL_MEMBER])
    assert home.open_votes_count(stranger) == 0
    assert home.upcoming_meetings_count(stranger) == 0


def test_an_addressee_counts_new_rejected_and_due_recommendations_of_their_organisation(
    council, secretary
):
    agency = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    other = OrganisationFactory(kind=OrganisationKind.EMPLOYMENT_SOCIAL)
    officer = UserFactory(organisation=agency, roles=[Role.AGENCY_OFFICER])
    today = timezone.localdate()
    soon, later = today + dt.timedelta(days=3), today + dt.timedelta(days=30)
    S = m.RecommendationStatus
    new = RecommendationFactory.create(
        council=council, addressee=agency, status=S.SENT, answer_due_on=later
    )
    RecommendationFactory(council=council, addressee=agency, status=S.DRAFT, answer_due_on=soon)
    due = RecommendationFactory.create(
        council=council, addressee=agency, status=S.ACKNOWLEDGED, answer_due_on=soon
    )
    redo = RecommendationFactory.create(
        council=council, addressee=agency, status=S.IN_PROGRESS, answer_due_on=later
    )
    waiting = RecommendationFactory.create(
        council=council, addressee=agency, status=S.IN_PROGRESS, answer_due_on=later
    )
    RecommendationFactory(council=council, addressee=other, status=S.SENT, answer_due_on=soon)
    for recommendation, verdicts in (
        (redo, [m.ResponseVerdict.NOT_ACCEPTED]),
        # Answered again after the rejection: the council has it, nothing to redo.
        (waiting, [m.ResponseVerdict.NOT_ACCEPTED, m.ResponseVerdict.PENDING]),
    ):
        for verdict in verdicts:
            _answered(recommendation, officer, verdict)

    assert home.inbox_new_count(officer) == 1
    assert home.inbox_redo_count(officer) == 1
    assert home.inbox_due_count(officer) == 1
    assert [r.pk for r in home.inbox_rows(officer, "new")] == [new.pk]
    assert [r.pk for r in home.inbox_rows(officer, "redo")] == [redo.pk]
    assert [r.pk for r in home.inbox_rows(officer, "due")] == [due.pk]
    assert rows_listed(officer, home.inbox_redo_url(officer)) == 1
    outsider = UserFactory(organisation=other, roles=[Role.AGENCY_OFFICER])
    assert home.inbox_new_count(outsider) == 1
    assert home.inbox_redo_count(outsider) == 0


def test_the_secretary_counts_answers_waiting_for_the_councils_verdict(council, secretary):
    officer = UserFactory(roles=[Role.AGENCY_OFFICER])
    S, V = m.RecommendationStatus, m.ResponseVerdict
    waiting, judged, _silent = (
        RecommendationFactory.create(council=council, status=S.IN_PROGRESS) for _ in range(3)
    )
    for recommendation, verdict in ((waiting, V.PENDING), (judged, V.NOT_ACCEPTED)):
        _answered(recommendation, officer, verdict)

    assert home.answers_to_judge_count(secretary) == 1
    assert home.answers_to_judge_url(secretary).endswith("?awaiting_verdict=on")
    assert rows_listed(secretary, home.answers_to_judge_url(secretary)) == 1
    # The public register offers no such filter and ignores it.
    public = Client().get(f"/kk/council/public/{council.slug}/recommendations/?awaiting_verdict=on")
    assert public.status_code == 200
    assert 'name="awaiting_verdict"' not in public.content.decode()


def test_the_home_tile_and_the_councils_tab_give_accommodation_requests_one_name(
    client: Client, council, secretary
) -> None:
    signed_in(client, secretary)
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            name = gettext("Accommodation requests")
            home_page = client.get(reverse("core:home")).content.decode()
            listing = client.get(reverse("council:accommodation_list", args=[council.slug]))
        tile = home_page.split('data-home-item="council.accommodation_open"')[1].split("</li>")[0]
        assert f'<span class="home-count__label">{name}</span>' in tile
        assert f'aria-current="page">{name}</a>' in listing.content.decode()
