"""What the division's, experts' and appeal views share: turning a service's refusal into a
form error or a message, and the page context every case page needs."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from kopir.core.errors import ConflictError, DomainError


def add_service_error(form: forms.Form, error: ValidationError | DomainError) -> None:
    """Put a service's refusal on the form: on the field it names, else at the top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages_:
                form.add_error(target, message)
        return
    if isinstance(error, ValidationError):
        for message in error.messages:
            form.add_error(None, message)
        return
    form.add_error(None, str(error))


def render_form_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    conflict: bool = False,
) -> HttpResponse:
    """A form page; after a conflict the status says so (409) and the user's input is kept."""
    context.setdefault("conflict", conflict)
    return render(request, template, context, status=409 if conflict else 200)


def refuse(request: HttpRequest, error: DomainError) -> None:
    """A refused action without a form of its own (accept, notify): say why, change nothing."""
    level = messages.WARNING if isinstance(error, ConflictError) else messages.ERROR
    messages.add_message(request, level, str(error))


def render_htmx_aware(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    is_htmx = bool(request.headers.get("HX-Request"))
    response = render(request, fragment if is_htmx else page, context)
    # The same address answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request"])
    return response
