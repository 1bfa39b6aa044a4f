"""What the division's, experts' and appeal views share: a refused action shown as a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest

from kopir.core.errors import ConflictError, DomainError


def refuse(request: HttpRequest, error: DomainError) -> None:
    """A refused action without a form of its own (accept, notify): say why, change nothing."""
    level = messages.WARNING if isinstance(error, ConflictError) else messages.ERROR
    messages.add_message(request, level, str(error))
