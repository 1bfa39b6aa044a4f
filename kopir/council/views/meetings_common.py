"""Small helpers the council's views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import ServiceErrorsMixin, form_after_conflict, service_saved
from kopir.core.selectors import stored_version
from kopir.core.uploads import content_type_for, is_image

FormT = TypeVar("FormT", bound=forms.BaseForm)
ResultT = TypeVar("ResultT")


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show a domain refusal (a rule said no) as a message on the next page."""
    messages.error(request, str(error))


def service_result(form: ServiceErrorsMixin, save: Callable[[], ResultT]) -> ResultT | None:
    """What `save` (the service call) returned, or None when the service refused and its reason
    is on the form: `service_saved` for the views that go on with the saved record."""
    results: list[ResultT] = []
    return results[0] if service_saved(form, lambda: results.append(save())) else None


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


class Submitted(NamedTuple, Generic[FormT]):
    form: FormT  # the form to show again when not saved: with its errors, or after a conflict
    saved: bool
    conflict: bool


def submit_versioned(
    request: HttpRequest,
    form: FormT,
    record: Model,
    save: Callable[[dict[str, Any]], object],
    **form_kwargs: Any,
) -> Submitted[FormT]:
    """Validate a posted edit form and `save` its data. A lost race gives the person's input back
    with the version now stored (a second submit is a deliberate overwrite); a rule's refusal
    lands above the form. `form_kwargs` rebuild the form after a conflict."""
    if request.method != "POST" or not form.is_valid():
        return Submitted(form, saved=False, conflict=False)
    try:
        save(form.cleaned_data)
    except ConflictError as error:
        stored = form_after_conflict(
            type(form), request, error, stored_version(record), **form_kwargs
        )
        return Submitted(stored, saved=False, conflict=True)
    except DomainError as error:
        form.add_error(None, str(error))
        return Submitted(form, saved=False, conflict=False)
    return Submitted(form, saved=True, conflict=False)
