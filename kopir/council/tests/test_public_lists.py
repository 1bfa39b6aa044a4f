"""The public page's full lists: held meetings and their minutes, recommendations, letters,
monitoring visits and petitions. Open to everyone, paged, at a fixed cost per page, and bound by
the same privacy rules as the overview."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from kopir.accounts.models import User
from kopir.core.tests.queries import page_queries
from kopir.council import models as m
from kopir.council.models import RecommendationStatus as S
from kopir.council.selectors.public import OVERVIEW_ROWS
from kopir.council.services.minutes import minutes_assemble, minutes_sign
from kopir.council.services.recommendations import response_review
from kopir.council.tests.factories import (
    CouncilFactory,
    LetterFactory,
    MeetingFactory,
    MonitoringVisitFactory,
    PetitionFactory,
    RecommendationFactory,
)
from kopir.council.tests.fixtures_followup import *  # noqa: F403
from kopir.council.tests.fixtures_followup import (
    CITIZEN,
    answer_recommendation,
    make_recommendations,
)
from kopir.council.views.public import PER_PAGE
from kopir.directory.models import Organisation

pytestmark = pytest.mark.django_db

LISTS = (
    "public_meeting_list",
    "public_recommendation_list",
    "public_letter_list",
    "public_visit_list",
    "public_petition_list",
)

SENT = {"status": S.SENT, "sent_on": dt.date(2026, 11, 2), "answer_due_on": dt.date(2026, 11, 16)}


def _url(name: str, council: m.Council, query: str = "") -> str:
    return reverse(f"council:{name}", kwargs={"slug": council.slug}) + query


def _page(name: str, council: m.Council, query: str = "") -> str:
    response = Client().get(_url(name, council, query))
    assert response.status_code == 200
    return response.content.decode()


def _held_meetings(council: m.Council, count: int) -> list[m.Meeting]:
    """`count` held meetings, one a day going back from yesterday (numbers from 100)."""
    start = timezone.now() - dt.timedelta(days=1)
    return [
        MeetingFactory.create(
            council=council,
            number=100 + index,
            status=m.MeetingStatus.HELD,
            starts_at=start - dt.timedelta(days=index),
            place=f"Зал {100 + index}",
        )
        for index in range(count)
    ]


def _letters(council: m.Council, count: int) -> list[m.Letter]:
    """`count` letters, one a day going back from 1 October 2026 (numbers 2026/0…)."""
    return [
        LetterFactory.create(
            council=council,
            number=f"2026/{index:02d}",
            sent_on=dt.date(2026, 10, 1) - dt.timedelta(days=index),
        )
        for index in range(count)
    ]


def _add_rows(name: str, council: m.Council, agency: Organisation, count: int) -> None:
    if name == "public_meeting_list":
        last = m.Meeting.objects.filter(council=council).count()
        start = timezone.now() - dt.timedelta(days=400)
        for index in range(count):
            MeetingFactory.create(
                council=council,
                number=500 + last + index,
                status=m.MeetingStatus.HELD,
                starts_at=start - dt.timedelta(days=index),
            )
    elif name == "public_recommendation_list":
        make_recommendations(council, agency, count, **SENT)
    elif name == "public_letter_list":
        LetterFactory.create_batch(count, council=council)
    elif name == "public_visit_list":
        MonitoringVisitFactory.create_batch(count, council=council)
    else:
        PetitionFactory.create_batch(
            count, council=council, publication=m.PetitionPublication.PUBLISHED
        )


# --- Open to everyone, in every language ---------------------------------------------------------


@pytest.mark.parametrize("name", LISTS)
def test_anyone_opens_each_list_in_each_language_and_finds_the_way_back(
    council: m.Council, name: str
) -> None:
    for language in ("kk", "ru", "en"):
        with translation.override(language):
            url = _url(name, council)
            back = _url("public_council", council)
        response = Client().get(url)

        assert url.startswith(f"/{language}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert f'lang="{language}"' in page
        assert f'href="{back}"' in page


@pytest.mark.parametrize("name", LISTS)
def test_staff_signed_in_see_the_same_lists(
    council: m.Council, officer_client: Client, name: str
) -> None:
    response = officer_client.get(_url(name, council))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert f'href="{_url("public_council", council)}"' in page


@pytest.mark.parametrize("name", LISTS)
def test_an_unknown_or_inactive_council_has_no_lists(council: m.Council, name: str) -> None:
    assert Client().get(reverse(f"council:{name}", kwargs={"slug": "no-such"})).status_code == 404
    council.is_active = False
    council.save()
    assert Client().get(_url(name, council)).status_code == 404


def test_another_councils_lists_show_only_its_own_records(council: m.Council) -> None:
    other = CouncilFactory.create(slug="other-public-council")
    LetterFactory.create(council=council, number="OURS-1", subject="Біздің хат")
    LetterFactory.create(council=other, number="THEIRS-1", subject="Олардың хаты")

    ours = _page("public_letter_list", council)
    theirs = _page("public_letter_list", other)

    assert "OURS-1" in ours
    assert "THEIRS-1" not in ours
    assert "THEIRS-1" in theirs
    assert "OURS-1" not in theirs


@pytest.mark.parametrize("name", LISTS)
def test_an_empty_list_says_so(council: m.Council, name: str) -> None:
    page = _page(name, council)
    assert 'class="empty-state"' in page
    assert 'class="pagination"' not in page


# --- The overview shows the latest few, and links to the rest ------------------------------------


def test_the_overview_shows_the_latest_letters_and_links_to_all_only_when_there_are_more(
    council: m.Council,
) -> None:
    letters = _letters(council, OVERVIEW_ROWS)
    all_letters = _url("public_letter_list", council)

    page = _page("public_council", council)
    assert all(letter.number in page for letter in letters)
    assert all_letters not in page

    older = LetterFactory.create(council=council, number="2025/99", sent_on=dt.date(2025, 1, 9))
    page = _page("public_council", council)
    assert older.number not in page
    assert f'href="{all_letters}"' in page
    assert older.number in _page("public_letter_list", council)


def test_the_overview_links_to_every_list_that_has_more_rows_than_it_shows(
    council: m.Council, agency: Organisation
) -> None:
    for name in LISTS:
        _add_rows(name, council, agency, OVERVIEW_ROWS + 1)

    page = _page("public_council", council)

    for name in LISTS:
        assert f'href="{_url(name, council)}"' in page, name


def test_the_overview_keeps_the_newest_recommendations_with_their_answers(
    council: m.Council, sent_recommendation: m.Recommendation, officer: User, secretary: User
) -> None:
    answer = answer_recommendation(sent_recommendation, officer, "Квота толық орындалды.")
    response_review(actor=secretary, response=answer, verdict="accepted")
    older = RecommendationFactory.create(
        council=council, number="OLD-1", **{**SENT, "sent_on": dt.date(2026, 1, 5)}
    )
    make_recommendations(council, older.addressee, OVERVIEW_ROWS - 1, **SENT)

    page = _page("public_council", council)

    assert sent_recommendation.number in page
    assert "Квота толық орындалды." in page
    assert "OLD-1" not in page
    assert "OLD-1" in _page("public_recommendation_list", council)


# --- Pages ---------------------------------------------------------------------------------------


def _letter_numbers(page: str) -> list[str]:
    return re.findall(r'<th scope="row">(2026/\d+)</th>', page)


def test_the_second_page_shows_the_rest_and_a_page_past_the_end_shows_the_last(
    council: m.Council,
) -> None:
    numbers = [letter.number for letter in _letters(council, PER_PAGE + 3)]

    page_one = _page("public_letter_list", council)
    page_two = _page("public_letter_list", council, "?page=2")

    assert _letter_numbers(page_one) == numbers[:PER_PAGE]
    assert _letter_numbers(page_two) == numbers[PER_PAGE:]
    assert 'rel="next" href="?page=2"' in page_one
    assert 'rel="prev" href="?page=1"' in page_two
    # Like every list in Kopir: past the end is the last page, junk is the first.
    assert _letter_numbers(_page("public_letter_list", council, "?page=99")) == numbers[PER_PAGE:]
    assert _letter_numbers(_page("public_letter_list", council, "?page=abc")) == numbers[:PER_PAGE]


def test_upcoming_meetings_head_the_first_page_only(council: m.Council) -> None:
    MeetingFactory.create(council=council, number=900, place="Алдағы зал")
    _held_meetings(council, PER_PAGE + 1)

    assert "Алдағы зал" in _page("public_meeting_list", council)
    page_two = _page("public_meeting_list", council, "?page=2")
    assert "Алдағы зал" not in page_two
    assert "Зал 125" in page_two


@pytest.mark.parametrize("name", LISTS)
def test_a_page_costs_the_same_queries_for_few_or_many_rows(
    council: m.Council, agency: Organisation, name: str
) -> None:
    client = Client()
    _add_rows(name, council, agency, 3)
    client.get(_url(name, council))  # Warm the caches a first request fills.
    few = page_queries(client, _url(name, council))

    _add_rows(name, council, agency, 2 * PER_PAGE)
    many = page_queries(client, _url(name, council))
    second_page = page_queries(client, _url(name, council, "?page=2"))

    assert few == many
    assert second_page <= many


# --- The same privacy rules as the overview ------------------------------------------------------


def test_only_approved_minutes_are_linked_from_the_meetings_list(
    council: m.Council, held_meeting: m.Meeting, secretary: User, chair: User
) -> None:
    minutes_url = reverse(
        "council:public_minutes", kwargs={"slug": council.slug, "number": held_meeting.number}
    )
    minutes = minutes_assemble(actor=secretary, meeting=held_meeting)

    draft_page = _page("public_meeting_list", council)
    assert f"№ {held_meeting.number}" in draft_page
    assert minutes_url not in draft_page

    minutes_sign(actor=chair, minutes=minutes, expected_version=minutes.version)
    minutes_sign(actor=secretary, minutes=minutes, expected_version=minutes.version)
    assert f'href="{minutes_url}"' in _page("public_meeting_list", council)


def _past_meeting(council: m.Council, number: int, status: str, place: str) -> m.Meeting:
    """A meeting in `status` whose date passed three days ago, found on a page by its place."""
    return MeetingFactory.create(
        council=council,
        number=number,
        status=status,
        starts_at=timezone.now() - dt.timedelta(days=3),
        place=place,
    )


def _row_of(page: str, marker: str) -> str:
    """The list item of the meetings list that contains `marker`."""
    return next(row for row in page.split("<li>") if marker in row)


def test_a_cancelled_meeting_is_listed_as_cancelled_so_its_number_is_no_gap(
    council: m.Council,
) -> None:
    """Numbers are given when a meeting is planned and cited in its invitations: a cancelled
    meeting keeps its number, and the public list says why no meeting of that number was held."""
    _held_meetings(council, 1)
    _past_meeting(council, 41, m.MeetingStatus.CANCELLED, "Болмаған зал")
    with translation.override("en"):
        page = _page("public_meeting_list", council)

    row = _row_of(page, "Болмаған зал")
    assert "№ 41" in row
    assert "Cancelled" in row
    assert "Held" not in row


def test_a_planned_meeting_whose_date_passed_is_not_listed_as_held(council: m.Council) -> None:
    _past_meeting(council, 42, m.MeetingStatus.PLANNED, "Белгісіз зал")
    with translation.override("en"):
        overview = Client().get(reverse("council:public_council", args=[council.slug]))
        listed = _page("public_meeting_list", council)

    for page in (overview.content.decode(), listed):
        row = _row_of(page, "Белгісіз зал")
        assert "Planned, date passed" in row
        assert "Held" not in row
        assert "minutes are not approved" not in row


def test_the_recommendations_list_shows_no_draft_and_only_accepted_answers(
    council: m.Council, answered_in_public: m.Recommendation
) -> None:
    sent_recommendation = answered_in_public
    page = _page("public_recommendation_list", council)
    draft_filter = _page("public_recommendation_list", council, f"?status={S.DRAFT}")

    assert sent_recommendation.text in page
    assert "Квота толық орындалды." in page
    assert "Жалтарған жауап." not in page
    assert "Әлі жіберілмеген жоба мәтіні" not in page
    assert "Әлі жіберілмеген жоба мәтіні" not in draft_filter
    assert f'value="{S.DRAFT}"' not in page


def test_recommendations_filter_by_status_and_by_addressee(
    council: m.Council, agency: Organisation, other_agency: Organisation
) -> None:
    RecommendationFactory.create(council=council, addressee=agency, number="SENT-1", **SENT)
    RecommendationFactory.create(
        council=council,
        addressee=other_agency,
        number="DONE-1",
        **{**SENT, "status": S.EXECUTED, "closed_on": dt.date(2026, 11, 20)},
    )

    executed = _page("public_recommendation_list", council, f"?status={S.EXECUTED}")
    to_agency = _page("public_recommendation_list", council, f"?addressee={agency.pk}")
    nothing = _page("public_recommendation_list", council, f"?status={S.REJECTED}")

    assert "DONE-1" in executed
    assert "SENT-1" not in executed
    assert "SENT-1" in to_agency
    assert "DONE-1" not in to_agency
    assert "SENT-1" not in nothing
    assert "DONE-1" not in nothing
    assert 'class="empty-state"' in nothing


def test_the_filter_keeps_its_terms_across_pages(council: m.Council, agency: Organisation) -> None:
    make_recommendations(council, agency, PER_PAGE + 1, **SENT)

    page = _page("public_recommendation_list", council, f"?status={S.SENT}")

    assert f'href="?status={S.SENT}&amp;page=2"' in page


def test_an_addressee_only_a_draft_is_meant_for_is_not_offered_in_the_filter(
    council: m.Council, agency: Organisation, other_agency: Organisation
) -> None:
    RecommendationFactory.create(council=council, addressee=agency, **SENT)
    RecommendationFactory.create(council=council, addressee=other_agency)

    page = _page("public_recommendation_list", council)
    options = re.findall(r'<option value="(\d+)"', page)

    assert options == [str(agency.pk)]


# The council's public page lists its latest petitions too: the same privacy holds on both.
ON_PETITION_PAGES = pytest.mark.parametrize("page_name", ["public_council", "public_petition_list"])


@ON_PETITION_PAGES
def test_the_petitions_show_no_citizens_personal_data_without_consent(
    council: m.Council, citizen_petition: m.Petition, page_name: str
) -> None:
    page = _page(page_name, council)

    assert "Пандус салу туралы өтініш" in page
    for value in CITIZEN.values():
        assert value not in page
    assert citizen_petition.text not in page


@ON_PETITION_PAGES
def test_the_petitions_name_a_petitioner_who_consented_but_not_their_contacts(
    council: m.Council, citizen_petition: m.Petition, page_name: str
) -> None:
    citizen_petition.publish_petitioner = True
    citizen_petition.save()

    page = _page(page_name, council)

    assert CITIZEN["name"] in page
    assert CITIZEN["email"] not in page
    assert CITIZEN["phone"] not in page


def test_an_older_petition_on_a_later_page_keeps_the_same_privacy(
    council: m.Council, citizen_petition: m.Petition
) -> None:
    citizen_petition.received_on = dt.date(2025, 1, 1)
    citizen_petition.save()
    PetitionFactory.create_batch(
        PER_PAGE, council=council, publication=m.PetitionPublication.PUBLISHED
    )

    page_two = _page("public_petition_list", council, "?page=2")

    assert "Пандус салу туралы өтініш" in page_two
    for value in CITIZEN.values():
        assert value not in page_two


@ON_PETITION_PAGES
def test_the_petitions_column_names_the_petitioner_not_a_period_bound(
    council: m.Council, citizen_petition: m.Petition, page_name: str
) -> None:
    """The column holds who petitioned; "From" of a period reads "since" in Kazakh and Russian."""
    for language, petitioner, bound in (
        ("kk", "Өтініш беруші", "Бастап"),
        ("ru", "Заявитель", "С"),
    ):
        with translation.override(language):
            page = _page(page_name, council)
        heads = page.split("<thead>")[1].split("</thead>")[0]
        assert f'<th scope="col">{petitioner}</th>' in heads
        assert f'<th scope="col">{bound}</th>' not in heads
