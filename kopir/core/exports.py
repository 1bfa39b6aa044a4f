"""The one way Kopir hands rows out as a spreadsheet file: CSV streamed with a UTF-8 byte-order
mark, XLSX written row by row (openpyxl's write-only mode) to a temporary file that spills to
disk; every text cell a spreadsheet would run as a formula made inert first (CSV injection).
The MSE division's queue, the rehabilitation work list and the oversight dashboards' tables use
it; each app decides who may export, what the rows are and whether reading them is audited."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse

# A spreadsheet program runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# A sheet's name is at most 31 characters long in Excel.
SHEET_NAME_LENGTH = 31


def neutralised(value: Any) -> Any:
    """A cell's value, with text that a spreadsheet would run as a formula made inert by a
    leading apostrophe (OWASP's advice); numbers and dates are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised_row(row: Iterable[Any]) -> list[Any]:
    return [neutralised(cell) for cell in row]


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming answer."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Sequence[Any]], filename: str) -> StreamingHttpResponse:
    """`rows` as a CSV attachment, streamed row by row (memory stays bounded however long), each
    cell neutralised."""
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
        for row in rows:
            yield writer.writerow(neutralised_row(row))

    response = StreamingHttpResponse(lines(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(
    sheets: Iterable[tuple[str, Iterable[Sequence[Any]]]], filename: str
) -> FileResponse:
    """Each (name, rows) of `sheets` as a sheet of one XLSX attachment, each cell neutralised,
    written row by row to a temporary file that spills to disk, then sent from it."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, rows in sheets:
        sheet = workbook.create_sheet(str(name)[:SHEET_NAME_LENGTH])
        for row in rows:
            sheet.append(neutralised_row(row))
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )
