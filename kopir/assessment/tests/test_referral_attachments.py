"""Documents attached to a referral: accepted kinds and size, checksum, neutral storage name, and
who may attach them when."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kopir.assessment.models import (
    Attachment,
    DocumentType,
    ReferralStatus,
)
from kopir.assessment.services.referrals import (
    attachment_add,
    referral_send,
)
from kopir.assessment.tests.clinic_fixtures import (
    PDF_BYTES,
    complete_vision_referral,
    days_ago,
    make_referral,
    pdf,
)
from kopir.assessment.tests.helpers import errors_of
from kopir.assessment.workflow import InvalidTransition
from kopir.core import sample_files
from kopir.core.errors import AccessDenied

pytestmark = pytest.mark.usefixtures("icd10", "demo_rules")
S = ReferralStatus


def attach_other(actor, referral, uploaded_file, *, issued_on=None):
    """Attach a document of the kind "other", issued yesterday unless said."""
    return attachment_add(
        actor=actor,
        referral=referral,
        document_type=DocumentType.OTHER,
        issued_on=issued_on or days_ago(1),
        uploaded_file=uploaded_file,
    )


# --- Attachments -----------------------------------------------------------------------------------


def test_a_document_is_stored_with_its_type_size_and_checksum(clinician, person):
    referral = make_referral(clinician, person)
    version = referral.version

    attachment = attachment_add(
        actor=clinician,
        referral=referral,
        document_type=DocumentType.AUDIOGRAM,
        issued_on=days_ago(2),
        uploaded_file=pdf("Сәрсенбаева audiogram.pdf"),
    )

    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    # Stored under its checksum: the uploaded name may carry the person's name.
    assert "Сәрсенбаева" not in attachment.file.name
    assert attachment.file.read() == PDF_BYTES
    referral.refresh_from_db()
    assert referral.version == version + 1


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("virus.exe", b"MZ\x90\x00", "file_kind"),
        ("report.pdf", b"MZ\x90\x00 not a pdf", "file_content"),
        ("scan.png", b"\xff\xd8\xff\xe0 a jpeg", "file_content"),
        # Right first bytes, wrong body: a page that starts like a PDF and goes on as HTML.
        ("report.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "file_damaged"),
        ("scan.png", sample_files.jpeg(), "file_content"),
        ("report.docx", b"PK\x03\x04 not really a zip", "file_damaged"),
    ],
)
def test_a_file_of_the_wrong_kind_is_refused(clinician, person, name, content, code):
    referral = make_referral(clinician, person)

    with pytest.raises(ValidationError) as raised:
        attach_other(clinician, referral, SimpleUploadedFile(name, content))

    assert raised.value.error_dict["file"][0].code == code
    assert not Attachment.objects.exists()


def test_a_file_over_10_mb_is_refused(clinician, person):
    referral = make_referral(clinician, person)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (10 * 1024 * 1024))

    with pytest.raises(ValidationError) as raised:
        attach_other(clinician, referral, big)
    assert raised.value.error_dict["file"][0].code == "file_size"


def test_the_same_file_twice_and_a_future_date_are_refused(clinician, person):
    referral = make_referral(clinician, person)
    attach_other(clinician, referral, pdf())

    with pytest.raises(ValidationError) as raised:
        attach_other(clinician, referral, pdf(), issued_on=days_ago(-1))
    assert set(errors_of(raised)) == {"file", "issued_on"}


def test_documents_cannot_be_added_once_the_referral_is_sent_or_by_another_clinic(
    clinician, person, outsider
):
    referral = make_referral(clinician, person)
    with pytest.raises(AccessDenied):
        attach_other(outsider, referral, pdf())
    complete = complete_vision_referral(clinician, person)
    sent = referral_send(actor=clinician, referral=complete, expected_version=complete.version)
    with pytest.raises(InvalidTransition):
        attach_other(clinician, sent, pdf("more.pdf", b"more"))
