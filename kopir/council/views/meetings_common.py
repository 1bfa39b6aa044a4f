"""Small helpers the meetings-side views share."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from kopir.core.errors import DomainError


def is_htmx_fragment(request: HttpRequest) -> bool:
    # A history restore after a cache miss wants the whole page, not the fragment.
    return bool(
        request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    )


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show a domain refusal (a rule said no) as a message on the next page."""
    messages.error(request, str(error))
