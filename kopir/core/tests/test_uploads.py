"""Every upload is opened the way its reader would open it: first bytes prove nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kopir.core import sample_files
from kopir.core.uploads import (
    MATERIAL_EXTENSIONS,
    check_upload,
    kinds_label,
)


def refusal(name: str, content: bytes, allowed: tuple[str, ...] = MATERIAL_EXTENSIONS) -> str:
    with pytest.raises(ValidationError) as raised:
        check_upload(SimpleUploadedFile(name, content), allowed)
    return str(raised.value.code)


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("scan.pdf", "application/pdf"),
        ("scan.PNG", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("photo.jpeg", "image/jpeg"),
        ("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("report.odt", "application/vnd.oasis.opendocument.text"),
    ],
)
def test_a_real_file_of_each_kind_is_accepted_with_its_media_type(
    name: str, content_type: str
) -> None:
    upload = SimpleUploadedFile(name, sample_files.for_name(name))
    assert check_upload(upload, MATERIAL_EXTENSIONS) == content_type
    assert upload.tell() == 0  # the caller stores it next, from the start


def test_a_pdf_that_goes_on_as_html_is_refused_as_damaged() -> None:
    forged = b"%PDF-1.7\n<html><body><script>document.cookie</script></body></html>"
    assert refusal("report.pdf", forged) == "file_damaged"


def test_a_truncated_pdf_is_refused_as_damaged() -> None:
    whole = sample_files.pdf()
    assert refusal("report.pdf", whole[: len(whole) // 2]) == "file_damaged"


def rezipped_docx(**extra_members: bytes) -> bytes:
    """The sample DOCX written again as a deflated archive, with `extra_members` added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(sample_files.docx())) as real,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for member in real.infolist():
            archive.writestr(member, real.read(member.filename))
        for name, content in extra_members.items():
            archive.writestr(name, content)
    return out.getvalue()


def docx_bomb() -> bytes:
    # A few hundred kilobytes that unpack to 100 MB: the DOCX of the probe.
    return rezipped_docx(**{"word/media/padding.bin": b"\0" * (100 * 1024 * 1024)})


def test_a_docx_that_inflates_past_the_limit_is_refused_before_it_is_unpacked() -> None:
    bomb = docx_bomb()
    assert len(bomb) < 1024 * 1024
    assert refusal("report.docx", bomb) == "file_unpacked_size"


def test_a_zip_whose_directory_understates_its_sizes_is_still_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The directory's sizes are the archive's own claim: reading counts the real bytes.
    monkeypatch.setattr("kopir.core.uploads.MAX_UNPACKED_BYTES", 64 * 1024)
    forged = bytearray(rezipped_docx())
    # Shrink every "uncompressed size" in the central directory to 1 byte.
    position = forged.find(b"PK\x01\x02")
    while position != -1:
        forged[position + 24 : position + 28] = (1).to_bytes(4, "little")
        position = forged.find(b"PK\x01\x02", position + 4)
    assert refusal("report.docx", bytes(forged)) in {"file_unpacked_size", "file_damaged"}


def test_a_zip_that_is_not_a_word_document_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.exe", b"MZ" + b"\0" * 100)
    assert refusal("report.docx", out.getvalue()) == "file_damaged"
    assert refusal("report.odt", sample_files.docx()) == "file_damaged"


def test_a_docx_whose_compressed_data_is_damaged_is_refused_as_damaged() -> None:
    # Found by the property tests: one byte of the first member's data zeroed made zlib raise
    # its own error, which no refusal caught.
    data = bytearray(sample_files.docx())
    data[49] = 0

    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("report.docx", bytes(data)))

    assert error.value.code == "file_damaged"


def test_an_image_that_does_not_decode_is_refused() -> None:
    png = sample_files.png()
    assert refusal("photo.png", png[:40]) == "file_damaged"
    assert refusal("photo.png", sample_files.jpeg()) == "file_content"


def test_an_image_with_more_pixels_than_a_scan_has_is_refused() -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")  # 64 megapixels, a few kilobytes
    assert refusal("photo.png", out.getvalue()) == "file_unpacked_size"


def test_kinds_outside_the_list_are_refused_by_name_with_the_list() -> None:
    with pytest.raises(ValidationError) as raised:
        check_upload(SimpleUploadedFile("letter.jpg", sample_files.jpeg()), (".pdf", ".docx"))
    assert raised.value.code == "file_kind"
    assert raised.value.params == {"kinds": "PDF, DOCX"}
    assert kinds_label(MATERIAL_EXTENSIONS) == "PDF, DOCX, ODT, JPG, PNG"


def test_an_empty_file_is_refused() -> None:
    assert refusal("scan.pdf", b"") == "file_empty"
