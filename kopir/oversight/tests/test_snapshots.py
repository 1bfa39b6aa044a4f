"""Dashboard snapshots: stored as published (never a small cell's true count), immutable when the
cases change, saved only as confirmed, and compared with today's figures in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kopir.audit.models import AuditAction, AuditEvent
from kopir.audit.services import audit_record
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.figures import COUNT, NUMBER, SHARE, WHOLE
from kopir.oversight.forms_snapshots import CiteForm
from kopir.oversight.models import Snapshot, SnapshotIsImmutable
from kopir.oversight.snapshots.selectors import change_in_words, compared_today
from kopir.oversight.snapshots.services import FiguresChanged, snapshot_save
from kopir.oversight.tests.referrals import sent_referral
from kopir.oversight.tests.snapshots import TODAY, save_snapshot, seen_digest

pytestmark = pytest.mark.django_db

IN_Q1 = dt.date(2026, 2, 2)
CLINIC_A = "Әділет емханасы"
CLINIC_B = "Бәйтерек емханасы"


@pytest.fixture
def clinics() -> tuple[Any, Any]:
    """Clinic A sent 4 referrals in the first quarter of 2026, clinic B 7."""
    a = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_kk=CLINIC_A, name_en="A clinic")
    b = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_kk=CLINIC_B, name_en="B clinic")
    for _ in range(4):
        sent_referral(a, IN_Q1, due_on=dt.date(2026, 12, 31))
    for _ in range(7):
        sent_referral(b, IN_Q1, due_on=dt.date(2026, 12, 31))
    return a, b


def _row(snapshot: Snapshot, name: str, language: str = "kk") -> list[str]:
    by_clinic = snapshot.shown(language)["tables"][0]
    [row] = [row for row in by_clinic["rows"] if row[0] == name]
    return row


def _figure(snapshot: Snapshot, key: str, language: str = "kk") -> dict[str, Any]:
    [figure] = [f for f in snapshot.shown(language)["figures"] if f["key"] == key]
    return figure


def test_the_snapshot_stores_the_figures_as_published_never_a_small_cells_count(
    secretary: Any, clinics: tuple[Any, Any]
) -> None:
    change = audit_record(actor=secretary, action=AuditAction.UPDATE, target=clinics[0])
    snapshot = Snapshot.objects.get(pk=save_snapshot(secretary).pk)

    # 4 referrals show as "<5", 7 are rounded to 5; the total adds up what is shown: 5.
    assert _row(snapshot, CLINIC_A)[1] == "әрқайсысы <5"
    assert _row(snapshot, CLINIC_B)[1] == "5"
    assert _figure(snapshot, "sent") == {**_figure(snapshot, "sent"), "shown": "5", "value": 5}
    # No stored language keeps the true counts.
    for language in ("kk", "ru", "en"):
        shown = snapshot.shown(language)
        cells = [cell for table in shown["tables"] for row in table["rows"] for cell in row]
        assert "4" not in cells
        assert "7" not in cells
    # The chart's bars: sent and returned, None where "<5" is written.
    bars = {bar[0]: bar[1:] for bar in snapshot.shown("kk")["chart"]["bars"]}
    assert [bars[name] for name in (CLINIC_A, CLINIC_B)] == [[None, None], [5, None]]
    # The data version is the audit log's latest record when the figures were read.
    assert snapshot.data_version == change.pk
    assert snapshot.computed_on == TODAY


def test_a_changed_case_does_not_change_the_snapshot(
    secretary: Any, clinics: tuple[Any, Any]
) -> None:
    snapshot = save_snapshot(secretary)
    clinic_a, _ = clinics
    for _ in range(6):
        sent_referral(clinic_a, IN_Q1, due_on=dt.date(2026, 12, 31))

    stored = Snapshot.objects.get(pk=snapshot.pk)
    assert _row(stored, CLINIC_A)[1] == "әрқайсысы <5"
    assert _figure(stored, "sent")["shown"] == "5"
    # The dashboard itself moved: A now has 10 (shown 10), so the total is 10 + 5.
    assert {c.label: c.today for c in compared_today(stored, "en", today=TODAY)}[
        "Referrals sent"
    ] == "15"


def test_nothing_updates_a_saved_snapshot(secretary: Any, clinics: tuple[Any, Any]) -> None:
    snapshot = save_snapshot(secretary)
    snapshot.title = "Өзгертілген"
    with pytest.raises(SnapshotIsImmutable):
        snapshot.save()
    with pytest.raises(SnapshotIsImmutable):
        Snapshot.objects.filter(pk=snapshot.pk).update(title="Өзгертілген")
    assert Snapshot.objects.get(pk=snapshot.pk).title == "Сырттай куәландыру, 2026 жылғы 1-тоқсан"


def test_figures_changed_since_the_confirmation_are_not_saved(
    secretary: Any, clinics: tuple[Any, Any]
) -> None:
    seen = seen_digest("mse", "2026-Q1")
    clinic_a, _ = clinics
    sent_referral(clinic_a, IN_Q1)  # A: 4 → 5, now shown as 5 instead of "<5"
    with pytest.raises(FiguresChanged):
        snapshot_save(
            actor=secretary,
            dashboard="mse",
            period="2026-Q1",
            territory=None,
            organisation=None,
            title="а",
            title_ru="а",
            seen_digest=seen,
            seen_language="kk",
            today=TODAY,
        )
    assert not Snapshot.objects.exists()


def test_today_is_compared_with_the_same_filters_and_suppressed_too(
    secretary: Any, clinics: tuple[Any, Any]
) -> None:
    clinic_a, _ = clinics
    snapshot = save_snapshot(secretary, organisation=clinic_a)
    assert _figure(snapshot, "sent")["shown"] == "әрқайсысы <5"
    sent_referral(clinic_a, IN_Q1)  # 5: shown as 5
    [sent] = [c for c in compared_today(snapshot, "en", today=TODAY) if c.label == "Referrals sent"]
    assert (sent.then, sent.today) == ("each <5", "5")
    assert sent.change == "Cannot be compared: one of the figures is under 5 or too few to show."


@pytest.mark.parametrize(
    ("kind", "then", "today", "words"),
    [
        (COUNT, 5, 15, "Up by 10"),
        (COUNT, 15, 10, "Down by 5"),
        (COUNT, 10, 10, "Unchanged"),
        (COUNT, None, 10, "Cannot be compared: one of the figures is under 5 or too few to show."),
        (SHARE, 0.5, 0.25, "Down by 25 percentage points"),
        (SHARE, 0.2, 0.3, "Up by 10 percentage points"),
        (NUMBER, 12.0, 10.5, "Down by 1.5"),
        (NUMBER, 3.0, 3.0, "Unchanged"),
        (WHOLE, 1200, 1234, "Up by 34"),
    ],
)
def test_the_change_in_words(kind: str, then: Any, today: Any, words: str) -> None:
    assert change_in_words(kind, then, today) == words


# --- Pages -----------------------------------------------------------------------------------


def _new_url(query: str = "period=2026-Q1") -> str:
    return reverse("oversight:snapshot_new", args=["mse"]) + "?" + query


def test_the_confirmation_page_shows_the_figures_and_saves_only_when_ticked(
    member: Any, clinics: tuple[Any, Any]
) -> None:
    client = signed_in(Client(), member)
    page = client.get(_new_url())
    assert page.status_code == 200
    seen = page.context["form"]["seen"].value()
    assert "A clinic" in page.content.decode()

    refused = client.post(_new_url(), {"title": "Тақырып", "title_ru": "Заголовок", "seen": seen})
    assert refused.status_code == 200
    assert "Tick the box to confirm" in refused.content.decode()
    assert not Snapshot.objects.exists()

    saved = client.post(
        _new_url(),
        {"title": "Тақырып", "title_ru": "Заголовок", "seen": seen, "confirm": "on"},
    )
    snapshot = Snapshot.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == reverse("oversight:snapshot_detail", args=[snapshot.pk])
    assert (snapshot.saved_by, snapshot.period, snapshot.title_ru) == (
        member,
        "2026-Q1",
        "Заголовок",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, target_type="oversight.snapshot", target_id=str(snapshot.pk)
    ).exists()
    detail = client.get(saved["Location"]).content.decode()
    assert "Заголовок" in detail
    assert "Definition" in detail


def test_a_stale_confirmation_shows_the_new_figures_and_saves_nothing(
    member: Any, clinics: tuple[Any, Any]
) -> None:
    response = signed_in(Client(), member).post(
        _new_url(),
        {"title": "Т", "title_ru": "З", "seen": "0" * 64, "confirm": "on"},
    )
    assert response.status_code == 200
    assert "The figures changed after you opened this page" in response.content.decode()
    assert response.context["form"]["seen"].value() != "0" * 64
    assert not Snapshot.objects.exists()


def test_an_mse_head_reads_snapshots_but_does_not_save_them(
    mse_head: Any, secretary: Any, clinics: tuple[Any, Any]
) -> None:
    snapshot = save_snapshot(secretary)
    client = signed_in(Client(), mse_head)
    assert client.get(_new_url()).status_code == 403
    assert client.get(reverse("oversight:snapshot_detail", args=[snapshot.pk])).status_code == 200
    assert client.get(reverse("oversight:snapshot_list")).status_code == 200


def test_other_staff_may_not_open_snapshots(clinician: Any, secretary: Any) -> None:
    snapshot = save_snapshot(secretary)
    client = signed_in(Client(), clinician)
    assert client.get(reverse("oversight:snapshot_detail", args=[snapshot.pk])).status_code == 403
    assert client.get(reverse("oversight:snapshot_list")).status_code == 403


def test_the_dashboard_offers_the_save_to_the_council_only(member: Any, mse_head: Any) -> None:
    url = reverse("oversight:mse") + "?period=2026-Q1"
    assert "Save as snapshot" in signed_in(Client(), member).get(url).content.decode()
    assert "Save as snapshot" not in signed_in(Client(), mse_head).get(url).content.decode()


def test_the_list_reads_a_fixed_number_of_queries(secretary: Any) -> None:
    client = signed_in(Client(), secretary)
    save_snapshot(secretary)
    client.get(reverse("oversight:snapshot_list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("oversight:snapshot_list"))
    for _ in range(4):
        save_snapshot(secretary)
    with CaptureQueriesContext(connection) as five:
        page = client.get(reverse("oversight:snapshot_list"))
    assert page.content.decode().count("/snapshots/") >= 5
    assert len(five) == len(one)


def test_the_rehabilitation_dashboard_is_kept_as_published_too(secretary: Any) -> None:
    from kopir.oversight.tests.test_rehabilitation_dashboard import agency, measures
    from kopir.rehabilitation.models.execution import MeasureStatus
    from kopir.rehabilitation.tests.factories import MeasureTypeFactory

    holder = agency()
    measure_type = MeasureTypeFactory.create()
    # Due 1 March 2026: 6 delivered on time (shown 5), 3 delivered late (shown "each <5").
    measures(
        holder, measure_type, 6, status=MeasureStatus.DELIVERED, delivered_on=dt.date(2026, 2, 20)
    )
    measures(
        holder, measure_type, 3, status=MeasureStatus.DELIVERED, delivered_on=dt.date(2026, 3, 9)
    )
    snapshot = save_snapshot(secretary, dashboard="rehabilitation", organisation=holder)

    shown = {f["key"]: (f["shown"], f["value"]) for f in snapshot.shown("en")["figures"]}
    assert shown["on_time"] == ("5", 5)
    assert shown["late"] == ("each <5", None)
    assert shown["due"] == ("5", 5)  # the published cells added up: 5 + "each <5"
    by_organisation = snapshot.shown("en")["tables"][0]
    [row] = [r for r in by_organisation["rows"] if r[0] == holder.name_en]
    assert row[1:4] == ["5", "5", "each <5"]  # due, on time, late


def test_the_employment_dashboard_is_kept_as_published_with_its_three_tables(
    secretary: Any,
) -> None:
    from kopir.oversight.tests.test_employment_dashboard import district, placed, quota

    region = TerritoryFactory.create(level=TerritoryLevel.REGION, name_en="West")
    north = district(region, "North")
    placed(6, north, on_quota=True)  # shown 5
    placed(2, north)  # shown "each <5"
    quota(north, headcount=120, jobs=4, filled=3)  # jobs as they are; filled "each <5"
    snapshot = save_snapshot(secretary, dashboard="employment")

    shown = {f["key"]: (f["shown"], f["value"]) for f in snapshot.shown("en")["figures"]}
    assert shown["on_quota"] == ("5", 5)
    assert shown["other"] == ("each <5", None)
    assert shown["placed"] == ("5", 5)  # the published cells added up: 5 + "each <5"
    assert shown["quota_jobs"] == ("4", 4)  # employers' jobs, not persons: as they are
    assert shown["quota_filled"] == ("each <5", None)
    placements, bands, districts = snapshot.shown("en")["tables"]
    assert ["North", "5", "5", "each <5"] in placements["rows"]
    [north_quota] = [row for row in districts["rows"] if row[0] == "North"]
    assert north_quota[1:3] == ["4", "each <5"]
    assert [row[1:3] for row in bands["rows"] if row[1] != "0"] == [["4", "each <5"]]
    assert ["North", 5, None] in snapshot.shown("en")["chart"]["bars"]
    # Kazakh and Russian are kept as well, each in its own language.
    assert snapshot.shown("kk")["dashboard"] != snapshot.shown("ru")["dashboard"]


def test_without_a_quota_register_the_snapshot_keeps_its_quota_figures_as_not_known(
    secretary: Any,
) -> None:
    """A snapshot kept the page's headline: 0 quota jobs set where no register was recorded."""
    from kopir.oversight.tests.test_employment_dashboard import district, placed

    north = district(TerritoryFactory.create(level=TerritoryLevel.REGION), "North")
    placed(6, north, on_quota=True)
    snapshot = save_snapshot(secretary, dashboard="employment")

    not_known = {
        "kk": "Белгісіз: жылға жұмыс берушілер квоталарының тізілімі жоқ",
        "ru": "Неизвестно: реестра квот работодателей за год нет",
        "en": "Not known: no quota register for the year",
    }
    for language, words in not_known.items():
        shown = {f["key"]: f for f in snapshot.shown(language)["figures"]}
        for key in ("quota_jobs", "quota_filled", "quota_filled_share"):
            assert (shown[key]["shown"], shown[key]["value"]) == (words, None), (language, key)
        assert shown["on_quota"]["shown"] == "5"
        # Its quota tables have no row of 0 jobs (a snapshot shows no table without rows).
        _, bands, districts = snapshot.shown(language)["tables"]
        assert bands["rows"] == districts["rows"] == []
    compared = {c.label: c.change for c in compared_today(snapshot, "en", today=TODAY)}
    assert compared["Quota jobs set"] == "Cannot be compared: one of the figures is not known."
    assert compared["Placed on a quota job"] == "Unchanged"
    page = signed_in(Client(), secretary).get(
        reverse("oversight:snapshot_detail", args=[snapshot.pk])
    )
    assert not_known["en"] in page.content.decode()


def test_the_council_dashboard_is_kept_and_compared_with_today(secretary: Any) -> None:
    from kopir.council.models import RecommendationStatus
    from kopir.oversight.tests.test_council_dashboard import council_in, petitions, recommendations

    region = TerritoryFactory.create(level=TerritoryLevel.REGION, name_en="West")
    council = council_in(region)
    akimat = OrganisationFactory.create(kind=OrganisationKind.AKIMAT, name_en="Akimat")
    # Due 1 March 2026, both answered: one on time, one late.
    recommendations(
        council, akimat, 1, status=RecommendationStatus.EXECUTED, answered_on=dt.date(2026, 2, 20)
    )
    recommendations(
        council, akimat, 1, status=RecommendationStatus.IN_PROGRESS, answered_on=dt.date(2026, 3, 5)
    )
    petitions(council, 3, answered_on=dt.date(2026, 2, 20))  # persons: "<5"
    snapshot = save_snapshot(secretary, dashboard="council")

    shown = {f["key"]: (f["shown"], f["value"]) for f in snapshot.shown("en")["figures"]}
    assert shown["recommendations_sent"] == ("2", 2)  # not persons: as they are
    assert shown["answered_in_time_share"][1] == 0.5
    assert shown["petitions_received"] == ("each <5", None)
    by_addressee = snapshot.shown("en")["tables"][0]
    assert [row[0] for row in by_addressee["rows"]] == ["Akimat"]

    # Three more answered on time since: today's share and count are compared in words.
    recommendations(
        council, akimat, 3, status=RecommendationStatus.EXECUTED, answered_on=dt.date(2026, 2, 25)
    )
    compared = {c.label: c for c in compared_today(snapshot, "en", today=TODAY)}
    assert (compared["Recommendations sent"].then, compared["Recommendations sent"].today) == (
        "2",
        "5",
    )
    assert compared["Recommendations sent"].change == "Up by 3"
    assert compared["Answered within the due date"].change == "Up by 30 percentage points"


@pytest.mark.parametrize("dashboard", ["mse", "rehabilitation", "employment", "council"])
def test_every_dashboard_offers_its_confirmation_page(secretary: Any, dashboard: str) -> None:
    client = signed_in(Client(), secretary)
    page = client.get(reverse(f"oversight:{dashboard}") + "?period=2026-Q1")
    new = reverse("oversight:snapshot_new", args=[dashboard])
    assert f'action="{new}"' in page.content.decode()
    confirmation = client.get(new + "?period=2026-Q1")
    assert confirmation.status_code == 200


def test_the_list_and_the_cite_list_name_the_period_in_words(secretary: Any) -> None:
    """They showed "2026-Q1", the period's key, rather than "2026, 1-тоқсан"."""
    snapshot = save_snapshot(secretary)
    with translation.override("kk"):
        url = reverse("oversight:snapshot_list")
    page = signed_in(Client(), secretary).get(url).content.decode()
    assert "<td>2026, 1-тоқсан</td>" in page
    assert "2026-Q1" not in page
    with translation.override("kk"):
        form = CiteForm(snapshots=[snapshot], language="kk")
        choices = dict(form["snapshot"].field.choices)  # type: ignore[attr-defined]
        assert "(2026, 1-тоқсан, " in choices[snapshot.pk]


def test_the_title_is_named_once_over_its_two_languages(member: Any) -> None:
    """«Атауы қазақ тілінде» stood twice, as the pair's heading and as the Kazakh field's label."""
    with translation.override("kk"):
        url = _new_url()
    page = signed_in(Client(), member).get(url).content.decode()
    assert '<legend class="fieldset__legend">Атауы</legend>' in page
    assert "Атауы қазақ тілінде" not in page
