"""Uploaded files: which kinds Kopir accepts, how large, whether they are what they claim, and
their checksum. One set of checks for every upload (referral documents, council materials,
evidence, letters, visit photos).

A file's name proves nothing and neither do its first bytes: a file that starts `%PDF-` and goes
on as HTML, or a DOCX that inflates to gigabytes, passes a signature check. So each kind is opened
the way its reader would open it: a PDF must parse and have a page, a DOCX or ODT must be a bounded
ZIP whose parts are the ones such a document has, an image must decode within a pixel limit. Every
refusal is a ValidationError whose message tells the person what to do.
"""

from __future__ import annotations

import hashlib
import io
import logging
import lzma
import warnings
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024
# What a document may unpack to, and how many parts it may have: a real 10 MB DOCX unpacks to a
# few tens of MB; a "zip bomb" unpacks to gigabytes from a few kilobytes.
MAX_UNPACKED_BYTES: Final = 50 * 1024 * 1024
MAX_ZIP_MEMBERS: Final = 2_000
# Scans of A4 pages at 300 dpi are about 9 megapixels; a decompression bomb is hundreds.
MAX_IMAGE_PIXELS: Final = 40_000_000


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    signatures: tuple[bytes, ...]
    check_structure: Callable[[bytes], None]


class _Unreadable(Exception):
    """The file's structure is not that of its kind."""


class _TooLarge(Exception):
    """The file unpacks to more than MAX_UNPACKED_BYTES."""


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader

    # pypdf reports recoverable faults through logging and warnings; real-world PDFs have many,
    # and what matters here is only whether the document opens and has a page.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if len(reader.pages) < 1:
                raise _Unreadable
    except _Unreadable:
        raise
    except Exception as error:  # pypdf raises many kinds for a broken file
        raise _Unreadable from error


def _open_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise _Unreadable from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise _TooLarge
    # The sizes in the directory are the archive's own claim; reading checks them below.
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES:
        raise _TooLarge
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, budget: list[int]) -> bytes:
    """A member's bytes, counted against what the whole file may unpack to, whatever its
    directory claims."""
    try:
        with archive.open(name) as member:
            chunks = []
            while chunk := member.read(65536):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise _TooLarge
                chunks.append(chunk)
            return b"".join(chunks)
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        RuntimeError,
        EOFError,  # compressed data that ends early
        NotImplementedError,  # a compression method zipfile does not know
        zlib.error,  # damaged deflated data
        lzma.LZMAError,
    ) as error:
        raise _Unreadable from error


def _check_every_member(archive: zipfile.ZipFile) -> None:
    budget = [MAX_UNPACKED_BYTES]
    for member in archive.infolist():
        _read_member(archive, member.filename, budget)


def _check_docx(data: bytes) -> None:
    archive = _open_zip(data)
    names = set(archive.namelist())
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise _Unreadable
    content_types = _read_member(archive, "[Content_Types].xml", [MAX_UNPACKED_BYTES])
    if b"wordprocessingml" not in content_types:
        raise _Unreadable
    _check_every_member(archive)


def _check_odt(data: bytes) -> None:
    archive = _open_zip(data)
    names = set(archive.namelist())
    if "mimetype" not in names or "content.xml" not in names:
        raise _Unreadable
    mimetype = _read_member(archive, "mimetype", [MAX_UNPACKED_BYTES]).strip()
    if mimetype != b"application/vnd.oasis.opendocument.text":
        raise _Unreadable
    _check_every_member(archive)


def _check_image(expected_format: str) -> Callable[[bytes], None]:
    def check(data: bytes) -> None:
        from PIL import Image

        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected_format:
                    raise _Unreadable
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise _TooLarge
                image.load()  # decodes every pixel: a truncated or forged body fails here
        except (_Unreadable, _TooLarge):
            raise
        except Exception as error:  # Pillow raises many kinds, bomb warnings included
            raise _Unreadable from error

    return check


_DOCX = FileKind(
    "DOCX",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    (b"PK\x03\x04",),
    _check_docx,
)
_JPEG = FileKind("JPG", "image/jpeg", (b"\xff\xd8\xff",), _check_image("JPEG"))
KINDS: Final[dict[str, FileKind]] = {
    ".pdf": FileKind("PDF", "application/pdf", (b"%PDF-",), _check_pdf),
    ".docx": _DOCX,
    ".odt": FileKind(
        "ODT", "application/vnd.oasis.opendocument.text", (b"PK\x03\x04",), _check_odt
    ),
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": FileKind("PNG", "image/png", (b"\x89PNG\r\n\x1a\n",), _check_image("PNG")),
}
# Documents and their scans or photos (referral documents, evidence, visit photos).
DOCUMENT_EXTENSIONS: Final = (".pdf", ".jpg", ".jpeg", ".png", ".docx")
# Texts to print and sign, such as letters: no photographs.
TEXT_DOCUMENT_EXTENSIONS: Final = (".pdf", ".docx")
# Meeting materials, which members also write in LibreOffice.
MATERIAL_EXTENSIONS: Final = (".pdf", ".docx", ".odt", ".jpg", ".jpeg", ".png")
IMAGE_EXTENSIONS: Final = (".jpg", ".jpeg", ".png")


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def kinds_label(allowed: tuple[str, ...]) -> str:
    """ "PDF, JPG, PNG, DOCX": each kind once, in the order given."""
    return ", ".join(dict.fromkeys(KINDS[extension].label for extension in allowed))


def is_image(name: str) -> bool:
    return extension_of(name) in IMAGE_EXTENSIONS


def stored_name(field: Any) -> str:
    """A stored file's own name, without the folders storage keeps it in ("" when none is kept):
    what its download is called and what a page or an API names it by."""
    return str(field.name or "").rsplit("/", 1)[-1]


def content_type_for(name: str) -> str:
    kind = KINDS.get(extension_of(name))
    return kind.content_type if kind else "application/octet-stream"


def _read_all(upload: Any) -> bytes:
    upload.seek(0)
    chunks = upload.chunks() if hasattr(upload, "chunks") else [upload.read()]
    data = b"".join(chunks)
    upload.seek(0)
    return data


def check_upload(upload: Any, allowed: tuple[str, ...] = DOCUMENT_EXTENSIONS) -> str:
    """The file's media type, or a ValidationError saying what is wrong with it and what to do.

    Codes: file_kind (not an accepted kind), file_size, file_empty, file_content (the first bytes
    are not of its kind), file_damaged (it does not open as its kind), file_unpacked_size.
    """
    extension = extension_of(getattr(upload, "name", ""))
    if extension not in allowed or extension not in KINDS:
        raise ValidationError(
            _("Choose a file of one of these kinds: %(kinds)s."),
            code="file_kind",
            params={"kinds": kinds_label(allowed)},
        )
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; it must be at most %(limit)s."),
            code="file_size",
            params={"size": filesizeformat(size), "limit": filesizeformat(MAX_UPLOAD_BYTES)},
        )
    if size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    kind = KINDS[extension]
    data = _read_all(upload)
    if not any(data.startswith(signature) for signature in kind.signatures):
        raise ValidationError(
            _("The file's contents are not a %(kind)s file. Check that you chose the right file."),
            code="file_content",
            params={"kind": kind.label},
        )
    try:
        kind.check_structure(data)
    except _TooLarge as error:
        raise ValidationError(
            _(
                "The file unpacks to more than %(limit)s, more than a document of this kind "
                "holds. Save it again, or send the pages as a PDF."
            ),
            code="file_unpacked_size",
            params={"limit": filesizeformat(MAX_UNPACKED_BYTES)},
        ) from error
    except _Unreadable as error:
        raise ValidationError(
            _(
                "The file could not be opened as a %(kind)s file: it is damaged or is another "
                "kind of file. Open it on your computer, save it again as %(kind)s and attach "
                "the new copy."
            ),
            code="file_damaged",
            params={"kind": kind.label},
        ) from error
    return kind.content_type


def sha256_of(upload: Any) -> str:
    """The file's SHA-256, so anyone can later show that a file is the one that was uploaded."""
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
