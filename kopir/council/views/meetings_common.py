"""Small helpers the council's views share."""

from __future__ import annotations

from django.contrib import messages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from kopir.core.errors import DomainError
from kopir.core.uploads import content_type_for, is_image


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show a domain refusal (a rule said no) as a message on the next page."""
    messages.error(request, str(error))


def file_download(field: FieldFile, *, images_inline: bool = False) -> FileResponse:
    """A stored file under its own name, with the type its checked extension stands for; 404
    when none was kept or it is gone from storage. Photos may open in the browser."""
    if not field.name:
        raise Http404
    name = field.name.rsplit("/", 1)[-1]
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(
        handle,
        as_attachment=not (images_inline and is_image(name)),
        filename=name,
        content_type=content_type_for(name),
    )
