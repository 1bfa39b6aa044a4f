"""Bulk upload: a CSV file of referrals becomes referrals and a per-row report; uploading the same
file (or the same rows) again creates nothing twice."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kopir.accounts.models import Role
from kopir.accounts.tests.factories import UserFactory
from kopir.assessment.models import (
    BulkUpload,
    BulkUploadStatus,
    IntakeChannel,
    Referral,
    ReferralStatus,
)
from kopir.assessment.services.bulk import bulk_upload_process
from kopir.assessment.services.bulk_format import COLUMN_NAMES
from kopir.assessment.tests.clinic_fixtures import days_ago
from kopir.assessment.tests.intake_fixtures import identifying_details
from kopir.core.tests.fixtures import signed_in
from kopir.people.models import Person
from kopir.people.tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("icd10")]
UPLOAD = "assessment:bulk_upload"
VISION = ";".join(
    f"{kind}:{side}:{value}:{days_ago(10).isoformat()}"
    for kind, value in (("visual_acuity", "0.02"), ("visual_field", "5"))
    for side in ("right", "left")
)


def row(person: Person, external_id: str, **values: str) -> dict[str, str]:
    return {
        "external_id": external_id,
        **identifying_details(person),
        "purpose": "primary",
        "route": "in_absentia",
        "primary_code": "H54.0",
        "commission_protocol_number": "ВКК-7",
        "commission_date": days_ago(3).isoformat(),
        "commission_conclusion": "Referred for MSE.",
        "limitations": "orientation:3",
        **values,
    }


def csv_file(
    rows: list[dict[str, str]],
    *,
    delimiter: str = ",",
    header: list[str] | None = None,
    encoding: str = "utf-8",
    name: str = "referrals.csv",
) -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=header or list(COLUMN_NAMES), delimiter=delimiter, extrasaction="ignore"
    )
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), content_type="text/csv")


@pytest.fixture
def people(clinic, district) -> list[Person]:
    return [PersonFactory.create(territory=district) for _ in range(3)]


@pytest.fixture
def clinician_client(client, clinician):
    return signed_in(client, clinician)


def upload(client, file, capture, *, send: bool = False) -> BulkUpload:
    data = {"file": file}
    if send:
        data["send"] = "on"
    with capture(execute=True):
        response = client.post(reverse(UPLOAD), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return BulkUpload.objects.latest("id")


@pytest.mark.usefixtures("immediate_tasks")
def test_valid_rows_are_saved_and_invalid_rows_reported_with_row_column_and_reason(
    clinician_client, people, clinic, django_capture_on_commit_callbacks
):
    rows = [
        row(people[0], "EXT-1"),
        row(people[1], "EXT-2", findings=VISION),
        row(people[2], "EXT-3", primary_code="X99.99", commission_date="31.02.2026"),
    ]

    result = upload(clinician_client, csv_file(rows), django_capture_on_commit_callbacks)

    result.refresh_from_db()
    assert result.status == BulkUploadStatus.DONE
    assert (result.rows_processed, result.rows_created, result.rows_invalid) == (3, 2, 1)
    assert set(Referral.objects.values_list("external_id", flat=True)) == {"EXT-1", "EXT-2"}
    assert Referral.objects.get(external_id="EXT-2").findings.count() == 4
    assert {r.channel for r in Referral.objects.all()} == {IntakeChannel.BULK}
    assert result.report == [
        {
            "row": 4,
            "external_id": "EXT-3",
            "field": "commission_date",
            "reason": result.report[0]["reason"],
        }
    ]
    assert not result.file  # the file with personal data is gone once processed


@pytest.mark.usefixtures("immediate_tasks")
def test_service_errors_name_the_csv_column(
    clinician_client, clinician, people, django_capture_on_commit_callbacks
):
    clinician.preferred_language = "en"  # the report is written in the uploader's language
    clinician.save()
    rows = [
        row(
            people[0],
            "EXT-1",
            primary_code="X99.99",
            findings=f"visual_acuity:right:7:{days_ago(1).isoformat()}",
        )
    ]

    result = upload(clinician_client, csv_file(rows), django_capture_on_commit_callbacks)

    result.refresh_from_db()
    fields = {item["field"] for item in result.report}
    assert {"primary_code", "findings"} <= fields
    findings = [item["reason"] for item in result.report if item["field"] == "findings"]
    assert findings[0].startswith("Item 1: ")


@pytest.mark.usefixtures("immediate_tasks")
def test_uploading_the_same_file_again_creates_no_duplicates(
    clinician_client, people, django_capture_on_commit_callbacks
):
    rows = [row(people[0], "EXT-1"), row(people[1], "EXT-2")]
    upload(clinician_client, csv_file(rows), django_capture_on_commit_callbacks)

    second = upload(clinician_client, csv_file(rows), django_capture_on_commit_callbacks)

    second.refresh_from_db()
    assert (second.rows_created, second.rows_existing, second.rows_invalid) == (0, 2, 0)
    assert Referral.objects.count() == 2
    page = clinician_client.get(reverse("assessment:bulk_detail", args=[second.pk]))
    assert page.context["earlier"] is not None


@pytest.mark.usefixtures("immediate_tasks")
def test_the_same_rows_in_another_file_are_not_created_again(
    clinician_client, people, django_capture_on_commit_callbacks
):
    upload(
        clinician_client,
        csv_file([row(people[0], "EXT-1"), row(people[1], "EXT-2")]),
        django_capture_on_commit_callbacks,
    )

    result = upload(
        clinician_client,
        csv_file(
            [row(people[1], "EXT-2"), row(people[2], "EXT-3"), row(people[0], "EXT-1")],
            delimiter=";",
            name="again.csv",
        ),
        django_capture_on_commit_callbacks,
    )

    result.refresh_from_db()
    assert (result.rows_created, result.rows_existing) == (1, 2)
    assert Referral.objects.count() == 3


@pytest.mark.usefixtures("immediate_tasks")
def test_a_repeated_identifier_within_a_file_is_reported(
    clinician_client, people, django_capture_on_commit_callbacks
):
    result = upload(
        clinician_client,
        csv_file([row(people[0], "EXT-1"), row(people[1], "EXT-1")]),
        django_capture_on_commit_callbacks,
    )

    result.refresh_from_db()
    assert result.rows_created == 1
    assert [(i["row"], i["field"]) for i in result.report] == [(3, "external_id")]


@pytest.mark.usefixtures("immediate_tasks")
def test_semicolons_day_first_dates_and_a_byte_order_mark_are_understood(
    clinician_client, people, django_capture_on_commit_callbacks
):
    rows = [row(people[0], "EXT-1", commission_date=days_ago(3).strftime("%d.%m.%Y"))]
    file = csv_file(rows, delimiter=";", encoding="utf-8-sig")

    result = upload(clinician_client, file, django_capture_on_commit_callbacks)

    result.refresh_from_db()
    assert (result.rows_created, result.report) == (1, [])
    assert Referral.objects.get().commission_date == days_ago(3)


@pytest.mark.usefixtures("immediate_tasks")
def test_a_file_missing_a_required_column_is_refused_as_a_whole(
    clinician_client, people, django_capture_on_commit_callbacks
):
    header = [name for name in COLUMN_NAMES if name != "primary_code"] + ["diagnosis"]

    result = upload(
        clinician_client,
        csv_file([row(people[0], "EXT-1")], header=header),
        django_capture_on_commit_callbacks,
    )

    result.refresh_from_db()
    assert result.status == BulkUploadStatus.FAILED
    assert result.report[0]["row"] == 1
    assert "primary_code" in result.report[0]["reason"]
    assert "diagnosis" in result.report[0]["reason"]
    assert not Referral.objects.exists()


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(clinician_client, people):
    file = csv_file(
        # Names in Russian letters only: cp1251 has no Kazakh letters to write the factory's.
        [
            row(
                people[0],
                "EXT-1",
                last_name="Иванова",
                first_name="Мария",
                commission_conclusion="Направлен на МСЭ",
            )
        ],
        encoding="cp1251",
    )

    response = clinician_client.post(reverse(UPLOAD), {"file": file})

    assert response.status_code == 400
    assert "UTF-8" in " ".join(response.context["form"].errors["file"])
    assert not BulkUpload.objects.exists()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_file_with_a_nul_character_is_refused_naming_it(clinician_client, people, encoding):
    # A NUL in a cell would reach the report the database stores, and PostgreSQL refuses it
    # there; a UTF-16 file (a spreadsheet's "Unicode text") is full of them.
    cells = row(people[0], "EXT-1", commission_conclusion="ДКК\x00 қорытындысы")
    file = csv_file([cells], encoding=encoding)

    response = clinician_client.post(reverse(UPLOAD), {"file": file})

    assert response.status_code == 400
    assert "NUL" in " ".join(response.context["form"].errors["file"])
    assert not BulkUpload.objects.exists()


@pytest.mark.usefixtures("immediate_tasks", "demo_rules")
def test_with_sending_complete_rows_are_sent_and_incomplete_ones_kept_as_drafts_with_a_warning(
    clinician_client, people, django_capture_on_commit_callbacks
):
    # Multiple sclerosis has no rule needing a document; blindness needs an ophthalmologist's
    # report, which a CSV row cannot carry.
    rows = [row(people[0], "EXT-1", primary_code="G35"), row(people[1], "EXT-2", findings=VISION)]

    result = upload(clinician_client, csv_file(rows), django_capture_on_commit_callbacks, send=True)

    result.refresh_from_db()
    assert (result.rows_created, result.rows_sent, result.rows_invalid) == (2, 1, 0)
    assert Referral.objects.get(external_id="EXT-1").status == ReferralStatus.SENT
    assert Referral.objects.get(external_id="EXT-2").status == ReferralStatus.DRAFT
    warnings = [item for item in result.report if item.get("warning")]
    assert [item["external_id"] for item in warnings] == ["EXT-2"]


def test_a_large_file_is_processed_in_the_background_with_a_progress_message(
    clinician_client, clinic, district, django_capture_on_commit_callbacks
):
    persons = PersonFactory.create_batch(60, territory=district)
    rows = [row(person, f"EXT-{index}") for index, person in enumerate(persons)]
    # The default database task backend: the request only stores the file and enqueues.
    with django_capture_on_commit_callbacks(execute=True):
        response = clinician_client.post(reverse(UPLOAD), {"file": csv_file(rows)})
    upload_ = BulkUpload.objects.get()
    assert response.status_code == 302
    assert upload_.status == BulkUploadStatus.PENDING
    page = clinician_client.get(reverse("assessment:bulk_detail", args=[upload_.pk]))
    assert 'role="status"' in page.content.decode()
    assert 'hx-trigger="every 5s"' in page.content.decode()

    bulk_upload_process(upload_id=upload_.pk)

    upload_.refresh_from_db()
    assert (upload_.status, upload_.rows_created) == (BulkUploadStatus.DONE, 60)
    fragment = clinician_client.get(
        reverse("assessment:bulk_detail", args=[upload_.pk]), HTTP_HX_REQUEST="true"
    )
    assert fragment["HX-Refresh"] == "true"


def test_the_template_file_has_the_documented_header(clinician_client):
    response = clinician_client.get(reverse("assessment:bulk_template"))

    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert text[1:].splitlines()[0].split(",") == list(COLUMN_NAMES)


def test_the_upload_page_documents_every_column(clinician_client):
    response = clinician_client.get(reverse(UPLOAD))

    assert response.status_code == 200
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in response.content.decode()


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    assert reverse("accounts:login") in client.get(reverse(UPLOAD))["Location"]


def test_a_role_that_does_not_refer_may_not_upload(client, clinic):
    officer = UserFactory.create(organisation=clinic, roles=[Role.AGENCY_OFFICER])
    client.force_login(officer)

    assert client.get(reverse(UPLOAD)).status_code == 403
    assert client.get(reverse("assessment:bulk_template")).status_code == 403


@pytest.mark.usefixtures("immediate_tasks")
def test_another_clinic_neither_lists_nor_opens_the_upload(
    client, clinician, outsider, people, django_capture_on_commit_callbacks
):
    client.force_login(clinician)
    mine = upload(client, csv_file([row(people[0], "EXT-1")]), django_capture_on_commit_callbacks)
    client.force_login(outsider)

    assert client.get(reverse("assessment:bulk_detail", args=[mine.pk])).status_code == 404
    assert mine.file_name not in client.get(reverse(UPLOAD)).content.decode()


def test_the_upload_list_and_report_cost_the_same_queries_however_many_rows(
    clinician_client, clinic, clinician, django_assert_max_num_queries
):
    for index in range(30):
        BulkUpload.objects.create(
            organisation=clinic,
            uploaded_by=clinician,
            file_name=f"f{index}.csv",
            file_sha256=f"{index:064d}",
            size=1,
            status=BulkUploadStatus.DONE,
            report=[
                {"row": n, "external_id": f"E{n}", "field": "iin", "reason": "bad"}
                for n in range(2, 300)
            ],
        )
    last = BulkUpload.objects.latest("id")

    with django_assert_max_num_queries(12):
        assert clinician_client.get(reverse(UPLOAD)).status_code == 200
    with django_assert_max_num_queries(12):
        page = clinician_client.get(reverse("assessment:bulk_detail", args=[last.pk]))
    assert len(page.context["page_obj"].object_list) == 100


def test_the_demo_bulk_upload_is_processed_once_with_its_report(
    clinic, district, settings, tmp_path
):
    from kopir.assessment.demo import bulk_upload as demo_intake
    from kopir.people.models import LinkBasis
    from kopir.people.tests.factories import PersonLinkFactory

    clinic.code = demo_intake.CLINIC
    clinic.save()
    UserFactory.create(username=demo_intake.UPLOADER, organisation=clinic, roles=[Role.CLINICIAN])
    for person in PersonFactory.create_batch(5, territory=district):
        PersonLinkFactory.create(person=person, organisation=clinic, basis=LinkBasis.ATTACHED)

    first = demo_intake.load()
    second = demo_intake.load()

    upload = BulkUpload.objects.get()
    assert (upload.rows_created, upload.rows_invalid) == (3, 2), upload.report
    assert {item["field"] for item in upload.report} == {"iin", "primary_code"}
    assert "already loaded" in second
    assert first != second
    assert Referral.objects.count() == 3
