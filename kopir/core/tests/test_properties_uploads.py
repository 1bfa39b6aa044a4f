"""Property tests of uploaded files' checks: any bytes under any accepted extension are either
accepted or refused with a ValidationError that has a code, never another exception."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st

from kopir.core import sample_files
from kopir.core.uploads import KINDS, MATERIAL_EXTENSIONS, check_upload

PROPERTY = settings(max_examples=200, deadline=None)
EXTENSIONS = sorted(KINDS)
CODES = {
    "file_kind",
    "file_size",
    "file_empty",
    "file_content",
    "file_damaged",
    "file_unpacked_size",
}


def checked(name: str, data: bytes) -> None:
    upload = SimpleUploadedFile(name, data)
    try:
        content_type = check_upload(upload, MATERIAL_EXTENSIONS)
    except ValidationError as error:
        refusal = error
    else:
        assert content_type == KINDS[name[name.rindex(".") :]].content_type
        return
    assert {e.code for e in refusal.error_list} <= CODES
    assert refusal.messages


@PROPERTY
@given(extension=st.sampled_from(EXTENSIONS), data=st.binary(max_size=2048))
def test_arbitrary_bytes_are_accepted_or_refused_with_a_code(extension: str, data: bytes) -> None:
    checked(f"document{extension}", data)


@PROPERTY
@given(
    extension=st.sampled_from(EXTENSIONS),
    tail=st.binary(max_size=2048),
)
def test_bytes_behind_a_valid_signature_are_accepted_or_refused_with_a_code(
    extension: str, tail: bytes
) -> None:
    # The signature gets the bytes past the first check, into the kind's own reader.
    checked(f"document{extension}", KINDS[extension].signatures[0] + tail)


@PROPERTY
@given(
    extension=st.sampled_from(EXTENSIONS),
    data=st.data(),
)
def test_a_damaged_sample_file_is_accepted_or_refused_with_a_code(
    extension: str, data: st.DataObject
) -> None:
    original = bytearray(sample_files.for_name(f"sample{extension}"))
    for _ in range(data.draw(st.integers(min_value=1, max_value=8))):
        position = data.draw(st.integers(min_value=0, max_value=len(original) - 1))
        original[position] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=1, max_value=len(original)))
    checked(f"document{extension}", bytes(original[:cut]))
