"""How views answer in the same way everywhere: a fragment for htmx, the whole page otherwise; an
edit conflict as 409 with what the other person saved; a stored file as a download."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import (
    ComparedEditForm,
    ServiceErrorsMixin,
    VersionForm,
    form_after_conflict,
)
from kopir.core.selectors import stored_version
from kopir.core.uploads import content_type_for, is_image, stored_name

# What an edit form shows after a lost race: the form again, and what the other person saved.
Conflicted = tuple[ServiceErrorsMixin, Sequence[dict[str, str]]]


class Versioned(Protocol):
    version: int


RecordT = TypeVar("RecordT", bound=Versioned)


def wants_fragment(request: HttpRequest) -> bool:
    """htmx asked for part of a page. A history restore (htmx found no copy of the page in its
    cache, e.g. after a reload) wants the whole page, so it gets one."""
    htmx: HtmxDetails | None = getattr(request, "htmx", None)  # set by HtmxMiddleware
    return htmx is not None and bool(htmx) and not htmx.history_restore_request


def render_page_or_fragment(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The fragment template for htmx, the page template otherwise (see `wants_fragment`)."""
    response = render(
        request, fragment if wants_fragment(request) else page, context, status=status
    )
    # The same address answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def render_form_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    conflict: bool = False,
    differences: Sequence[dict[str, str]] = (),
) -> HttpResponse:
    """A form page. After an edit conflict (someone saved the record since it was read) the
    status says so (409), `conflict` is set for the template, and `differences` lists what the
    other person saved (core/partials/conflict_differences.html); the user's input is kept."""
    context.setdefault("conflict", conflict)
    context.setdefault("differences", list(differences))
    return render(request, template, context, status=409 if conflict else 200)


def form_page(
    request: HttpRequest,
    form: ServiceErrorsMixin,
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    *,
    save: Callable[[], object],
    done: str | Callable[[Any], str] | None,
    success_url: str | Callable[[Any], str],
    on_conflict: Callable[[ConflictError], Conflicted] | None = None,
    unchanged: str | None = None,
    refused_status: int = 200,
) -> HttpResponse:
    """The usual form page: a POST whose form is valid and whose service call (`save`) succeeds
    is told as `done` and redirected to `success_url`; otherwise the page shows `form` (bound on
    POST) with the refusal on it, 409 after an edit conflict. `context` may be a function, so what
    only the page needs is not read on a successful POST.

    An edit form passes `on_conflict`: given the conflict, it returns the form to show instead
    (the person's input with the version now stored, `core.forms.form_after_conflict`) and what
    the other person saved (`saved_differences`). With `unchanged`, an update that wrote nothing
    (the record `save` returns still has the version the form sent, decision 8) is told so.
    `success_url` and `done` may be functions of what `save` returned (the page of a record just
    made, the number it was given); `done=None` redirects without a message (the page it leads to
    shows what was saved). A page
    that answers a refused POST with another status than 200 names it (`refused_status`)."""
    differences: Sequence[dict[str, str]] = ()
    if request.method == "POST" and form.is_valid():
        try:
            saved = save()
        except ConflictError as error:
            if on_conflict is None:
                form.add_service_error(error)
            else:
                form, differences = on_conflict(error)
                form.conflict = True
        except (ValidationError, DomainError) as error:
            form.add_service_error(error)
        else:
            sent = form.cleaned_data.get("version")
            if unchanged is not None and getattr(saved, "version", None) == sent:
                messages.info(request, unchanged)
            elif done is not None:
                messages.success(request, done(saved) if callable(done) else done)
            return redirect(success_url(saved) if callable(success_url) else success_url)
    extra = context() if callable(context) else context
    response = render_form_page(
        request,
        template,
        {"form": form, **extra},
        conflict=form.conflict,
        differences=differences,
    )
    if form.is_bound and form.errors and not form.conflict:
        response.status_code = refused_status
    return response


def refilled_on_conflict(
    request: HttpRequest, form_class: type[ServiceErrorsMixin], record: Model, **form_kwargs: Any
) -> Callable[[ConflictError], Conflicted]:
    """`form_page`'s `on_conflict` for an edit form that lists no differences: the person's
    input again, with the conflict on top and the version of `record` now stored, so that sending
    it again is a deliberate overwrite. `form_kwargs` build the form as the view did."""
    return lambda error: (
        form_after_conflict(form_class, request, error, stored_version(record), **form_kwargs),
        (),
    )


def compared_on_conflict(
    request: HttpRequest,
    form_class: type[ComparedEditForm],
    reread: Callable[[], RecordT],
    form_kwargs: Callable[[RecordT], Mapping[str, Any]] = lambda record: {},
) -> Callable[[ConflictError], Conflicted]:
    """`form_page`'s `on_conflict` for an edit form that lists what the other person saved: the
    record read again (`reread`, which is also what the page then shows, audited where reading
    it is), the person's input with the conflict on top and the version now stored, so that
    sending it again is a deliberate overwrite, and the fields where the saved record differs
    (`ComparedEditForm.differences_from`). `form_kwargs` build the form from that record as the
    view did."""

    def answer(error: ConflictError) -> Conflicted:
        record = reread()
        shown = form_after_conflict(
            form_class, request, error, record.version, **form_kwargs(record)
        )
        return shown, shown.differences_from(record)

    return answer


# --- An action without a form page of its own (a button, a confirmed removal) -----------------------


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


def file_download(field: FieldFile, *, images_inline: bool = False) -> FileResponse:
    """A stored file under its own name, with the type its checked extension stands for; 404
    when none was kept or it is gone from storage. Photos may open in the browser."""
    if not field.name:
        raise Http404
    name = stored_name(field)
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
