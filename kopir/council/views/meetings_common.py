"""Small helpers the council's views share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kopir.core.errors import DomainError
from kopir.core.forms import ServiceErrorsMixin, service_saved
from kopir.core.responses import form_page, refilled_on_conflict
from kopir.core.selectors import page_of
from kopir.council import access
from kopir.council.forms_meetings import ConfirmedActionForm
from kopir.council.models import Council

ResultT = TypeVar("ResultT")

# The rows a page of a council's register shows (its dossiers, letters, recommendations, visits).
LIST_PER_PAGE = 25


def refuse(request: HttpRequest, error: DomainError) -> None:
    """Show a domain refusal (a rule said no) as a message on the next page."""
    messages.error(request, str(error))


def service_result(form: ServiceErrorsMixin, save: Callable[[], ResultT]) -> ResultT | None:
    """What `save` (the service call) returned, or None when the service refused and its reason
    is on the form: `service_saved` for the views that go on with the saved record."""
    results: list[ResultT] = []
    return results[0] if service_saved(form, lambda: results.append(save())) else None


def posted_from_page(
    request: HttpRequest,
    form: ServiceErrorsMixin,
    *,
    save: Callable[[], ResultT],
    done: str | Callable[[ResultT], str],
    success_url: str | Callable[[ResultT], str],
    page: Callable[[], HttpResponse],
) -> HttpResponse:
    """A small form posted from a record's page (an agenda item's, a vote's, a petition's): when
    it is valid and the service saves it, say `done` (or what `done` says of the saved record) and
    go to `success_url`; otherwise `page` shows the record's page again with the form's errors."""
    results: list[ResultT] = []
    if form.is_valid() and service_saved(form, lambda: results.append(save())):
        saved = results[0]
        messages.success(request, done(saved) if callable(done) else done)
        return redirect(success_url(saved) if callable(success_url) else success_url)
    return page()


def attempted(
    request: HttpRequest,
    act: Callable[[], ResultT],
    done: str | Callable[[ResultT], str] | None = None,
) -> bool:
    """A step posted from a page (a remove, a move, an acknowledgement): whether `act` (the
    service call) did it. Its refusal is told as a message on the next page; when it was done,
    `done` (or what `done` says of the result) is told, unless there is nothing to say."""
    try:
        result = act()
    except DomainError as error:
        refuse(request, error)
        return False
    if done is not None:
        messages.success(request, done(result) if callable(done) else done)
    return True


def confirmed_action(
    request: HttpRequest,
    act: Callable[[int], ResultT],
    done: str | Callable[[ResultT], str],
) -> None:
    """A final step posted with its confirmation box (forms_meetings.ConfirmedActionForm):
    `act` is given the version the page showed, and `done` (or what it says of the result) is
    told; an unticked box or the service's refusal is told instead, and nothing changes."""
    form = ConfirmedActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.refusal())
        return
    attempted(request, lambda: act(form.cleaned_data["version"]), done)


def council_list_page(
    request: HttpRequest,
    council: Council,
    template: str,
    rows: Any,
    *,
    per_page: int = LIST_PER_PAGE,
    shown: Callable[[list[Any]], list[Any]] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A council's paged list (letters, visits, recommendations): the page of `rows` asked for,
    its rows prepared for the table by `shown`, and whether the reader is the secretary."""
    page_obj = page_of(rows, per_page, request.GET.get("page"))
    if shown is not None:
        page_obj.object_list = shown(list(page_obj.object_list))
    context = {"council": council, "page_obj": page_obj, **extra}
    context["is_secretary"] = access.is_secretary(request.user, council)
    return render(request, template, context)


def council_page(
    request: HttpRequest, council: Council, template: str, **context: Any
) -> HttpResponse:
    """A page of one council (its overview, meetings, plans, compositions, petitions, radar),
    with the secretary's controls (`is_secretary`) where the reader is its secretary."""
    context.update(council=council, is_secretary=access.is_secretary(request.user, council))
    return render(request, template, context)


def versioned_form_page(
    request: HttpRequest,
    form: ServiceErrorsMixin,
    record: Model,
    template: str,
    context: Mapping[str, Any],
    *,
    save: Callable[[dict[str, Any]], object],
    done: str,
    success_url: str,
    **form_kwargs: Any,
) -> HttpResponse:
    """An edit form page (`core.responses.form_page`) whose `save` takes the valid form's data.
    A lost race gives the person's input back with the version now stored (a second submit is a
    deliberate overwrite), 409; a rule's refusal lands above the form. `form_kwargs` rebuild the
    form after a conflict."""
    return form_page(
        request,
        form,
        template,
        context,
        save=lambda: save(form.cleaned_data),
        done=done,
        success_url=success_url,
        on_conflict=refilled_on_conflict(request, type(form), record, **form_kwargs),
    )
