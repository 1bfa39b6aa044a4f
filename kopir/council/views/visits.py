"""Monitoring visits: list, record, edit, checklist, findings (→ recommendations), documents."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.errors import DomainError
from kopir.core.responses import file_download, form_page
from kopir.core.text import reader_language
from kopir.core.uploads import is_image
from kopir.council import access
from kopir.council.forms_followup_visits import (
    ChecklistForm,
    ChecklistItemForm,
    FindingForm,
    VisitDocumentForm,
    VisitEditForm,
    VisitForm,
)
from kopir.council.models import Council, MonitoringVisit
from kopir.council.selectors import visits as selectors
from kopir.council.services import visits as services
from kopir.council.views.meetings_common import (
    council_list_page,
    posted_from_page,
    versioned_form_page,
)


@require_GET
def visit_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    return council_list_page(
        request,
        council,
        "council/followup/visit_list.html",
        selectors.visit_list(council),
    )


@require_http_methods(["GET", "POST"])
def visit_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    form = VisitForm(request.POST or None, council=council)
    return form_page(
        request,
        form,
        "council/followup/visit_form.html",
        {"council": council},
        save=lambda: services.visit_create(
            actor=request.user, council=council, request=request, **form.service_data()
        ),
        done=_("The visit was recorded. Add its checklist and findings."),
        success_url=lambda visit: _visit_url(slug, visit.pk),
    )


def _visit_url(slug: str, pk: int) -> str:
    return reverse("council:visit_detail", kwargs={"slug": slug, "pk": pk})


@require_http_methods(["GET", "POST"])
def visit_edit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, visit = _secretary_visit(request, slug, pk)
    form = VisitEditForm(
        request.POST or None, council=council, initial=VisitEditForm.initial_from(visit)
    )
    return versioned_form_page(
        request,
        form,
        visit,
        "council/followup/visit_form.html",
        {"council": council, "visit": visit},
        save=lambda data: services.visit_update(
            actor=request.user, visit=visit, request=request, **form.service_data()
        ),
        done=_("The visit was saved."),
        success_url=_visit_url(slug, pk),
        council=council,
    )


def _secretary_visit(request: HttpRequest, slug: str, pk: int) -> tuple[Council, MonitoringVisit]:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    return council, access.visit_in_council(council, pk)


def _detail(
    request: HttpRequest, council: Any, visit: MonitoringVisit, **forms: Any
) -> dict[str, Any]:
    contents = selectors.visit_contents(visit)
    for document in contents["documents"]:
        document.is_image = is_image(document.file.name)
    return {
        "council": council,
        "visit": visit,
        **contents,
        "is_secretary": access.is_secretary(request.user, council),
        "finding_form": forms.get("finding_form") or FindingForm(),
        "item_form": forms.get("item_form") or ChecklistItemForm(),
    }


@require_GET
def visit_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    visit = access.visit_in_council(council, pk)
    return render(request, "council/followup/visit_detail.html", _detail(request, council, visit))


@require_http_methods(["GET", "POST"])
def visit_checklist(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, visit = _secretary_visit(request, slug, pk)
    items = selectors.checklist_of(visit)
    form = ChecklistForm(request.POST or None, items=items, initial={"version": visit.version})
    return versioned_form_page(
        request,
        form,
        visit,
        "council/followup/visit_checklist.html",
        {"council": council, "visit": visit},
        save=lambda data: services.visit_checklist_save(
            actor=request.user,
            visit=visit,
            expected_version=data["version"],
            answers=form.answers(),
            request=request,
        ),
        done=_("The checklist answers were saved."),
        success_url=_visit_url(slug, pk),
        items=items,
    )


@require_POST
def visit_checklist_template(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _council, visit = _secretary_visit(request, slug, pk)
    added = services.visit_checklist_insert_template(
        actor=request.user, visit=visit, lang=reader_language(), request=request
    )
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)s accessibility question was added.",
                "%(count)s accessibility questions were added.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.info(request, _("The accessibility checklist is already in this visit."))
    return redirect("council:visit_detail", slug=slug, pk=pk)


@require_POST
def visit_checklist_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    done = _("The question was added to the checklist.")
    add = services.visit_checklist_item_add
    return _added_to_visit(request, slug, pk, ChecklistItemForm, "item_form", add, done)


@require_POST
def visit_finding_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    done = _("The finding was added.")
    add = services.visit_finding_add
    return _added_to_visit(request, slug, pk, FindingForm, "finding_form", add, done)


def _added_to_visit(
    request: HttpRequest,
    slug: str,
    pk: int,
    form_class: type[ChecklistItemForm | FindingForm],
    form_name: str,
    add: Callable[..., object],
    done: str,
) -> HttpResponse:
    """A question or a finding posted from the visit's page: added, or the page again with the
    form's errors."""
    council, visit = _secretary_visit(request, slug, pk)
    form = form_class(request.POST)
    return posted_from_page(
        request,
        form,
        save=lambda: add(actor=request.user, visit=visit, request=request, **form.cleaned_data),
        done=done,
        success_url=_visit_url(slug, pk),
        page=lambda: _detail_page(request, council, visit, **{form_name: form}),
    )


def _detail_page(
    request: HttpRequest, council: Council, visit: MonitoringVisit, **forms: Any
) -> HttpResponse:
    """The visit's page again with the small form that was refused."""
    return render(
        request,
        "council/followup/visit_detail.html",
        _detail(request, council, visit, **forms),
        status=400,
    )


@require_POST
def visit_finding_recommend(
    request: HttpRequest, slug: str, pk: int, finding_pk: int
) -> HttpResponse:
    _council, visit = _secretary_visit(request, slug, pk)
    finding = selectors.finding_of(visit, finding_pk)
    try:
        recommendation = services.visit_finding_recommend(
            actor=request.user, finding=finding, request=request
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("council:visit_detail", slug=slug, pk=pk)
    messages.success(
        request,
        _("The finding became a draft recommendation. Check the addressee and text, then send it."),
    )
    return redirect("council:recommendation_detail", slug=slug, pk=recommendation.pk)


@require_http_methods(["GET", "POST"])
def visit_document_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council, visit = _secretary_visit(request, slug, pk)
    form = VisitDocumentForm(request.POST or None, request.FILES or None)
    return form_page(
        request,
        form,
        "council/followup/visit_document_form.html",
        {"council": council, "visit": visit},
        save=lambda: services.visit_document_add(
            actor=request.user, visit=visit, request=request, **form.service_data()
        ),
        done=_("The file was added to the visit."),
        success_url=_visit_url(slug, pk),
        refused_status=400,
    )


@require_GET
def visit_document(request: HttpRequest, slug: str, pk: int, document_pk: int) -> FileResponse:
    council = access.council_for_user(request.user, slug)
    visit = access.visit_in_council(council, pk)
    return file_download(selectors.document_of(visit, document_pk).file, images_inline=True)
