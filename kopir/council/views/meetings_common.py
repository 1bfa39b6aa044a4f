"""Small helpers the council's views share."""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from kopir.core.errors import ConflictError, DomainError

FormT = TypeVar("FormT", bound=forms.Form)


def is_htmx_fragment(request: HttpRequest) -> bool:
    # A history restore after a cache miss wants the whole page, not the fragment.
    return bool(
        request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    )


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show a domain refusal (a rule said no) as a message on the next page."""
    messages.error(request, str(error))


def form_after_conflict(
    form_class: type[FormT],
    request: HttpRequest,
    error: ConflictError,
    stored_version: int,
    **form_kwargs: Any,
) -> FormT:
    """The form as the person posted it, with the conflict on top and the version now stored:
    nothing of theirs is lost, and sending it again is a deliberate overwrite."""
    posted = request.POST.copy()
    posted["version"] = str(stored_version)
    form = form_class(posted, **form_kwargs)
    form.is_valid()
    form.add_error(None, str(error))
    return form
