"""Small helpers the council's views share."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from kopir.core.errors import DomainError


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show a domain refusal (a rule said no) as a message on the next page."""
    messages.error(request, str(error))
