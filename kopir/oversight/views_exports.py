"""A dashboard table as a CSV or XLSX file: the same access and filters as its page, the figures
exactly as published (`tables.py`), the filters in the first rows. Aggregates only, as the pages:
no personal data is read, so nothing is audited (`access.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kopir.core.exports import csv_response, xlsx_response
from kopir.oversight import access
from kopir.oversight.forms import DashboardFilterForm
from kopir.oversight.snapshots.content import filters_of
from kopir.oversight.tables import DASHBOARDS, ORGANISATION_LABEL, TableRows

FILE_FORMATS = ("csv", "xlsx")


def _as_number(cell: Any) -> Any:
    """A whole number written as the page writes it ("1 234", "25") as a number, so that a
    spreadsheet can add it up; "<5", a share, a ratio and every label stay text."""
    if isinstance(cell, str):
        digits = cell.replace("\N{NO-BREAK SPACE}", "").replace(" ", "")
        if digits.isascii() and digits.isdigit() and len(digits) < 16:
            return int(digits)
    return cell


def _rows(table: TableRows, filters: list[dict[str, str]]) -> Iterator[list[Any]]:
    """The table's caption, the filters it was read with, an empty row, then the table (its note
    under the heads, where it has one)."""
    yield [table["caption"]]
    for item in filters:
        yield [item["label"], item["value"]]
    yield []
    yield table["columns"]
    if table.get("note"):
        yield [table["note"]]
    yield from table["rows"]
    if table["foot"]:
        yield table["foot"]


@require_GET
def table_export(
    request: HttpRequest, dashboard: str, table: str, file_format: str
) -> HttpResponseBase:
    access.require_dashboard_reader(request.user)
    exported = DASHBOARDS.get(dashboard)
    if exported is None or table not in exported.table_keys or file_format not in FILE_FORMATS:
        raise Http404
    form = DashboardFilterForm(
        request.GET or None,
        organisation_label=ORGANISATION_LABEL,
        organisation_kinds=exported.organisation_kinds,
    )
    scope = form.criteria()
    if scope is None:
        # The page shows the filters' errors and no figure; a file has nowhere to show them.
        raise Http404
    rows = exported.tables(exported.compute(scope, today=timezone.localdate()), scope.period)[table]
    lines = _rows(rows, filters_of(scope))
    filename = f"{dashboard}-{table}-{scope.period.key}.{file_format}"
    if file_format == "csv":
        return csv_response(lines, filename)
    # A row's first cell names it (a clinic, a district): text, whatever it reads.
    numbers = ([*line[:1], *(_as_number(cell) for cell in line[1:])] for line in lines)
    return xlsx_response([(_("Table"), numbers)], filename)
