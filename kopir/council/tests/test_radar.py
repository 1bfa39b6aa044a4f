"""The recurring-problem radar: near-duplicate Kazakh and Russian texts grouped, the words they
share shown, districts counted through KATO's levels, the period chosen, petitions audited, only
the council's readers let in, and the page's queries bounded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from kopir.accounts.models import User
from kopir.audit.models import AuditAction, AuditEvent
from kopir.core.collation import alphabet_key
from kopir.council import models as m
from kopir.council.selectors.radar import council_radar, group_texts, radar_texts
from kopir.council.services.dossiers import dossier_gather, dossier_open
from kopir.council.tests.conftest import signed_in
from kopir.council.tests.factories import (
    MonitoringVisitFactory,
    PetitionFactory,
    RecommendationFactory,
)
from kopir.directory.models import Territory, TerritoryLevel
from kopir.directory.selectors import districts_within
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory

pytestmark = pytest.mark.django_db

# Five people write about the same missing ramp at their polyclinic, in their own words.
RAMP_PETITIONS = (
    "Бөрлі ауданындағы емханада пандус жоқ, арбадағы адамдар кіре алмайды",
    "Бөрлі аудандық емханасының кіреберісінде пандус жоқ, мүгедектер арбамен кіре алмайды",
    "Теректі ауданы: емхана кіреберісіндегі пандус тым тік, арбамен кіру мүмкін емес",
    "Ақжайық ауданының емханасына пандус салу керек, арбамен кіру мүмкін емес",
)
RAMP_FINDING = "Емхананың кіреберісінде пандус жоқ, арбамен кіру мүмкін емес"
# Two in Russian about the queue for the examination.
QUEUE_PETITIONS = (
    "Очереди на медико-социальную экспертизу в Уральске длятся по три месяца",
    "В Уральске очередь на МСЭ растянулась на три месяца, люди ждут экспертизу",
)
ALONE = (
    "Автобустарда сурдоаудармашы жоқ, естімейтін жолаушыларға ақпарат берілмейді",
    "Просим выделить квоту рабочих мест на заводе для людей с нарушением зрения",
)


def _district(region: Territory, kato: str, name: str, level: str) -> Territory:
    return TerritoryFactory.create(
        kato=kato, name_kk=name, name_ru=name, name_en=name, level=level, parent=region
    )


@pytest.fixture
def places(council: m.Council) -> dict[str, Territory]:
    region = council.territory
    burli = _district(region, "273600000", "Бөрлі ауданы", TerritoryLevel.DISTRICT)
    terekti = _district(region, "275200000", "Теректі ауданы", TerritoryLevel.DISTRICT)
    oral = _district(region, "271000000", "Орал қ.", TerritoryLevel.CITY)
    village = TerritoryFactory.create(
        kato="273630100", level=TerritoryLevel.SETTLEMENT, parent=terekti
    )
    return {"burli": burli, "terekti": terekti, "oral": oral, "village": village}


@pytest.fixture
def texts(council: m.Council, places: dict[str, Territory]) -> dict[str, Any]:
    received = dt.date(2025, 3, 1)
    ramp = [
        PetitionFactory.create(
            council=council,
            subject=text[:40],
            text=text,
            received_on=received + dt.timedelta(days=index),
            territory=territory,
        )
        for index, (text, territory) in enumerate(
            zip(
                RAMP_PETITIONS,
                # The second petition names a village: it counts for the village's district.
                [places["burli"], places["village"], places["terekti"], None],
                strict=True,
            )
        )
    ]
    site = OrganisationFactory.create(territory=places["oral"])
    visit = MonitoringVisitFactory.create(
        council=council, site=site, visited_on=dt.date(2025, 6, 10)
    )
    finding = m.VisitFinding.objects.create(visit=visit, order=1, text=RAMP_FINDING)
    queue = [
        PetitionFactory.create(
            council=council, subject=text[:40], text=text, received_on=dt.date(2026, 2, 1)
        )
        for text in QUEUE_PETITIONS
    ]
    alone = [
        PetitionFactory.create(
            council=council, subject=text[:40], text=text, received_on=dt.date(2026, 2, 2)
        )
        for text in ALONE
    ]
    return {"ramp": ramp, "finding": finding, "visit": visit, "queue": queue, "alone": alone}


def test_districts_within_rolls_settlements_up_to_their_district(
    council: m.Council, places: dict[str, Territory]
) -> None:
    district_of = districts_within(council.territory_id)
    assert district_of[places["village"].pk] == places["terekti"]
    assert district_of[places["oral"].pk] == places["oral"]
    assert council.territory_id not in district_of


def test_alike_texts_are_grouped_and_the_rest_left_alone(
    council: m.Council, texts: dict[str, Any], places: dict[str, Territory]
) -> None:
    radar = council_radar(council, since=dt.date(2024, 1, 1))

    assert radar.compared == 9
    assert radar.left_out == 0
    groups = {
        frozenset((member.kind, member.pk) for member in group.members) for group in radar.groups
    }
    ramp = frozenset(
        [("petition", petition.pk) for petition in texts["ramp"]]
        + [("finding", texts["finding"].pk)]
    )
    queue = frozenset(("petition", petition.pk) for petition in texts["queue"])
    assert groups == {ramp, queue}
    largest = radar.groups[0]
    assert len(largest.members) == 5
    # Бөрлі, Теректі (the village's district) and Орал (the visited site's city); the fourth
    # petition names no district.
    assert {unit.pk for unit in largest.districts} == {
        places["burli"].pk,
        places["terekti"].pk,
        places["oral"].pk,
    }
    assert largest.since == dt.date(2025, 3, 1)
    assert "пандус" in largest.terms
    # Words every text of the field uses are not a reason.
    assert not {"мүгедектер", "ауданы"} & set(largest.terms)


def test_the_period_leaves_out_earlier_texts(council: m.Council, texts: dict[str, Any]) -> None:
    radar = council_radar(council, since=dt.date(2026, 1, 1))

    assert radar.compared == 4
    assert [len(group.members) for group in radar.groups] == [2]


def test_recommendations_and_answers_join_the_group_of_their_problem(
    council: m.Council, texts: dict[str, Any], places: dict[str, Territory], secretary: User
) -> None:
    addressee = OrganisationFactory.create(territory=places["burli"])
    recommendation = RecommendationFactory.create(
        council=council,
        addressee=addressee,
        text="Бөрлі ауданының емханасына пандус салу, арбамен кіру мүмкін болуы керек",
        sent_on=dt.date(2025, 7, 1),
        visit=texts["visit"],
    )
    m.RecommendationResponse.objects.create(
        recommendation=recommendation,
        author=secretary,
        text="Емхананың кіреберісіне пандус салынды, арбамен кіру енді мүмкін",
    )

    radar = council_radar(council, since=dt.date(2024, 1, 1))

    # The recommendation came from the visit, and the answer is to it: one raising with the
    # visit's finding, not three.
    assert radar.groups[0].times == 5
    kinds = sorted(member.kind for member in radar.groups[0].members)
    assert kinds == [
        "answer",
        "finding",
        "petition",
        "petition",
        "petition",
        "petition",
        "recommendation",
    ]


def test_a_recommendation_echoed_by_its_answer_is_not_a_recurrence(
    council: m.Council, secretary: User
) -> None:
    recommendation = RecommendationFactory.create(
        council=council,
        text="Қала мектептерінде кедергісіз орта құру, тактильді жабын мен Брайль белгілерін орнату",
        sent_on=dt.date(2026, 3, 1),
    )
    m.RecommendationResponse.objects.create(
        recommendation=recommendation,
        author=secretary,
        text="Қала мектептерінде тактильді жабын мен Брайль белгілері орнатылды",
    )

    texts, _left_out = radar_texts(
        council, since=dt.date(2024, 1, 1), district_of=districts_within(council.territory_id)
    )
    assert group_texts(texts) == [[0, 1]]  # alike enough to be grouped...
    assert council_radar(council, since=dt.date(2024, 1, 1)).groups == []  # ...but one raising


def test_nothing_alike_shows_the_empty_state(
    client: Client, secretary: User, council: m.Council
) -> None:
    PetitionFactory.create(council=council, text=ALONE[0], received_on=dt.date(2026, 2, 2))
    signed_in(client, secretary)

    response = client.get(reverse("council:radar", args=[council.slug]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.context["radar"].groups == []
    assert response.context["radar"].compared == 1


def _page(client: Client, council: m.Council, **query: str) -> Any:
    url = "/en" + reverse("council:radar", args=[council.slug])[3:]
    return client.get(url, query)


def test_the_page_says_how_often_and_where(
    client: Client, secretary: User, council: m.Council, texts: dict[str, Any]
) -> None:
    signed_in(client, secretary)

    response = _page(client, council, since="2024")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Raised 5 times in 3 district(s) since 2025" in html
    assert "Raised 2 times since 2026" in html
    assert "9 texts since 01/01/2024 compared." in html or "9 texts since" in html
    assert reverse("council:visit_detail", args=[council.slug, texts["visit"].pk]) in html
    for petition in texts["alone"]:
        assert petition.number not in html


def test_shown_petitions_are_audited_once_each(
    client: Client, secretary: User, council: m.Council, texts: dict[str, Any]
) -> None:
    signed_in(client, secretary)
    before = AuditEvent.objects.filter(action=AuditAction.SEARCH).count()

    _page(client, council, since="2024")

    searches = AuditEvent.objects.filter(action=AuditAction.SEARCH)
    assert searches.count() - before == 6  # four ramp and two queue petitions, not the others
    assert set(searches.values_list("target_id", flat=True)) == {
        str(petition.pk) for petition in texts["ramp"] + texts["queue"]
    }


def test_only_the_councils_readers_open_it(
    client: Client,
    member_user: User,
    outsider: User,
    council: m.Council,
    texts: dict[str, Any],
) -> None:
    signed_in(client, member_user)
    assert _page(client, council).status_code == 200
    signed_in(client, outsider)
    assert _page(client, council).status_code == 403


def test_the_page_reads_a_fixed_number_of_times(
    client: Client,
    secretary: User,
    council: m.Council,
    texts: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    signed_in(client, secretary)
    _page(client, council, since="2024")
    for index in range(10):
        PetitionFactory.create(
            council=council,
            subject=RAMP_PETITIONS[0][:40],
            text=f"{RAMP_PETITIONS[0]} {index}",
            received_on=dt.date(2025, 9, 1),
        )
    with django_assert_max_num_queries(22):
        response = _page(client, council, since="2024")
    assert [len(group.members) for group in response.context["radar"].groups] == [15, 2]


def test_the_petition_forms_offer_the_councils_districts_only(
    client: Client, secretary: User, council: m.Council, places: dict[str, Territory]
) -> None:
    elsewhere = TerritoryFactory.create(kato="751000000", level=TerritoryLevel.CITY)
    signed_in(client, secretary)

    response = client.get(reverse("council:petition_create", args=[council.slug]))

    choices = {str(value) for value, _label in response.context["form"].fields["territory"].choices}
    assert {str(places["burli"].pk), str(places["terekti"].pk), str(places["oral"].pk)} <= choices
    assert str(places["village"].pk) not in choices
    assert str(elsewhere.pk) not in choices
    # By name in the page's alphabet, as every choice list.
    labels = [str(label) for value, label in response.context["form"].fields["territory"].choices]
    assert labels[1:] == sorted(labels[1:], key=alphabet_key)
    assert len(labels) > 3


# --- Gathering a group into one dossier ---------------------------------------------------------


def _ramp_records(texts: dict[str, Any]) -> list[tuple[str, int]]:
    return [("petition", petition.pk) for petition in texts["ramp"]] + [
        ("visit", texts["visit"].pk)
    ]


def _held(dossier: m.Dossier) -> set[tuple[str, int | None]]:
    return {(record.kind, record.target_id) for record in dossier.records.all()}


def test_a_group_no_dossier_holds_opens_a_new_one(
    council: m.Council, secretary: User, texts: dict[str, Any]
) -> None:
    dossier = dossier_gather(
        actor=secretary, council=council, records=_ramp_records(texts), title="Пандус"
    )

    assert dossier.title == "Пандус"
    assert _held(dossier) == set(_ramp_records(texts))


def test_a_group_gathers_into_the_oldest_dossier_holding_any_and_merges_the_others(
    council: m.Council, secretary: User, texts: dict[str, Any]
) -> None:
    ramp = texts["ramp"]
    older = dossier_open(actor=secretary, council=council, title="Бірінші", petition=ramp[2])
    newer = dossier_open(actor=secretary, council=council, title="Екінші", petition=ramp[0])
    unrelated = dossier_open(
        actor=secretary, council=council, title="Басқа", petition=texts["queue"][0]
    )

    dossier = dossier_gather(
        actor=secretary, council=council, records=_ramp_records(texts), title="ignored"
    )

    assert dossier == older
    assert _held(older) == set(_ramp_records(texts))
    newer.refresh_from_db()
    unrelated.refresh_from_db()
    assert newer.merged_into == older
    assert unrelated.merged_into is None
    assert _held(unrelated) == {("petition", texts["queue"][0].pk)}


def _gather_url(council: m.Council) -> str:
    return "/en" + reverse("council:radar_gather", args=[council.slug])[3:]


def test_the_radar_page_offers_the_secretary_to_gather_each_group(
    client: Client, secretary: User, council: m.Council, texts: dict[str, Any]
) -> None:
    signed_in(client, secretary)
    page = _page(client, council, since="2024").content.decode()
    assert reverse("council:radar_gather", args=[council.slug]) + "?record=petition%3A" in page


def test_the_gather_page_says_what_happens_then_gathers(
    client: Client, secretary: User, council: m.Council, texts: dict[str, Any]
) -> None:
    signed_in(client, secretary)
    query = [("record", f"{kind}:{pk}") for kind, pk in _ramp_records(texts)]

    confirm = client.get(_gather_url(council), [*query, ("title", "пандус")])
    assert confirm.status_code == 200
    assert "a new dossier is opened" in confirm.content.decode()
    assert m.Dossier.objects.count() == 0  # nothing happens before the confirmation

    done = client.post(
        _gather_url(council), {"record": [value for _name, value in query], "title": "Пандус"}
    )

    dossier = m.Dossier.objects.get()
    assert done.status_code == 302
    assert done["Location"].endswith(f"/dossiers/{dossier.pk}/")
    assert _held(dossier) == set(_ramp_records(texts))


def test_the_gather_page_refuses_members_and_made_up_records(
    client: Client, member_user: User, secretary: User, council: m.Council
) -> None:
    signed_in(client, member_user)
    assert client.get(_gather_url(council)).status_code == 403
    signed_in(client, secretary)
    assert client.post(_gather_url(council), {"record": "vote:1", "title": "x"}).status_code == 400
    assert client.post(_gather_url(council), {"title": "x"}).status_code == 400
    empty = client.get(_gather_url(council))
    assert empty.status_code == 200
    assert "No records chosen" in empty.content.decode()
