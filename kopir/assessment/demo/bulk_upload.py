"""The intake demo: one bulk file from Polyclinic No. 1, processed by the real services, so the
upload page shows a report — three rows received, two refused with the column and the reason.

Idempotent: the demo file is recognised by its name in the clinic's uploads; once it is there,
nothing changes. Its rows are keyed by external id like every bulk row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kopir.accounts.models import User
from kopir.assessment.models import BulkUpload
from kopir.assessment.services.bulk import bulk_upload_create, bulk_upload_process
from kopir.assessment.services.bulk_format import COLUMN_NAMES
from kopir.people.models import Person

CLINIC = "oral-polyclinic-1"
UPLOADER = "clinician"
FILE_NAME = "demo-referrals-oral-polyclinic-1.csv"


def identity_columns(person: Person) -> dict[str, str]:
    """The columns that name a person in every row (a registered one must match the registry)."""
    return {
        "iin": person.iin,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "territory_kato": person.territory.kato,
    }


def _rows(persons: list[Person]) -> list[dict[str, str]]:
    today = timezone.localdate()
    tested = (today - dt.timedelta(days=12)).isoformat()
    commission = (today - dt.timedelta(days=4)).isoformat()
    common = {
        "purpose": "primary",
        "route": "in_absentia",
        "commission_protocol_number": "ВКК-204",
        "commission_date": commission,
        "commission_conclusion": "Referred for MSE after the commission's review.",
    }
    vision = ";".join(
        f"{kind}:{side}:{value}:{tested}"
        for kind, value in (("visual_acuity", "0.03"), ("visual_field", "8"))
        for side in ("right", "left")
    )
    hearing = ";".join(f"hearing_threshold:{side}:85:{tested}" for side in ("right", "left"))
    return [
        {
            **common,
            "external_id": "DEMO-BULK-001",
            **identity_columns(persons[0]),
            "primary_code": "H54.0",
            "findings": vision,
            "limitations": "orientation:2",
        },
        {
            **common,
            "external_id": "DEMO-BULK-002",
            **identity_columns(persons[1]),
            "primary_code": "H90.3",
            "findings": hearing,
            "limitations": "communication:2",
        },
        {
            **common,
            "external_id": "DEMO-BULK-003",
            **identity_columns(persons[2]),
            "primary_code": "C50.9",
            "limitations": "work:2",
            "route": "in_person",
        },
        # Refused: a typo in the IIN (the check digit), and a diagnosis written as a group.
        {
            **common,
            "external_id": "DEMO-BULK-004",
            **identity_columns(persons[3]),
            "iin": persons[3].iin[:11] + str((int(persons[3].iin[11]) + 1) % 10),
            "primary_code": "H54.0",
        },
        {
            **common,
            "external_id": "DEMO-BULK-005",
            **identity_columns(persons[4]),
            "primary_code": "H54",
            "findings": f"visual_acuity:right:0.05:{tested}",
        },
    ]


def load() -> str:
    uploader = User.objects.filter(username=UPLOADER, organisation__code=CLINIC).first()
    if uploader is None:
        return "intake: no demo clinician, nothing loaded"
    if BulkUpload.objects.filter(organisation=uploader.organisation, file_name=FILE_NAME).exists():
        return "intake: demo bulk upload already loaded"
    persons = list(
        Person.objects.filter(links__organisation=uploader.organisation)
        .distinct()
        .order_by("iin")[:5]
    )
    if len(persons) < 5:
        return "intake: too few persons at the demo clinic, nothing loaded"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMN_NAMES), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(_rows(persons))
    upload = bulk_upload_create(
        actor=uploader,
        uploaded_file=SimpleUploadedFile(FILE_NAME, buffer.getvalue().encode(), "text/csv"),
        send=False,
    )
    # Processed here, not by the worker: the demo is complete as soon as it is loaded.
    bulk_upload_process(upload_id=upload.pk)
    upload.refresh_from_db()
    return (
        f"intake: demo bulk upload ({upload.rows_created} referrals created, "
        f"{upload.rows_invalid} rows refused)"
    )
