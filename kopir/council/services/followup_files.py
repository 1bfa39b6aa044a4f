"""Files the council keeps as evidence (answers, visit photos, letters): which kinds are accepted,
how large, and their checksum.

The type is decided by the file's first bytes as well as its name: a renamed executable is not a
PDF. The SHA-256 checksum is stored with the record so anyone can later show the file is the one
that was uploaded.
"""

from __future__ import annotations

import hashlib
from pathlib import PurePath
from typing import Any, Final

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES: Final = 10 * 1024 * 1024

# Extension → the bytes such a file starts with. DOCX is a ZIP container.
SIGNATURES: Final[dict[str, tuple[bytes, ...]]] = {
    ".pdf": (b"%PDF-",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
EVIDENCE_EXTENSIONS: Final = (".pdf", ".docx", ".jpg", ".jpeg", ".png")
LETTER_EXTENSIONS: Final = (".pdf", ".docx")
IMAGE_EXTENSIONS: Final = (".jpg", ".jpeg", ".png")

CONTENT_TYPES: Final[dict[str, str]] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower()


def check_upload(upload: Any, allowed: tuple[str, ...] = EVIDENCE_EXTENSIONS) -> None:
    """Refuse a file of the wrong kind or over the size limit, with a message for the user."""
    extension = extension_of(upload.name)
    if extension not in allowed:
        raise ValidationError(
            _("Choose a file of one of these kinds: %(kinds)s."),
            code="file_kind",
            params={"kinds": ", ".join(kind.lstrip(".").upper() for kind in allowed)},
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is %(size)s; it must be at most %(limit)s."),
            code="file_size",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_UPLOAD_BYTES),
            },
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(
            _("The file's contents are not a %(kind)s file. Check that you chose the right file."),
            code="file_content",
            params={"kind": extension.lstrip(".").upper()},
        )


def sha256_of(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(extension_of(name), "application/octet-stream")


def is_image(name: str) -> bool:
    return extension_of(name) in IMAGE_EXTENSIONS
