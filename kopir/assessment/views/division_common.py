"""What the division's, experts' and appeal views share: a refused action shown as a message, and
a button that posts only the version its page was read at."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import VersionForm


def refuse(request: HttpRequest, error: DomainError) -> None:
    """A refused action without a form of its own (accept, notify): say why, change nothing."""
    level = messages.WARNING if isinstance(error, ConflictError) else messages.ERROR
    messages.add_message(request, level, str(error))


def version_button(request: HttpRequest, act: Callable[[int], object], *, done: str) -> None:
    """A button (accept, notify, take an appeal under review) whose form is the version the page
    was read at: `act(version)`, and a message says what came of it; the caller redirects."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete: nothing was saved."))
        return
    try:
        act(form.cleaned_data["version"])
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, done)
