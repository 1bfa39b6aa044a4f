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
import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
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
from kopir.audit.services import audit_record
from kopir.core.errors import DomainError

logger = logging.getLogger(__name__)


MAX_FILE_BYTES = 20 * 1024 * 1024
# Rows read, checked and written together (and between two progress updates): the reference data
# is read once per batch, and a batch's rows go in with one statement per table.
BATCH_SIZE = 200
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
            upload.full_clean()
            upload.save()
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                target=upload,
                request=request,
                fields=["file"],
            )
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


def bulk_upload_process(*, upload_id: int, batched: bool = True) -> str:
    """Read the file in batches of rows and receive each valid row. Returns the upload's status.

    `batched=False` receives every row through `referral_intake` on its own (the path each
    batch falls back to), for comparison.
    """
    claimed = BulkUpload.objects.filter(pk=upload_id, status=BulkUploadStatus.PENDING).update(
        status=BulkUploadStatus.PROCESSING, started_at=timezone.now()
    )
    if not claimed:
        return ""
    upload = BulkUpload.objects.select_related("organisation", "uploaded_by").get(pk=upload_id)
    report = _Report(upload)
    counts = {
        "rows_processed": 0,
        "rows_created": 0,
        "rows_existing": 0,
        "rows_invalid": 0,
        "rows_sent": 0,
    }
    seen: dict[str, int] = {}
    divisions = DivisionCache()
    status = BulkUploadStatus.DONE
    batch: list[BatchRow] = []

    def receive() -> None:
        _receive(upload, batch, divisions, batched=batched)
        for row in batch:
            _account(upload, row, report, counts)
            counts["rows_processed"] += 1
        batch.clear()
        BulkUpload.objects.filter(pk=upload.pk).update(**counts)

    with _in_uploaders_language(upload):
        try:
            for row_number, row in _rows(upload):
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
            report.add(counts["rows_processed"] + 2, "", [FieldProblem("file", reason)])
            logger.info("bulk upload %s unreadable: %s", upload.pk, type(error).__name__)
        except Exception:
            # Never leave an upload "being processed" for ever: say where it stopped. The rows
            # before were saved, and uploading the file again does not create them twice.
            status = BulkUploadStatus.FAILED
            reason = gettext(
                "Processing stopped unexpectedly here. The rows before were saved; upload the "
                "file again to continue."
            )
            report.add(counts["rows_processed"] + 2, "", [FieldProblem("file", reason)])
            logger.exception("bulk upload %s stopped", upload.pk)
    BulkUpload.objects.filter(pk=upload.pk).update(
        **counts,
        status=status,
        report=report.items,
        report_truncated=report.truncated,
        finished_at=timezone.now(),
    )
    # The rows are in the referrals (or in the report) now; the file, full of personal data, goes.
    upload.file.delete(save=False)
    BulkUpload.objects.filter(pk=upload.pk).update(file="")
    logger.info("bulk upload %s processed: %s", upload.pk, counts)
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
        reason = gettext(
            "This identifier is already in row %(row)s of this file; the row was skipped."
        ) % {"row": seen[external_id]}
        return BatchRow(
            number=row_number,
            external_id=external_id,
            data=None,
            problems=[FieldProblem("external_id", reason)],
        )
    seen[external_id] = row_number
    return BatchRow(number=row_number, external_id=external_id, data=data)


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
