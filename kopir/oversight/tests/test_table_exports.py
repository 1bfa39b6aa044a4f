"""Every dashboard table as CSV and XLSX: the figures as the page publishes them ("<5", never a
true count), the filters in the first rows, formula-looking cells made inert, the same access as
the pages and a query count that does not grow with the data."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kopir.core.tests.fixtures import signed_in
from kopir.council.models import PlanStatus, RecommendationStatus, WorkPlanItemStatus
from kopir.council.tests.factories import (
    CouncilFactory,
    RecommendationFactory,
    WorkPlanFactory,
    WorkPlanItemFactory,
)
from kopir.directory.models import OrganisationKind, TerritoryLevel
from kopir.directory.tests.factories import OrganisationFactory, TerritoryFactory
from kopir.oversight.tables import DASHBOARDS
from kopir.oversight.tests.referrals import sent_referral
from kopir.oversight.tests.test_employment_dashboard import quota
from kopir.rehabilitation.tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 2, 2)
Q1 = "period=2026-Q1"
CAPTION = "In-absentia referrals by clinic, 2026, quarter 1"
FILTERS = [
    ["Period", "2026, quarter 1"],
    ["Territory", "The whole country"],
    ["Organisation", "All organisations"],
]
HEADS = [
    "Clinic",
    "Referrals sent",
    "Returned incomplete at least once",
    "Share returned",
    "Returns per referral",
    "Steps overdue",
]


def _url(dashboard: str, table: str, file_format: str, query: str = Q1) -> str:
    url = reverse("oversight:table_export", args=[dashboard, table, file_format])
    return f"{url}?{query}"


def _csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def _xlsx_cells(response: Any) -> list[list[Any]]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    (sheet,) = workbook.worksheets
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def _xlsx_rows(response: Any) -> list[list[str]]:
    """The cells as the CSV writes them (a number as its digits)."""
    return [[str(cell) for cell in row] for row in _xlsx_cells(response)]


def _two_clinics() -> tuple[Any, Any]:
    """A clinic that sent 6 referrals, each returned once (published: 5 and 5), and one that sent
    2 (published: <5); the second one's name looks like a formula."""
    large = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_en="A large clinic")
    small = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_en="=SUM(A1:A9) clinic")
    for _ in range(6):
        sent_referral(large, MONDAY, returns=1)
    for _ in range(2):
        sent_referral(small, MONDAY)
    return large, small


@pytest.mark.parametrize("reader", [_csv_rows, _xlsx_rows])
def test_a_small_cell_stays_suppressed_and_the_filters_head_the_file(
    reader: Any, secretary: Any
) -> None:
    _two_clinics()
    file_format = "csv" if reader is _csv_rows else "xlsx"
    response = signed_in(Client(), secretary).get(_url("mse", "clinics", file_format))
    assert response.status_code == 200
    assert f'filename="mse-clinics-2026-Q1.{file_format}"' in response["Content-Disposition"]
    rows = reader(response)
    assert rows[0] == [CAPTION]
    assert rows[1:4] == FILTERS
    assert rows[5] == HEADS
    by_clinic = {row[0]: row[1:] for row in rows[6:]}
    # 6 sent, 6 returned: both rounded to 5; a share of 5 / 5 and 6 returns over 5 shown.
    assert by_clinic["A large clinic"] == ["5", "5", "100%", "1.0", "each <5"]
    # 2 sent: "<5", never 2; the name made inert by an apostrophe.
    assert by_clinic["'=SUM(A1:A9) clinic"][:2] == ["each <5", "each <5"]
    assert "2" not in by_clinic["'=SUM(A1:A9) clinic"]
    # The total adds up the published figures: 5 + "<5" is 5.
    assert rows[-1][:3] == ["Total of the figures shown", "5", "5"]


def test_the_organisation_filter_is_applied_and_named(secretary: Any) -> None:
    _, small = _two_clinics()
    query = f"{Q1}&organisation={small.pk}"
    rows = _csv_rows(signed_in(Client(), secretary).get(_url("mse", "clinics", "csv", query)))
    assert rows[3] == ["Organisation", "'=SUM(A1:A9) clinic"]
    assert [row[0] for row in rows[6:-1]] == ["'=SUM(A1:A9) clinic"]
    assert rows[-1][:2] == ["Total of the figures shown", "each <5"]


def test_the_period_filter_is_applied(secretary: Any) -> None:
    _two_clinics()
    rows = _csv_rows(
        signed_in(Client(), secretary).get(_url("mse", "clinics", "csv", "period=2025"))
    )
    assert rows[0] == ["In-absentia referrals by clinic, 2025, the whole year"]
    assert rows[1] == ["Period", "2025, the whole year"]
    # Nothing was sent in 2025: every clinic's row shows "<5".
    assert all(row[1] == "each <5" for row in rows[6:-1])


@pytest.mark.parametrize("outsider", ["clinician", "agency_officer", "former_member"])
def test_a_reader_of_no_dashboard_may_not_export(
    outsider: str, request: pytest.FixtureRequest
) -> None:
    client = signed_in(Client(), request.getfixturevalue(outsider))
    assert client.get(_url("mse", "clinics", "csv")).status_code == 403
    assert client.get(_url("council", "plan", "xlsx")).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(_url("mse", "clinics", "csv"))
    assert response.status_code == 302
    assert "login" in response["Location"]


@pytest.mark.parametrize(
    ("dashboard", "table", "file_format"),
    [("mse", "nothing", "csv"), ("nothing", "clinics", "csv"), ("mse", "clinics", "pdf")],
)
def test_an_unknown_table_or_format_is_not_found(
    dashboard: str, table: str, file_format: str, secretary: Any
) -> None:
    response = signed_in(Client(), secretary).get(_url(dashboard, table, file_format))
    assert response.status_code == 404


def test_a_period_not_offered_gives_no_file(secretary: Any) -> None:
    url = _url("mse", "clinics", "csv", "period=2026-02-01")
    assert signed_in(Client(), secretary).get(url).status_code == 404


EXPECTED_HEADS = {
    ("mse", "diagnosis"): ["Diagnosis group", "Referrals sent"],
    ("rehabilitation", "organisations"): ["Executing organisation", "Measures due"],
    ("rehabilitation", "types"): ["Measure", "Measures due"],
    ("rehabilitation", "reasons"): ["Reason", "Not delivered"],
    ("employment", "placements"): ["District", "Persons placed"],
    ("employment", "quota-bands"): ["Employer's headcount", "Quota jobs set"],
    ("employment", "quota-districts"): ["District", "Quota jobs set"],
    ("council", "recommendations"): ["Addressee", "Recommendations sent"],
    ("council", "petitions"): ["Territory", "Petitions received"],
    ("council", "plan"): ["Council", "Planned"],
}


def test_every_table_of_every_dashboard_has_its_export() -> None:
    named = {
        (dashboard, table) for dashboard, spec in DASHBOARDS.items() for table in spec.table_keys
    }
    assert named == {*EXPECTED_HEADS, ("mse", "clinics")}


@pytest.mark.parametrize(("dashboard", "table"), sorted(EXPECTED_HEADS))
def test_each_table_exports_with_its_page_heads(dashboard: str, table: str, member: Any) -> None:
    client = signed_in(Client(), member)
    for reader, file_format in ((_csv_rows, "csv"), (_xlsx_rows, "xlsx")):
        rows = reader(client.get(_url(dashboard, table, file_format)))
        assert rows[1][0] == "Period"
        assert rows[5][:2] == EXPECTED_HEADS[(dashboard, table)]


def _council_with_a_recommendation_and_a_plan() -> None:
    council = CouncilFactory.create(territory=TerritoryFactory.create(level=TerritoryLevel.REGION))
    RecommendationFactory.create(
        council=council,
        addressee=OrganisationFactory.create(kind=OrganisationKind.AKIMAT),
        status=RecommendationStatus.SENT,
        sent_on=MONDAY,
        answer_due_on=dt.date(2026, 3, 2),
    )
    plan = WorkPlanFactory.create(council=council, status=PlanStatus.APPROVED, year=2026)
    WorkPlanItemFactory.create(plan=plan, status=WorkPlanItemStatus.DONE, quarter=1)


def test_each_page_links_to_its_tables_files_with_its_filters(secretary: Any) -> None:
    client = signed_in(Client(), secretary)
    _two_clinics()
    MeasureFactory.create(due_on=dt.date(2026, 3, 1))  # so that the rehabilitation tables show
    _council_with_a_recommendation_and_a_plan()
    # A quota register for the year, so that the quota tables show.
    quota(TerritoryFactory.create(level=TerritoryLevel.DISTRICT), headcount=200, jobs=6, filled=6)
    for dashboard, spec in DASHBOARDS.items():
        page = client.get(reverse(f"oversight:{dashboard}") + f"?{Q1}").content.decode()
        for table in spec.table_keys:
            for file_format in ("csv", "xlsx"):
                assert f'href="{_url(dashboard, table, file_format)}"' in page, (table, page)


@pytest.mark.parametrize("table", ["quota-bands", "quota-districts"])
def test_a_quota_table_without_a_register_says_so_rather_than_0(table: str, secretary: Any) -> None:
    """Every row read 0 quota jobs set, and the total 0, where no register was recorded."""
    TerritoryFactory.create(level=TerritoryLevel.DISTRICT, name_en="Terekti")
    client = signed_in(Client(), secretary)
    for reader, file_format in ((_csv_rows, "csv"), (_xlsx_rows, "xlsx")):
        rows = reader(client.get(_url("employment", table, file_format)))
        assert rows[5][1] == "Quota jobs set"
        assert rows[6:] == [
            [
                "No employer's quota is recorded for 2026 in the territory and offices chosen: "
                "the quota jobs set and filled are not known, so none is shown."
            ]
        ]
    # With a register, its figures.
    quota(TerritoryFactory.create(level=TerritoryLevel.DISTRICT), headcount=200, jobs=6, filled=6)
    rows = _csv_rows(client.get(_url("employment", table, "csv")))
    assert rows[-1] == ["Total of the figures shown", "6", "5", "83%"]


def test_the_export_reads_as_many_queries_whatever_the_data(secretary: Any) -> None:
    client = signed_in(Client(), secretary)
    url = _url("mse", "clinics", "csv")
    _two_clinics()
    _csv_rows(client.get(url))  # the session, read once
    with CaptureQueriesContext(connection) as two_clinics:
        _csv_rows(client.get(url))
    for _ in range(3):
        _two_clinics()
    with CaptureQueriesContext(connection) as eight_clinics:
        _csv_rows(client.get(url))
    assert len(eight_clinics) == len(two_clinics) <= 20


KAZAKH_NAMES = ["Әлия емханасы", "Қаратөбе ауруханасы", "Теректі ауруханасы", "Үміт емханасы"]


def test_the_rows_follow_the_kazakh_alphabet_not_the_code_points(secretary: Any) -> None:
    # By code point Қ, Ү and Ә come after Т; a Kazakh reader looks for Қ after К.
    for name in reversed(KAZAKH_NAMES):
        clinic = OrganisationFactory(kind=OrganisationKind.MEDICAL, name_kk=name)
        sent_referral(clinic, MONDAY)
        RecommendationFactory.create(
            council=CouncilFactory.create(),
            addressee=OrganisationFactory.create(kind=OrganisationKind.AKIMAT, name_kk=name),
            status=RecommendationStatus.SENT,
            sent_on=MONDAY,
        )
    client = signed_in(Client(), secretary)
    with translation.override("kk"):
        clinics = _csv_rows(client.get(_url("mse", "clinics", "csv")))
        addressees = _csv_rows(client.get(_url("council", "recommendations", "csv")))
    for rows in (clinics, addressees):
        assert [row[0] for row in rows[6:-1] if row[0] in KAZAKH_NAMES] == KAZAKH_NAMES


def test_the_xlsx_holds_whole_numbers_as_numbers_and_the_rest_as_text(secretary: Any) -> None:
    # Numbers kept as text could not be added up in a spreadsheet (and each cell was flagged).
    _two_clinics()
    rows = _xlsx_cells(signed_in(Client(), secretary).get(_url("mse", "clinics", "xlsx")))
    by_clinic = {row[0]: row[1:] for row in rows[6:]}
    assert by_clinic["A large clinic"] == [5, 5, "100%", "1.0", "each <5"]
    assert by_clinic["'=SUM(A1:A9) clinic"][:2] == ["each <5", "each <5"]
    assert rows[1] == ["Period", "2026, quarter 1"]
