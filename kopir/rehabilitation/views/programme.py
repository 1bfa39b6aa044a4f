"""The MSE division's programme pages: its programmes, one programme with its versions, editing
the draft's measures, approving it, and the approved version as DOCX and PDF in kk and ru."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.forms import VersionForm, at_version
from kopir.core.responses import form_page
from kopir.core.selectors import first_or_404
from kopir.rehabilitation import access
from kopir.rehabilitation.forms_programme import LineAddForm, LineEditForm, ProgrammeFilterForm
from kopir.rehabilitation.models import Programme, ProgrammeLine, ProgrammeVersion
from kopir.rehabilitation.selectors.programme import (
    approval_preview,
    programme_read,
    programme_rows,
    version_read,
)
from kopir.rehabilitation.services import documents
from kopir.rehabilitation.services.approval import programme_approve
from kopir.rehabilitation.services.programme import (
    programme_line_add,
    programme_line_remove,
    programme_line_update,
)

T = "rehabilitation/programme/"


def _draft(programme: Programme) -> ProgrammeVersion:
    return first_or_404(programme.versions.select_related("catalogue").filter(status="draft"))


@require_GET
def programme_list(request: HttpRequest) -> HttpResponse:
    if not access.is_programme_user(request.user):
        raise PermissionDenied(_("Only the MSE division's staff work on programmes."))
    names = access.may_see_names_in_list(request.user)
    filters = ProgrammeFilterForm(request.GET or None)
    page_obj = programme_rows(
        access.programmes_for_user(request.user),
        viewer=request.user,
        status=filters.criteria(),
        page=request.GET.get("page"),
        request=request,
    )
    return render(
        request, T + "list.html", {"page_obj": page_obj, "names": names, "filters": filters}
    )


@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.programme_for_user(request.user, pk)
    context = programme_read(programme, viewer=request.user, request=request)
    return render(request, T + "detail.html", context)


@require_GET
def programme_version(request: HttpRequest, pk: int, sequence: int) -> HttpResponse:
    programme = access.programme_for_user(request.user, pk)
    try:
        view = version_read(programme, sequence, viewer=request.user, request=request)
    except ProgrammeVersion.DoesNotExist as missing:
        raise Http404 from missing
    return render(request, T + "version.html", {"programme": programme, "view": view})


def _draft_page(
    request: HttpRequest,
    programme: Programme,
    form: VersionForm,
    template: str,
    context: Callable[[], dict[str, Any]] | dict[str, Any],
    *,
    act: Callable[..., object],
    done: str,
    inputs: Callable[[], dict[str, Any]],
) -> HttpResponse:
    """A change of the draft through `act`, told the draft's version the form read and the
    `inputs` a valid form gives; saved, the programme's page says so."""
    return form_page(
        request,
        form,
        T + template,
        lambda: {"programme": programme, **(context() if callable(context) else context)},
        save=lambda: act(
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            request=request,
            **inputs(),
        ),
        done=done,
        success_url=reverse("rehabilitation:programme_detail", args=[programme.pk]),
    )


def _line(draft: ProgrammeVersion, line_pk: int) -> ProgrammeLine:
    return get_object_or_404(
        ProgrammeLine.objects.select_related("measure_type", "suggested_by"),
        pk=line_pk,
        programme_version=draft,
    )


def _line_page(request: HttpRequest, pk: int, line_pk: int | None) -> HttpResponse:
    """A measure added to the draft (no `line_pk`), or one of its measures changed."""
    programme = access.programme_for_user(request.user, pk)
    draft = _draft(programme)
    line = _line(draft, line_pk) if line_pk is not None else None
    form: LineAddForm | LineEditForm
    act: Callable[..., object]
    names: tuple[str, ...]
    if line is None:
        form = at_version(LineAddForm, request, draft, programme_version=draft)
        act, done, names = (
            programme_line_add,
            _("The measure is added to the draft."),
            ("measure_type",),
        )
        record: dict[str, Any] = {"programme_version": draft}
    else:
        shown = {"quantity": line.quantity, "details": line.details, "details_ru": line.details_ru}
        form = LineEditForm(
            request.POST if request.method == "POST" else None,
            initial={"version": draft.version, **shown},
            measure_type=line.measure_type,
        )
        act, done, names, record = (
            programme_line_update,
            _("The measure is saved."),
            (),
            {"line": line},
        )
    return _draft_page(
        request,
        programme,
        form,
        "line_form.html",
        {"line": line},
        act=act,
        done=done,
        inputs=lambda: {
            **record,
            **{
                name: form.cleaned_data.get(name)
                for name in (*names, "quantity", "details", "details_ru")
            },
        },
    )


@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, pk: int) -> HttpResponse:
    return _line_page(request, pk, None)


@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    return _line_page(request, pk, line_pk)


@require_http_methods(["GET", "POST"])
def line_delete(request: HttpRequest, pk: int, line_pk: int) -> HttpResponse:
    programme = access.programme_for_user(request.user, pk)
    draft = _draft(programme)
    line = _line(draft, line_pk)
    return _draft_page(
        request,
        programme,
        at_version(VersionForm, request, draft),
        "line_delete.html",
        {"line": line},
        act=programme_line_remove,
        done=_("The measure is removed from the draft."),
        inputs=lambda: {"line": line},
    )


@require_http_methods(["GET", "POST"])
def programme_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    programme = access.programme_for_user(request.user, pk)
    draft = _draft(programme)
    return _draft_page(
        request,
        programme,
        at_version(VersionForm, request, draft),
        "approve.html",
        lambda: {"view": approval_preview(draft)},
        act=programme_approve,
        done=_("The programme is approved and its measures are sent to the executors."),
        inputs=lambda: {"programme_version": draft},
    )


@require_GET
def programme_document(
    request: HttpRequest, pk: int, sequence: int, lang: str, extension: str
) -> HttpResponse:
    """An approved (or superseded) version as the person is given it: DOCX or tagged PDF."""
    programme = access.programme_document_for_user(request.user, pk)
    version = programme.versions.filter(sequence=sequence).exclude(status="draft").first()
    if version is None or lang not in documents.LANGUAGES or extension not in ("pdf", "docx"):
        raise Http404
    body, content_type, name = documents.programme_file(
        version, lang=lang, extension=extension, viewer=request.user, request=request
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
