"""Small, valid files of every kind Kopir accepts, for tests and the demo.

They pass every check in `core.uploads` because they are made by the same libraries that read
them; a fake made of a signature and filler would not.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import cache


@cache
def pdf(text: str = "") -> bytes:
    """A one-page PDF; `text`, if any, is kept in the document's title (no font needed)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4 in points
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@cache
def _image(image_format: str) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 200, 200)).save(out, format=image_format)
    return out.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")


@cache
def docx(text: str = "Synthetic document") -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@cache
def odt(text: str = "Synthetic document") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # ODF requires the media type first and stored uncompressed.
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
            "</office:document-content>",
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/"'
            ' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
    return out.getvalue()


def for_name(name: str) -> bytes:
    """A valid file for a file name's extension."""
    extension = name.rsplit(".", 1)[-1].lower()
    makers: dict[str, Callable[[], bytes]] = {
        "pdf": pdf,
        "png": png,
        "jpg": jpeg,
        "jpeg": jpeg,
        "docx": docx,
        "odt": odt,
    }
    return makers[extension]()
