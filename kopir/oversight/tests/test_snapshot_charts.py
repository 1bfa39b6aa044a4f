"""A snapshot's chart writes each bar as the table beside it does: "each <5" for a bar that adds
up cells under 5 (decision 11, amended), not the "<5" a bare stored None was drawn with; and the
migration that gives the charts saved before their texts, copied from their own tables."""

from __future__ import annotations

import copy
import datetime as dt
import html
import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.models import Snapshot
from kopir.oversight.snapshots.content import KINDS, content_of, scope_of
from kopir.oversight.tests.referrals import sent_referral
from kopir.oversight.tests.snapshots import TODAY, save_snapshot
from kopir.oversight.tests.test_employment_dashboard import district, placed

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "kopir.oversight.migrations.0006_snapshot_chart_texts_from_their_tables"
)
EACH = {"kk": "әрқайсысы <5", "ru": "каждое <5", "en": "each <5"}
# A bar's figure as the chart partial writes it.
BAR_TEXT = re.compile(r'<text x="\d+" y="\d+" font-size="12" fill="#0b0c0c">([^<]*)</text>')


def _north_and_south() -> Any:
    """A region whose North placed 6 on a quota job (shown 5) and 2 on another ("each <5"),
    and whose South placed none."""
    region = TerritoryFactory.create(level=TerritoryLevel.REGION, name_en="West")
    north = district(region, "North")
    district(region, "South")
    placed(6, north, on_quota=True)
    placed(2, north)
    return region


def _save(secretary: Any, region: Any) -> Snapshot:
    """The employment dashboard of the region, saved as the confirmation page would."""
    return save_snapshot(
        secretary,
        dashboard="employment",
        territory=region,
        title="Жұмысқа орналастыру",
        title_ru="Трудоустройство",
    )


def _chart_texts(page: str) -> list[str]:
    svg = page[page.index('aria-labelledby="snapshot-chart-summary"') :]
    return [html.unescape(text) for text in BAR_TEXT.findall(svg[: svg.index("</svg>")])]


def _detail(client: Client, snapshot: Snapshot) -> str:
    with translation.override("en"):
        url = reverse("oversight:snapshot_detail", args=[snapshot.pk])
    return client.get(url).content.decode()


def test_the_chart_of_a_snapshot_reads_as_its_table(secretary: Any) -> None:
    """North's other-job bar and both of South's add up cells under 5: the table said
    "each <5", the snapshot's chart "<5"."""
    snapshot = _save(secretary, _north_and_south())

    placements = snapshot.shown("en")["tables"][0]
    assert [row[2:] for row in placements["rows"]] == [["5", "each <5"], ["each <5", "each <5"]]
    page = _detail(signed_in(Client(), secretary), snapshot)
    assert _chart_texts(page) == ["5", "each <5", "each <5", "each <5"]
    # Kept so in every language, each with its table's words.
    for language, each in EACH.items():
        chart = snapshot.shown(language)["chart"]
        assert chart["texts"] == [["5", each], [each, each]], language


def test_the_confirmation_page_draws_the_chart_as_it_will_be_kept(secretary: Any) -> None:
    region = _north_and_south()
    with translation.override("en"):
        url = reverse("oversight:snapshot_new", args=["employment"])
    url += f"?period=2026-Q1&territory={region.pk}"
    page = signed_in(Client(), secretary).get(url).content.decode()
    assert _chart_texts(page) == ["5", "each <5", "each <5", "each <5"]


def _mse_with_a_small_clinic() -> None:
    a = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_en="A clinic")
    b = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_en="B clinic")
    for _ in range(7):
        sent_referral(a, dt.date(2026, 2, 2), returns=1)
    for _ in range(3):
        sent_referral(b, dt.date(2026, 2, 2))


def _rehabilitation_with_a_small_organisation() -> None:
    from kopir.oversight.tests.test_rehabilitation_dashboard import agency, measures
    from kopir.rehabilitation.models.execution import MeasureStatus
    from kopir.rehabilitation.tests.factories import MeasureTypeFactory

    holder, measure_type = agency(), MeasureTypeFactory.create()
    measures(
        holder, measure_type, 6, status=MeasureStatus.DELIVERED, delivered_on=dt.date(2026, 2, 20)
    )
    measures(
        holder, measure_type, 3, status=MeasureStatus.DELIVERED, delivered_on=dt.date(2026, 3, 9)
    )


@pytest.mark.parametrize(
    ("dashboard", "data"),
    [
        ("mse", _mse_with_a_small_clinic),
        ("rehabilitation", _rehabilitation_with_a_small_organisation),
        ("employment", _north_and_south),
    ],
)
def test_every_chart_writes_each_bar_as_the_cell_of_its_table(dashboard: str, data: Any) -> None:
    """The dashboards' pages and their snapshots draw the same bars (`DashboardKind.bars`): each
    bar's text is the cell of its row and series in the table beside it, "each <5" included."""
    region = data()
    territory = region if dashboard == "employment" else None
    for language in EACH:
        with translation.override(language):
            scope = scope_of("2026-Q1", territory, None)
            shown = content_of(KINDS[dashboard], scope, today=TODAY)
        texts = shown["chart"]["texts"]
        assert any(EACH[language] in bar for bar in texts), (dashboard, language)
        without = copy.deepcopy(shown)
        del without["chart"]["texts"]
        assert migration.bar_texts(without) == texts, (dashboard, language)


def _as_saved_before(content: dict[str, Any]) -> dict[str, Any]:
    """`content` as a snapshot kept it before the charts' texts were kept."""
    legacy = copy.deepcopy(content)
    for shown in legacy.values():
        del shown["chart"]["texts"]
    return legacy


def _saved_before(secretary: Any, content: dict[str, Any]) -> Snapshot:
    return Snapshot.objects.create(
        dashboard="employment",
        title="Жұмысқа орналастыру",
        title_ru="Трудоустройство",
        period="2026-Q1",
        computed_on=TODAY,
        data_version=1,
        content=content,
        saved_by=secretary,
    )


def test_the_migration_gives_a_chart_saved_before_the_texts_of_its_table(secretary: Any) -> None:
    kept = _save(secretary, _north_and_south()).content
    saved = _saved_before(secretary, _as_saved_before(kept))
    # Before an amended table: its sums of small cells said "<5", and the chart says so too.
    older = _as_saved_before(kept)
    for shown in older.values():
        for row in shown["tables"][0]["rows"]:
            row[:] = [cell if cell not in EACH.values() else "<5" for cell in row]
    before_amendment = _saved_before(secretary, older)
    # A chart no table of its snapshot matches is left as it was.
    unmatched_content = _as_saved_before(kept)
    for shown in unmatched_content.values():
        shown["tables"] = []
    unmatched = _saved_before(secretary, unmatched_content)
    client = signed_in(Client(), secretary)
    assert _chart_texts(_detail(client, saved)) == ["5", "<5", "<5", "<5"]

    migration.add_bar_texts(apps, None)

    saved.refresh_from_db()
    assert saved.content == kept
    assert _chart_texts(_detail(client, saved)) == ["5", "each <5", "each <5", "each <5"]
    before_amendment.refresh_from_db()
    assert before_amendment.shown("ru")["chart"]["texts"] == [["5", "<5"], ["<5", "<5"]]
    assert _chart_texts(_detail(client, before_amendment)) == ["5", "<5", "<5", "<5"]
    unmatched.refresh_from_db()
    assert unmatched.content == unmatched_content
    # Run again, it changes nothing.
    migration.add_bar_texts(apps, None)
    saved.refresh_from_db()
    assert saved.content == kept
