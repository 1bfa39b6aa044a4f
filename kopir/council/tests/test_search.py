"""The council's records in the staff search: each kind found by its words or number, whatever
the case of Kazakh and Russian letters; only the councils the user reads; petitions audited;
the page's queries bounded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode

from kopir.accounts.models import Role, User
from kopir.accounts.tests.factories import UserFactory
from kopir.audit.models import AuditAction, AuditEvent
from kopir.council import models as m
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    LetterFactory,
    MeetingFactory,
    MonitoringVisitFactory,
    PetitionFactory,
    RecommendationFactory,
)

pytestmark = pytest.mark.django_db


def search(client: Client, text: str, **more: str) -> Any:
    response = client.get(reverse("core:search"), {"q": text, **more})
    assert response.status_code == 200
    return response


def found(response: Any) -> dict[str, list[str]]:
    """The hits' titles by kind key."""
    return {group.key: [hit.title for hit in group.hits] for group in response.context["groups"]}


@pytest.fixture
def records(council: m.Council, meeting: m.Meeting) -> dict[str, Any]:
    item = AgendaItemFactory.create(
        meeting=meeting, title="Пандустар туралы", description="Қалалық емханалардағы кіреберістер"
    )
    return {
        "item": item,
        "decision": DecisionFactory.create(
            agenda_item=item, text="Әкімдікке пандустарды салуды ұсыну"
        ),
        "recommendation": RecommendationFactory.create(
            council=council, number="Ұ-2026-0007", text="Пандустарды 2027 жылға дейін салу"
        ),
        "petition": PetitionFactory.create(
            council=council, number="Ө-2026-0003", subject="Пандус жоқ емхана"
        ),
        "letter": LetterFactory.create(
            council=council, number="Х-12", subject="Пандустар жөнінде хат", summary=""
        ),
        "visit": MonitoringVisitFactory.create(
            council=council, purpose="Емхананың пандусын тексеру", visited_on=dt.date(2026, 3, 2)
        ),
    }


def test_the_secretary_finds_each_kind_by_a_word_in_another_case(
    client: Client, secretary: User, records: dict[str, Any]
) -> None:
    response = search(signed_in(client, secretary), "ПАНДУС")
    hits = found(response)
    assert hits["council.agenda_items"] == ["Пандустар туралы"]
    assert hits["council.decisions"] == ["Әкімдікке пандустарды салуды ұсыну"]
    assert hits["council.recommendations"] == ["Ұ-2026-0007 — Пандустарды 2027 жылға дейін салу"]
    assert hits["council.petitions"] == ["Ө-2026-0003 — Пандус жоқ емхана"]
    assert hits["council.letters"] == ["Х-12 — Пандустар жөнінде хат"]
    assert hits["council.visits"] == ["Емхананың пандусын тексеру"]
    assert "council.meetings" not in hits
    content = response.content.decode()
    item = records["item"]
    assert (
        reverse("council:agenda_item_detail", args=["test-council", item.meeting.pk, item.pk])
        in content
    )
    assert reverse("council:visit_detail", args=["test-council", records["visit"].pk]) in content
    assert 'value="ПАНДУС"' in content  # the words are kept in the box


def test_kazakh_letters_fold_both_ways(
    client: Client, secretary: User, records: dict[str, Any]
) -> None:
    # Ә/ә and Ұ/ұ are outside ASCII: SQLite's own lower() would miss them.
    assert found(search(signed_in(client, secretary), "әКІМДІК"))["council.decisions"]
    assert found(search(client, "ұ-2026-0007"))["council.recommendations"]
    assert found(search(client, "ө-2026-0003"))["council.petitions"]


def test_a_meeting_is_found_by_its_number_or_its_place(
    client: Client, secretary: User, meeting: m.Meeting
) -> None:
    signed_in(client, secretary)
    by_number = found(search(client, "№1"))["council.meetings"]
    organisation = meeting.council.organisation
    # The page is Kazakh (the address's /kk/), so is the hit's title.
    assert by_number == [f"№ 1 отырыс, {organisation.short_name or organisation.name}"]
    assert found(search(client, "достық"))["council.meetings"] == by_number


def test_a_meeting_and_its_agenda_item_are_linked_by_the_meetings_id_not_its_number(
    client: Client, secretary: User, council: m.Council
) -> None:
    # A meeting's number is the council's own count; its address holds its id.
    MeetingFactory.create(council=council, number=1, place="Ақсай")
    meeting = MeetingFactory.create(council=council, number=9, place="Достық үйі")
    AgendaItemFactory.create(meeting=meeting, title="Достық үйінің пандусы")
    assert meeting.pk != meeting.number
    response = search(signed_in(client, secretary), "достық")
    urls = [hit.url for group in response.context["groups"] for hit in group.hits]
    assert urls == [
        reverse("council:meeting_detail", args=["test-council", meeting.pk]),
        reverse(
            "council:agenda_item_detail", args=["test-council", meeting.pk, meeting.agenda.get().pk]
        ),
    ]
    for url in urls:
        assert client.get(url).status_code == 200


def test_a_member_finds_their_council_records_and_none_of_another_council(
    client: Client,
    member_user: User,
    records: dict[str, Any],
    other_council: m.Council,
) -> None:
    PetitionFactory.create(council=other_council, number="Ө-2026-0099", subject="Пандус басқа")
    hits = found(search(signed_in(client, member_user), "пандус"))
    assert hits["council.petitions"] == ["Ө-2026-0003 — Пандус жоқ емхана"]
    assert not found(search(client, "Ө-2026-0099"))


def test_another_councils_secretary_and_an_unseated_member_find_nothing(
    client: Client, outsider: User, records: dict[str, Any]
) -> None:
    assert not found(search(signed_in(client, outsider), "пандус"))
    unseated = UserFactory.create(roles=[Role.COUNCIL_MEMBER])
    response = search(signed_in(Client(), unseated), "пандус")
    assert not found(response)
    assert 'class="empty-state"' in response.content.decode()


def test_an_agency_officer_has_no_council_search(client: Client, officer: User) -> None:
    assert (
        signed_in(client, officer).get(reverse("core:search"), {"q": "пандус"}).status_code == 403
    )


def test_the_petitions_a_search_shows_are_audited_and_nothing_else_is(
    client: Client, secretary: User, records: dict[str, Any]
) -> None:
    search(signed_in(client, secretary), "пандус")
    audited = AuditEvent.objects.filter(action=AuditAction.SEARCH, actor=secretary)
    assert [(event.target_type, event.target_id) for event in audited] == [
        ("council.petition", str(records["petition"].pk))
    ]


def test_petitioners_are_not_searched(client: Client, secretary: User, council: m.Council) -> None:
    PetitionFactory.create(council=council, petitioner_name="Сәуле Жанқызы", subject="Жол")
    assert not found(search(signed_in(client, secretary), "Жанқызы"))


def test_one_kind_is_paged_and_the_page_of_every_kind_links_to_it(
    client: Client, secretary: User, council: m.Council
) -> None:
    for number in range(25):
        LetterFactory.create(council=council, number=f"H-{number}", subject=f"Квота хат {number}")
    signed_in(client, secretary)
    overview = search(client, "квота")
    (group,) = overview.context["groups"]
    assert len(group.hits) == 5
    assert group.page.paginator.count == 25
    assert group.more_url == reverse("core:search") + "?" + urlencode(
        {"q": "квота", "kind": "council.letters"}
    )
    first = search(client, "квота", kind="council.letters")
    assert len(first.context["groups"][0].hits) == 20
    second = search(client, "квота", kind="council.letters", page="2")
    assert len(second.context["groups"][0].hits) == 5


def test_the_query_count_does_not_grow_with_the_hits(
    client: Client,
    secretary: User,
    council: m.Council,
    meeting: m.Meeting,
    django_assert_max_num_queries: Any,
) -> None:
    for number in range(30):
        other = MeetingFactory.create(council=council, number=100 + number, place="Квота залы")
        AgendaItemFactory.create(meeting=other, title=f"Квота {number}")
        DecisionFactory.create(agenda_item__meeting=other, text=f"Квота шешімі {number}")
        PetitionFactory.create(council=council, subject=f"Квота өтініші {number}")
    signed_in(client, secretary)
    # Session and user, then per kind a COUNT and a page; the petitions' audit records.
    with django_assert_max_num_queries(30):
        response = search(client, "квота")
    assert len(found(response)) == 4


def test_too_short_a_query_is_refused_with_the_reason(client: Client, secretary: User) -> None:
    response = search(signed_in(client, secretary), "а")
    assert response.context["groups"] == []
    assert response.context["form"].errors["q"]


def test_the_russian_half_of_each_bilingual_text_is_searched(
    client: Client, secretary: User, council: m.Council, meeting: m.Meeting
) -> None:
    m.Meeting.objects.filter(pk=meeting.pk).update(place_ru="г. Уральск, Дом дружбы")
    item = AgendaItemFactory.create(
        meeting=meeting,
        title="Квота",
        title_ru="О квотировании рабочих мест",
        description_ru="Обеспечить доступ к зданиям",
    )
    DecisionFactory.create(agenda_item=item, text="Ұсыну", text_ru="Рекомендовать акимату")
    RecommendationFactory.create(
        council=council,
        number="2026-008",
        text="Квотаны орындауды қамтамасыз ету",
        text_ru="Обеспечить выполнение квоты",
    )
    LetterFactory.create(
        council=council, subject="Хат", subject_ru="Письмо в Мажилис", summary_ru="О пандусах"
    )

    signed_in(client, secretary)
    assert found(search(client, "Обеспечить")).keys() == {
        "council.agenda_items",
        "council.recommendations",
    }
    assert found(search(client, "акимату")).keys() == {"council.decisions"}
    assert found(search(client, "мажилис пандусах")).keys() == {"council.letters"}
    assert found(search(client, "дружбы")).keys() == {"council.meetings"}


def test_a_fragment_of_a_longer_word_is_not_a_match(
    client: Client, secretary: User, meeting: m.Meeting
) -> None:
    AgendaItemFactory.create(meeting=meeting, title="Ұсынымдардың орындалуы туралы")
    signed_in(client, secretary)
    assert found(search(client, "ымдау")) == {}
    assert found(search(client, "ұсынымдары"))["council.agenda_items"] == [
        "Ұсынымдардың орындалуы туралы"
    ]


def test_a_hit_shows_its_title_in_the_readers_language_whichever_half_matched(
    client: Client, secretary: User, council: m.Council, meeting: m.Meeting
) -> None:
    item = AgendaItemFactory.create(
        meeting=meeting, title="Жұмыс орындарын квоталау", title_ru="О квотировании рабочих мест"
    )
    DecisionFactory.create(
        agenda_item=item, text="Квотаны орындау ұсынылсын", text_ru="Рекомендовать квотирование"
    )
    RecommendationFactory.create(
        council=council,
        number="2026-011",
        text="Квоталауды қамтамасыз ету",
        text_ru="Обеспечить квотирование",
    )
    LetterFactory.create(
        council=council, number="2026/11", subject="Квота туралы хат", subject_ru="О квотировании"
    )
    MonitoringVisitFactory.create(
        council=council, purpose="Квотаны тексеру", purpose_ru="Проверка квотирования"
    )
    # Typed without a Russian half: the Kazakh one stands in, marked as Kazakh.
    AgendaItemFactory.create(meeting=meeting, title="Квоталау есебі", title_ru="")
    signed_in(client, secretary)

    def hits(lang: str, text: str) -> Any:
        with translation.override(lang):
            response = client.get(reverse("core:search"), {"q": text})
        assert response.status_code == 200
        return found(response), response.content.decode()

    russian, page = hits("ru", "квотирования")
    assert russian == {
        "council.agenda_items": ["О квотировании рабочих мест"],
        "council.decisions": ["Рекомендовать квотирование"],
        "council.recommendations": ["2026-011 — Обеспечить квотирование"],
        "council.letters": ["2026/11 — О квотировании"],
        "council.visits": ["Проверка квотирования"],
    }
    assert 'lang="kk"' not in page.split('class="search-results"', 1)[1]
    # The same records found by their Russian words show a Kazakh reader the Kazakh half.
    kazakh, _ = hits("kk", "квотирования")
    assert kazakh["council.agenda_items"] == ["Жұмыс орындарын квоталау"]
    assert kazakh["council.visits"] == ["Квотаны тексеру"]

    russian, page = hits("ru", "есебі")
    assert russian["council.agenda_items"] == ["Квоталау есебі"]
    assert 'lang="kk">Квоталау есебі</a>' in page
