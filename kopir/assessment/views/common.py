"""What the assessment views share: an action without a form page of its own (a button that posts
only the version its page was read at, a confirmed removal), its outcome told as a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import VersionForm


def refuse(request: HttpRequest, error: DomainError) -> None:
    """A refused action without a form of its own (accept, notify): say why, change nothing."""
    level = messages.WARNING if isinstance(error, ConflictError) else messages.ERROR
    messages.add_message(request, level, str(error))


def act_and_tell(request: HttpRequest, act: Callable[[], object], *, done: str) -> None:
    """Run `act`; a message says it is `done`, or why it was refused. The caller redirects."""
    try:
        act()
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(request, done)


def version_button(
    request: HttpRequest, service: Callable[..., object], *, done: str, **record: Any
) -> None:
    """A button (accept, notify, take an appeal under review) whose form is the version the page
    was read at: `service(actor=…, expected_version=…, request=…, **record)`, told as a message."""
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete: nothing was saved."))
        return
    version = form.cleaned_data["version"]
    act_and_tell(
        request,
        lambda: service(actor=request.user, expected_version=version, request=request, **record),
        done=done,
    )
