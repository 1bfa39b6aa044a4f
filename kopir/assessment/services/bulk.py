"""Bulk upload: a clinic's CSV file of referrals, one per row, with a report per row.

The file is stored, and a background task reads it a batch of rows at a time (never the whole
file in memory, never inside a web request, so a file of thousands of rows cannot time out). A
batch's clean rows are checked and written together (`bulk_batch.py`); any other row is received
through `referral_intake` in its own transaction: valid rows are saved, invalid rows are reported
with the row number, the column and the reason, in the order of the file. Rows are keyed by `external_id`: a row whose id
the clinic already sent is counted as already received, so uploading the same file again creates
nothing twice.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kopir.assessment.models import BulkUpload, BulkUploadStatus, IntakeChannel
from kopir.assessment.services.bulk_batch import BatchRow, DivisionCache, receive_batch
from kopir.assessment.services.bulk_format import (
    COLUMN_NAMES,
    ENCODING,
    REQUIRED,
    column_of,
    parse_row,
)
from kopir.assessment.services.intake import (
    FieldProblem,
    IntakeInvalid,
    referral_intake,
)
from kopir.audit.models import AuditAction
from kopir.audit.services import save_audited
from kopir.core.errors import DomainError

logger = logging.getLogger(__name__)


MAX_FILE_BYTES = 20 * 1024 * 1024
# Rows read, checked and written together (and between two progress updates): the reference data
# is read once per batch, and a batch's rows go in with one statement per table.
BATCH_SIZE = 200
# Rows of one part of a long file: a file of more rows is received by several workers at once,
# a part each (`bulk_upload_process_part`).
PART_ROWS = 2000
# Problems kept in the report; the counts stay exact beyond it.
MAX_REPORT_ITEMS = 5000


class BulkFileInvalid(DomainError):
    pass


# --- Receiving the file ------------------------------------------------------------------------


def _check_file(uploaded_file: Any) -> str:
    """The file's SHA-256, or BulkFileInvalid saying why it cannot be taken."""
    if not (uploaded_file.name or "").lower().endswith(".csv"):
        raise BulkFileInvalid(_("Choose a CSV file (its name ends in .csv)."))
    if uploaded_file.size == 0:
        raise BulkFileInvalid(_("The file is empty."))
    if uploaded_file.size > MAX_FILE_BYTES:
        raise BulkFileInvalid(
            _("The file is larger than %(limit)s MB: split it into several files.")
            % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    digest = hashlib.sha256()
    head = b""
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        if b"\x00" in chunk:
            # No spreadsheet writes NUL into a CSV (a UTF-16 file is full of them), and the
            # database refuses it in the report that would quote the cell.
            raise BulkFileInvalid(
                _(
                    "The file contains a NUL character, which a CSV file never holds. Save it "
                    "from your spreadsheet as “CSV UTF-8”."
                )
            )
        if len(head) < 65536:
            head += chunk[: 65536 - len(head)]
    uploaded_file.seek(0)
    try:
        # A multi-byte letter cut at the end of the sample is not an error.
        head.decode(ENCODING)
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:
            raise BulkFileInvalid(
                _("The file is not in UTF-8. Save it from your spreadsheet as “CSV UTF-8”.")
            ) from error
    return digest.hexdigest()


def bulk_upload_create(
    *, actor: Any, uploaded_file: Any, send: bool, request: Any = None
) -> BulkUpload:
    """Store the file and have the worker process it once this transaction commits."""
    digest = _check_file(uploaded_file)
    upload = BulkUpload(
        organisation_id=actor.organisation_id,
        uploaded_by=actor,
        file_name=(uploaded_file.name or "")[-255:],
        file_sha256=digest,
        size=uploaded_file.size,
        send=send,
    )
    upload.file.save(f"{digest}.csv", uploaded_file, save=False)
    try:
        with transaction.atomic():
            save_audited(upload, AuditAction.CREATE, ["file"], actor=actor, request=request)
            upload_id = upload.pk
            transaction.on_commit(lambda: _enqueue(upload_id))
    except Exception:
        upload.file.delete(save=False)
        raise
    return upload


def _enqueue(upload_id: int) -> None:
    from kopir.assessment.tasks_intake import process_bulk_upload

    process_bulk_upload.enqueue(upload_id)


def earlier_upload_of_same_file(upload: BulkUpload) -> BulkUpload | None:
    return (
        BulkUpload.objects.filter(
            organisation_id=upload.organisation_id,
            file_sha256=upload.file_sha256,
            created_at__lt=upload.created_at,
        )
        .order_by("-created_at")
        .first()
    )


def _rows(upload: BulkUpload) -> Iterator[tuple[int, dict[str, str]]]:
    """The file's data rows with their line numbers (the header is row 1). Raises BulkFileInvalid."""
    with upload.file.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding=ENCODING, newline="")
        header_line = text.readline()
        # Spreadsheets in Kazakh and Russian settings save CSV with semicolons.
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        header = [name.strip() for name in next(csv.reader([header_line], delimiter=delimiter), [])]
        missing = [name for name in REQUIRED if name not in header]
        unknown = [name for name in header if name and name not in COLUMN_NAMES]
        if missing or unknown:
            reasons = []
            if missing:
                reasons.append(
                    gettext("Required columns are missing: %(names)s.")
                    % {"names": ", ".join(missing)}
                )
            if unknown:
                reasons.append(
                    gettext("Unknown columns: %(names)s. Use the names in the template.")
                    % {"names": ", ".join(unknown)}
                )
            raise BulkFileInvalid(" ".join(reasons))
        reader = csv.DictReader(text, fieldnames=header, delimiter=delimiter)
        for row in reader:
            if not any((v or "").strip() for k, v in row.items() if k is not None):
                continue  # a blank line
            yield reader.line_num + 1, row


# --- Processing --------------------------------------------------------------------------------


class _Report:
    def __init__(self, upload: BulkUpload) -> None:
        self.upload = upload
        self.items: list[dict[str, Any]] = []
        self.truncated = False

    def add(
        self, row: int, external_id: str, problems: list[FieldProblem], *, warning: bool = False
    ) -> None:
        for problem in problems:
            if len(self.items) >= MAX_REPORT_ITEMS:
                self.truncated = True
                return
            column, note = column_of(problem.field)
            item = {
                "row": row,
                "external_id": external_id,
                "field": column,
                "reason": f"{note}{problem.reason}",
            }
            if warning:
                item["warning"] = True
            self.items.append(item)


_COUNTS = ("rows_processed", "rows_created", "rows_existing", "rows_invalid", "rows_sent")


def bulk_upload_process(*, upload_id: int, batched: bool = True, parts: bool = True) -> str:
    """Read the file in batches of rows and receive each valid row. Returns the upload's status.

    A file of more than `PART_ROWS` rows is split into parts that several workers receive at
    once (`bulk_upload_process_part`, one task each); this call then only plans them and returns
    "processing". `parts=False` receives the whole file here, and `batched=False` receives every
    row through `referral_intake` on its own (the path each batch falls back to), for comparison.
    """
    claimed = BulkUpload.objects.filter(pk=upload_id, status=BulkUploadStatus.PENDING).update(
        status=BulkUploadStatus.PROCESSING, started_at=timezone.now()
    )
    if not claimed:
        return ""
    upload = BulkUpload.objects.select_related("organisation", "uploaded_by").get(pk=upload_id)
    if parts and batched and _planned_in_parts(upload):
        return BulkUploadStatus.PROCESSING
    status, counts, report = _process(upload, _rows(upload), batched=batched)
    BulkUpload.objects.filter(pk=upload.pk).update(
        **counts,
        status=status,
        report=report.items,
        report_truncated=report.truncated,
        finished_at=timezone.now(),
    )
    _delete_file(upload)
    logger.info("bulk upload %s processed: %s", upload.pk, counts)
    return status


def _delete_file(upload: BulkUpload) -> None:
    # The rows are in the referrals (or in the report) now; the file, full of personal data, goes.
    upload.file.delete(save=False)
    BulkUpload.objects.filter(pk=upload.pk).update(file="")


def _process(
    upload: BulkUpload,
    rows: Iterator[tuple[int, dict[str, str]]],
    *,
    batched: bool,
    before: int = 0,
    duplicates: dict[int, int] | None = None,
) -> tuple[str, dict[str, int], _Report]:
    """Receive `rows` a batch at a time, adding each batch's counts to the upload's as it goes
    (the file's page shows the progress). `before` is how many of the file's rows come before
    these; `duplicates` the rows whose identifier an earlier part of the file already holds.
    Returns the status, the counts and the report of these rows."""
    report = _Report(upload)
    counts = dict.fromkeys(_COUNTS, 0)
    seen: dict[str, int] = {}
    divisions = DivisionCache()
    status = BulkUploadStatus.DONE
    batch: list[BatchRow] = []

    def receive() -> None:
        _receive(upload, batch, divisions, batched=batched)
        done = dict.fromkeys(_COUNTS, 0)
        for row in batch:
            _account(upload, row, report, done)
            done["rows_processed"] += 1
        batch.clear()
        BulkUpload.objects.filter(pk=upload.pk).update(
            **{name: F(name) + value for name, value in done.items() if value}
        )
        for name, value in done.items():
            counts[name] += value

    with _in_uploaders_language(upload):
        try:
            for row_number, row in rows:
                if duplicates and row_number in duplicates:
                    batch.append(_duplicate(row_number, row, duplicates[row_number]))
                else:
                    batch.append(_read(upload, row_number, row, seen))
                if len(batch) == BATCH_SIZE:
                    receive()
            if batch:
                receive()
        except BulkFileInvalid as invalid:
            status = BulkUploadStatus.FAILED
            report.add(1, "", [FieldProblem("header", str(invalid))])
        except (UnicodeDecodeError, csv.Error) as error:
            status = BulkUploadStatus.FAILED
            reason = gettext(
                "The file could not be read as UTF-8 CSV: save it from your spreadsheet as “CSV UTF-8”."
            )
            report.add(before + counts["rows_processed"] + 2, "", [FieldProblem("file", reason)])
            logger.info("bulk upload %s unreadable: %s", upload.pk, type(error).__name__)
        except Exception:
            # Never leave an upload "being processed" for ever: say where it stopped. The rows
            # before were saved, and uploading the file again does not create them twice.
            status = BulkUploadStatus.FAILED
            reason = gettext(
                "Processing stopped unexpectedly here. The rows before were saved; upload the "
                "file again to continue."
            )
            report.add(before + counts["rows_processed"] + 2, "", [FieldProblem("file", reason)])
            logger.exception("bulk upload %s stopped", upload.pk)
    return status, counts, report


# --- Several workers on one file ---------------------------------------------------------------


def _planned_in_parts(upload: BulkUpload) -> bool:
    """Split a long file into parts of `PART_ROWS` rows, one task each, enqueued once this is
    committed; False for a file short enough for one worker (or that cannot be read: the whole
    run then reports why, as it always has).

    Only the rows' positions are stored, never their content. The rows an identifier already
    read in the file makes duplicates are found here, once for the whole file, so each part
    reports them as one worker would: the file is read for its identifiers, and only the rows
    whose identifier comes back are parsed to learn which occurrence is the first readable one.
    """
    try:
        with _in_uploaders_language(upload):
            lines_of: dict[str, list[int]] = {}
            total = 0
            for row_number, row in _rows(upload):
                total += 1
                key = "" if None in row else (row.get("external_id") or "").strip()
                lines_of.setdefault(key, []).append(row_number)
            if total <= PART_ROWS:
                return False
            repeated = {line for lines in lines_of.values() if len(lines) > 1 for line in lines}
            duplicates: dict[int, int] = {}
            seen: dict[str, int] = {}
            for row_number, row in _rows(upload):
                if row_number not in repeated or None in row:
                    continue
                # As `_read` does: a row that cannot be read is no one's first occurrence.
                data, _problems = parse_row(row, send=upload.send)
                if data is None:
                    continue
                external_id = (row.get("external_id") or "").strip()
                if external_id in seen:
                    duplicates[row_number] = seen[external_id]
                else:
                    seen[external_id] = row_number
    except (BulkFileInvalid, UnicodeDecodeError, csv.Error):
        return False
    plan = [
        {"first": first, "end": min(first + PART_ROWS, total)}
        for first in range(0, total, PART_ROWS)
    ]
    BulkUpload.objects.filter(pk=upload.pk).update(
        parts=plan, duplicates={str(line): first for line, first in duplicates.items()}
    )
    upload_id = upload.pk
    transaction.on_commit(lambda: _enqueue_parts(upload_id, len(plan)))
    return True


def _enqueue_parts(upload_id: int, count: int) -> None:
    from kopir.assessment.tasks_intake import process_bulk_upload_part

    for index in range(count):
        process_bulk_upload_part.enqueue(upload_id, index)


def bulk_upload_process_part(*, upload_id: int, index: int) -> str:
    """Receive one part of a long file (rows `first` to `end` of its plan), beside the workers
    on its other parts. The last part to end puts the parts' reports together in the order of
    the file, as one worker would have written it, and deletes the file. Returns the part's
    status."""
    upload = BulkUpload.objects.select_related("organisation", "uploaded_by").get(pk=upload_id)
    part = upload.parts[index]
    if part.get("done"):
        return ""
    rows = itertools.islice(_rows(upload), part["first"], part["end"])
    status, counts, report = _process(
        upload,
        rows,
        batched=True,
        before=part["first"],
        duplicates={int(line): first for line, first in upload.duplicates.items()},
    )
    with transaction.atomic():
        locked = BulkUpload.objects.select_for_update().get(pk=upload_id)
        plan = list(locked.parts)
        plan[index] = {
            **plan[index],
            "done": True,
            "status": status,
            "counts": counts,
            "report": report.items,
            "truncated": report.truncated,
        }
        finished = all(entry.get("done") for entry in plan)
        if not finished:
            BulkUpload.objects.filter(pk=upload_id).update(parts=plan)
            return status
        items = [item for entry in plan for item in entry["report"]]
        totals = {name: sum(entry["counts"][name] for entry in plan) for name in _COUNTS}
        failed = any(entry["status"] == BulkUploadStatus.FAILED for entry in plan)
        BulkUpload.objects.filter(pk=upload_id).update(
            **totals,
            status=BulkUploadStatus.FAILED if failed else BulkUploadStatus.DONE,
            report=items[:MAX_REPORT_ITEMS],
            report_truncated=len(items) > MAX_REPORT_ITEMS
            or any(entry["truncated"] for entry in plan),
            # The parts' reports are in the report now.
            parts=[{"first": entry["first"], "end": entry["end"]} for entry in plan],
            finished_at=timezone.now(),
        )
    _delete_file(upload)
    logger.info("bulk upload %s processed in %s parts: %s", upload_id, len(plan), totals)
    return status


def _in_uploaders_language(upload: BulkUpload) -> Any:
    from django.utils import translation

    return translation.override(upload.uploaded_by.preferred_language or None)


def _read(
    upload: BulkUpload, row_number: int, row: dict[str, str], seen: dict[str, int]
) -> BatchRow:
    """The row as a ReferralInput, or with the problems that stop it being read."""
    if None in row:
        problem = FieldProblem(
            "file", gettext("The row has more values than the header has columns.")
        )
        return BatchRow(number=row_number, external_id="", data=None, problems=[problem])
    data, problems = parse_row(row, send=upload.send)
    external_id = (row.get("external_id") or "").strip()
    if data is None:
        return BatchRow(number=row_number, external_id=external_id, data=None, problems=problems)
    if external_id in seen:
        return _duplicate(row_number, row, seen[external_id])
    seen[external_id] = row_number
    return BatchRow(number=row_number, external_id=external_id, data=data)


def _duplicate(row_number: int, row: dict[str, str], first: int) -> BatchRow:
    """A row whose identifier an earlier part of the file holds, as `_read` reports it."""
    reason = gettext(
        "This identifier is already in row %(row)s of this file; the row was skipped."
    ) % {"row": first}
    return BatchRow(
        number=row_number,
        external_id=(row.get("external_id") or "").strip(),
        data=None,
        problems=[FieldProblem("external_id", reason)],
    )


def _receive(
    upload: BulkUpload, batch: list[BatchRow], divisions: DivisionCache, *, batched: bool
) -> None:
    readable = [row for row in batch if row.data is not None]
    if not batched:
        for row in readable:
            _one_by_one(upload, row)
        return
    receive_batch(
        readable,
        actor=upload.uploaded_by,
        organisation=upload.organisation,
        channel=IntakeChannel.BULK,
        divisions=divisions,
        one_by_one=lambda row: _one_by_one(upload, row),
    )


def _one_by_one(upload: BulkUpload, row: BatchRow) -> None:
    """Receive one row in its own transaction, as every row was before batches."""
    try:
        row.result = referral_intake(
            actor=upload.uploaded_by,
            organisation=upload.organisation,
            data=row.given,
            channel=IntakeChannel.BULK,
        )
    except IntakeInvalid as invalid:
        row.problems = invalid.problems
    except (DomainError, ValidationError) as refused:
        row.problems = [FieldProblem("external_id", str(refused))]


def _account(upload: BulkUpload, row: BatchRow, report: _Report, counts: dict[str, int]) -> None:
    """Count the row and report what it needs to say, in the order of the file."""
    result = row.result
    if row.problems or result is None:
        report.add(row.number, row.external_id, row.problems)
        counts["rows_invalid"] += 1
        return
    if not result.created:
        counts["rows_existing"] += 1
        return
    counts["rows_created"] += 1
    if result.sent:
        counts["rows_sent"] += 1
    elif upload.send and result.missing:
        reasons = "; ".join(f"{item.label}: {item.reason}" for item in result.missing)
        report.add(
            row.number,
            row.external_id,
            [
                FieldProblem(
                    "external_id",
                    gettext("Saved as a draft of %(number)s, not sent. Missing: %(missing)s")
                    % {"number": result.referral.number, "missing": reasons},
                )
            ],
            warning=True,
        )
