"""Bulk files received a batch at a time: the same referrals, reports and records as one row at a
time, every completeness check still applied, and a cost in queries that does not grow with the
number of rows."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import BulkUpload, BulkUploadStatus, Referral, ReferralStatus
from kopir.assessment.services import bulk, bulk_batch
from kopir.assessment.services.bulk import (
    bulk_upload_create,
    bulk_upload_process,
    bulk_upload_process_part,
)
from kopir.assessment.services.completeness import completeness_check
from kopir.assessment.tests.clinic_fixtures import days_ago, make_referral
from kopir.assessment.tests.test_bulk_upload import VISION, csv_file, row
from kopir.audit.models import AuditEvent
from kopir.core.bulk import COPY_FROM, insert_instances
from kopir.core.identifiers import make_iin
from kopir.core.tests.concurrency import ON_POSTGRESQL, run_at_once
from kopir.exchange.models import OutboxEvent
from kopir.notices.models import Notice
from kopir.people.models import Person, PersonLink
from kopir.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10", "demo_rules")]


def _uploaded(actor: Any, rows: list[dict[str, str]], *, send: bool = True) -> BulkUpload:
    return bulk_upload_create(actor=actor, uploaded_file=csv_file(rows), send=send)


def _registered(district: Any) -> list[Person]:
    """The persons `_mixed_rows` writes rows for, in the registry: four adults, then a child of
    ten."""
    persons = [PersonFactory.create(territory=district) for _ in range(4)]
    persons.append(PersonFactory.create(territory=district, birth_date=days_ago(365 * 10)))
    return persons


def _newcomer(district: Any) -> dict[str, str]:
    """A person the file's "R-new-person" row registers: not in the registry yet."""
    return {
        "iin": make_iin(dt.date(1986, 2, 2), "male", 7),
        "last_name": "Newcomer",
        "first_name": "Arman",
        "birth_date": "1986-02-02",
        "sex": "male",
        "territory_kato": district.kato,
    }


def _mixed_rows(persons: list[Person], new_person: dict[str, str]) -> list[dict[str, str]]:
    """A file with a row of every kind: complete, incomplete in each way the rules look at,
    a person to register, and rows refused for a reason each."""
    first, second, third, fourth, child = persons
    wrong_iin = first.iin[:11] + str((int(first.iin[11]) + 1) % 10)
    old = days_ago(200).isoformat()
    return [
        row(first, "R-complete", primary_code="G35"),  # no nosology rule: sent
        row(second, "R-vision", findings=VISION),  # lacks the ophthalmologist's report
        row(third, "R-no-findings"),  # lacks acuity and field, per eye, and the report
        row(fourth, "R-no-conclusion", commission_conclusion="", primary_code="D10.0"),
        row(child, "R-old", primary_code="E10.9", findings=f"hba1c::7.5:{old}"),  # too old
        {**row(first, "R-new-person"), **new_person},
        row(first, "R-bad-iin", iin=wrong_iin),
        row(second, "R-bad-code", primary_code="H54"),
        row(third, "R-bad-name", last_name="Someone-Else"),
        row(fourth, "R-vision", findings=VISION),  # the same external id again
        row(first, "R-no-limitations", limitations="", primary_code="G35"),
    ]


def _outcome(upload: BulkUpload) -> dict[str, Any]:
    """What the upload left, with the referral numbers (drawn in another order) left out."""
    upload.refresh_from_db()
    clinic_label = str(upload.organisation.short_name)
    referrals = {}
    for referral in Referral.objects.filter(medical_organisation=upload.organisation):
        referrals[referral.external_id] = {
            "person": referral.person.iin,
            "status": referral.status,
            "version": referral.version,
            "division": referral.mse_division_id,
            "purpose": referral.purpose,
            "route": referral.route,
            "primary": referral.primary_diagnosis.code,
            "step_due_on": referral.step_due_on,
            "texts": (
                referral.commission_protocol_number,
                referral.commission_conclusion,
                referral.commission_date,
            ),
            "secondary": list(referral.secondary_diagnoses.values_list("code__code", "position")),
            "findings": sorted(
                referral.findings.values_list("kind", "side", "value", "unit", "measured_on")
            ),
            "limitations": sorted(referral.limitations.values_list("category", "degree")),
            "events": [
                (source, target, label == clinic_label, due)
                for source, target, label, due in referral.events.order_by("id").values_list(
                    "from_status", "to_status", "actor_label", "step_due_on"
                )
            ],
            "audit": list(
                AuditEvent.objects.filter(
                    target_type="assessment.referral", target_id=str(referral.pk)
                )
                .order_by("id")
                .values_list("action", "channel", "fields", "detail")
            ),
            "notices": Notice.objects.filter(person=referral.person).count() > 0,
            "outbox": OutboxEvent.objects.filter(
                subject=f"assessment.referral:{referral.number}"
            ).count(),
        }
    numbers = re.compile(r"MSE-\d{4}-\d{6}")
    report = [{**item, "reason": numbers.sub("MSE-…", item["reason"])} for item in upload.report]
    counts = {
        name: getattr(upload, name)
        for name in (
            "rows_processed",
            "rows_created",
            "rows_existing",
            "rows_invalid",
            "rows_sent",
        )
    }
    return {"referrals": referrals, "report": report, "counts": counts}


def test_a_file_gives_the_same_referrals_reports_and_records_in_batches_as_one_by_one(
    clinician, clinic, other_clinic, district
):
    other_clinician = UserFactory.create(organisation=other_clinic, roles=[Role.CLINICIAN])
    rows = _mixed_rows(_registered(district), _newcomer(district))

    one_by_one = _uploaded(clinician, rows)
    bulk_upload_process(upload_id=one_by_one.pk, batched=False)
    batched = _uploaded(other_clinician, rows)
    bulk_upload_process(upload_id=batched.pk)

    expected, got = _outcome(one_by_one), _outcome(batched)
    assert got["counts"] == expected["counts"]
    assert got["counts"]["rows_created"] == 7
    assert got["counts"]["rows_sent"] == 1
    assert got["report"] == expected["report"]
    assert set(got["referrals"]) == set(expected["referrals"])
    for external_id, referral in expected["referrals"].items():
        for name, value in referral.items():
            assert (external_id, name, got["referrals"][external_id][name]) == (
                external_id,
                name,
                value,
            )
    assert got["referrals"]["R-complete"]["status"] == ReferralStatus.SENT
    assert got["referrals"]["R-complete"]["outbox"] == 1
    # The five persons, and the one the first run registered (known to the second).
    assert PersonLink.objects.filter(organisation=other_clinic).count() == 6


def test_every_completeness_check_fires_in_a_batch_as_the_stored_referral_is_checked(
    clinician, clinic, district
):
    persons = _registered(district)
    rows = _mixed_rows(persons, {})[:5] + _mixed_rows(persons, {})[-1:]
    clinician.preferred_language = "en"  # the report speaks the uploader's language
    clinician.save()
    upload = _uploaded(clinician, rows)

    bulk_upload_process(upload_id=upload.pk)

    upload.refresh_from_db()
    warned = {item["external_id"]: item["reason"] for item in upload.report}
    drafts = Referral.objects.filter(status=ReferralStatus.DRAFT)
    assert set(drafts.values_list("external_id", flat=True)) == set(warned)
    assert set(warned) == {
        "R-vision",
        "R-no-findings",
        "R-no-conclusion",
        "R-old",
        "R-no-limitations",
    }
    for referral in drafts:
        missing = completeness_check(referral)
        assert missing, referral.external_id
        for item in missing:
            assert f"{item.label}: {item.reason}" in warned[referral.external_id]
    kinds = {
        (item.kind, item.reason_code)
        for referral in drafts
        for item in completeness_check(referral)
    }
    assert kinds == {
        ("finding", "missing"),
        ("finding", "too_old"),
        ("document", "missing"),
        ("field", "missing"),
    }


def _clean_rows(district: Any, count: int, prefix: str) -> list[dict[str, str]]:
    return [
        row(PersonFactory.create(territory=district), f"{prefix}-{index}", findings=VISION)
        for index in range(count)
    ]


def _queries_to_process(upload: BulkUpload) -> int:
    with CaptureQueriesContext(connection) as queries:
        bulk_upload_process(upload_id=upload.pk)
    return len(queries)


def test_a_batch_costs_the_same_queries_for_ten_rows_as_for_a_hundred(clinician, clinic, district):
    ten = _uploaded(clinician, _clean_rows(district, 10, "T"))
    hundred = _uploaded(clinician, _clean_rows(district, 100, "H"))

    for_ten = _queries_to_process(ten)
    for_hundred = _queries_to_process(hundred)

    assert Referral.objects.count() == 110
    # One statement per table and batch; a table of more rows may take a second statement
    # (SQLite's limit on parameters; on PostgreSQL, ids drawn before a COPY).
    assert for_hundred <= for_ten + 8
    # Measured 2026-12-06 on SQLite: 34 for ten rows, 37 for a hundred (the file, the batch's
    # reads and writes, the progress and the report).
    assert for_hundred <= 40


def test_a_batch_the_database_refuses_goes_one_by_one_and_loses_nothing(
    clinician, clinic, district, monkeypatch
):
    rows = _clean_rows(district, 5, "F")
    upload = _uploaded(clinician, rows)
    real_insert = bulk_batch.insert_instances
    calls: list[str] = []

    def refuse_referrals_once(model: Any, instances: list[Any]) -> list[Any]:
        if model is Referral and not calls:
            calls.append("refused")
            raise DatabaseError("another worker received one of these external ids first")
        return real_insert(model, instances)

    monkeypatch.setattr(bulk_batch, "insert_instances", refuse_referrals_once)

    bulk_upload_process(upload_id=upload.pk)

    upload.refresh_from_db()
    assert calls == ["refused"]
    assert upload.rows_created == 5
    assert Referral.objects.count() == 5
    numbers = set(Referral.objects.values_list("number", flat=True))
    assert len(numbers) == 5
    # Nothing of the refused batch stayed: one creation record per referral.
    assert (
        AuditEvent.objects.filter(target_type="assessment.referral", action="create").count() == 5
    )


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committing_db")
def test_two_workers_on_files_that_share_rows_create_each_referral_once(
    clinician, clinic, district
):
    rows = _clean_rows(district, 60, "W")
    # The second file repeats half of the first: two workers receive the same rows at once.
    uploads = [_uploaded(clinician, rows[:40]), _uploaded(clinician, rows[20:])]

    results = run_at_once(lambda index: bulk_upload_process(upload_id=uploads[index].pk), 2)

    assert results == [BulkUploadStatus.DONE, BulkUploadStatus.DONE]
    assert Referral.objects.count() == 60
    assert Referral.objects.values("external_id").distinct().count() == 60
    assert Referral.objects.values("number").distinct().count() == 60
    done = BulkUpload.objects.filter(pk__in=[upload.pk for upload in uploads])
    assert sum(done.values_list("rows_created", flat=True)) == 60
    assert sum(done.values_list("rows_existing", flat=True)) == 20
    assert sum(done.values_list("rows_invalid", flat=True)) == 0
    assert (
        AuditEvent.objects.filter(target_type="assessment.referral", action="create").count() == 60
    )


@ON_POSTGRESQL
def test_a_copy_the_database_refuses_raises_djangos_error(clinician, person, division):
    stored = make_referral(clinician, person)
    copies = [
        Referral(
            number=stored.number,  # taken: the unique index refuses the COPY
            person=person,
            medical_organisation=stored.medical_organisation,
            mse_division=division,
            purpose=stored.purpose,
            route=stored.route,
            primary_diagnosis=stored.primary_diagnosis,
        )
        for _ in range(COPY_FROM)
    ]

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_instances(Referral, copies)


def test_a_long_file_in_parts_gives_the_report_and_referrals_of_one_worker(
    clinician, clinic, other_clinic, district, monkeypatch
):
    other_clinician = UserFactory.create(organisation=other_clinic, roles=[Role.CLINICIAN])
    rows = _mixed_rows(_registered(district), _newcomer(district))
    monkeypatch.setattr(bulk, "PART_ROWS", 4)  # 11 rows: parts of rows 0-3, 4-7 and 8-10

    whole = _uploaded(clinician, rows)
    assert bulk_upload_process(upload_id=whole.pk, parts=False) == BulkUploadStatus.DONE
    in_parts = _uploaded(other_clinician, rows)
    assert bulk_upload_process(upload_id=in_parts.pk) == BulkUploadStatus.PROCESSING
    in_parts.refresh_from_db()
    assert [(part["first"], part["end"]) for part in in_parts.parts] == [(0, 4), (4, 8), (8, 11)]
    # "R-vision" comes back in row 11 (the third part) after row 3 (the first).
    assert in_parts.duplicates == {"11": 3}
    # The workers end in any order; the last one writes the report.
    assert [bulk_upload_process_part(upload_id=in_parts.pk, index=i) for i in (2, 0, 1)] == [
        BulkUploadStatus.DONE
    ] * 3

    expected, got = _outcome(whole), _outcome(in_parts)
    assert got["counts"] == expected["counts"]
    assert got["counts"]["rows_processed"] == 11
    assert got["report"] == expected["report"]
    assert got["referrals"] == expected["referrals"]
    in_parts.refresh_from_db()
    assert in_parts.status == BulkUploadStatus.DONE
    assert not in_parts.file
    assert all(set(part) == {"first", "end"} for part in in_parts.parts)


def test_a_file_no_longer_than_a_part_is_received_by_one_worker(clinician, district, monkeypatch):
    monkeypatch.setattr(bulk, "PART_ROWS", 5)
    upload = _uploaded(clinician, _clean_rows(district, 5, "P"))

    assert bulk_upload_process(upload_id=upload.pk) == BulkUploadStatus.DONE

    upload.refresh_from_db()
    assert (upload.parts, upload.rows_created) == ([], 5)


@ON_POSTGRESQL
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("committing_db")
def test_workers_on_the_parts_of_one_file_at_once_create_each_referral_once(
    clinician, clinic, district, monkeypatch
):
    monkeypatch.setattr(bulk, "PART_ROWS", 20)
    rows = _clean_rows(district, 60, "M")
    upload = _uploaded(clinician, rows + rows[:5])  # five rows again at the end

    assert bulk_upload_process(upload_id=upload.pk) == BulkUploadStatus.PROCESSING
    run_at_once(lambda index: bulk_upload_process_part(upload_id=upload.pk, index=index), 4)

    upload.refresh_from_db()
    assert upload.status == BulkUploadStatus.DONE
    assert (upload.rows_processed, upload.rows_created, upload.rows_invalid) == (65, 60, 5)
    # In the order of the file whatever part ended first: a draft's warning for each of rows
    # 2-61 (H54.0 without the ophthalmologist's report), then the five repeated rows.
    assert [item["row"] for item in upload.report] == list(range(2, 67))
    assert [item["row"] for item in upload.report if not item.get("warning")] == [
        62,
        63,
        64,
        65,
        66,
    ]
    assert Referral.objects.values("external_id").distinct().count() == 60
