"""Dossiers: the list, one dossier's timeline, opening and editing one, adding and removing its
records, and the dossier as DOCX and PDF in Kazakh and Russian."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.audit.models import AuditAction
from kopir.audit.services import audit_record, audit_search_reach
from kopir.core.documents import DOCX_CONTENT_TYPE
from kopir.core.responses import form_page
from kopir.core.text import reader_language
from kopir.council import access
from kopir.council.forms_dossiers import (
    DossierAddForm,
    DossierEditForm,
    DossierFindForm,
    DossierForm,
)
from kopir.council.models import Council, Dossier, DossierRecord, DossierRecordKind
from kopir.council.selectors import dossiers as selectors
from kopir.council.selectors.search import SEARCHES
from kopir.council.services import dossier_documents as documents
from kopir.council.services.dossiers import (
    dossier_add_record,
    dossier_open,
    dossier_remove_record,
    dossier_update,
)
from kopir.council.views.meetings_common import (
    attempted,
    council_list_page,
    service_result,
    versioned_form_page,
)
from kopir.council.views.minutes import file_response

FOUND_SHOWN = 20
# The staff search's row for each kind of record a dossier takes: the same matching and titles.
SEARCH_OF_KIND: dict[str, str] = {
    DossierRecordKind.PETITION: "council.petitions",
    DossierRecordKind.AGENDA_ITEM: "council.agenda_items",
    DossierRecordKind.RECOMMENDATION: "council.recommendations",
    DossierRecordKind.VISIT: "council.visits",
    DossierRecordKind.LETTER: "council.letters",
}


def _dossier_url(dossier: Dossier) -> str:
    return reverse(
        "council:dossier_detail", kwargs={"slug": dossier.council.slug, "pk": dossier.pk}
    )


@require_GET
def dossier_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    return council_list_page(
        request,
        council,
        "council/dossiers/dossier_list.html",
        selectors.dossier_list(council),
    )


@require_http_methods(["GET", "POST"])
def dossier_create(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_secretary(request.user, slug)
    initial: dict[str, Any] = {}
    if request.GET.get("petition", "").isdigit():
        initial["petition"] = int(request.GET["petition"])
    form = DossierForm(request.POST or None, council=council, initial=initial)
    return form_page(
        request,
        form,
        "council/dossiers/dossier_form.html",
        {"council": council},
        save=lambda: dossier_open(
            actor=request.user, council=council, request=request, **form.service_data()
        ),
        done=_("The dossier is opened."),
        success_url=_dossier_url,
        refused_status=400,
    )


def _dossier_page(
    request: HttpRequest,
    council: Council,
    dossier: Dossier,
    template: str,
    *,
    status: int = 200,
    **context: Any,
) -> HttpResponse:
    """A page about one dossier, headed by its title in the reader's language."""
    context.update(council=council, dossier=dossier, title=dossier.title_in(reader_language()))
    return render(request, template, context, status=status)


@require_GET
def dossier_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    dossier = selectors.dossier_in_council(council, pk)
    contents = selectors.dossier_contents(dossier)
    selectors.audit_dossier_read(
        actor=request.user, dossier=dossier, contents=contents, request=request
    )
    is_secretary = access.is_secretary(request.user, council)
    return _dossier_page(
        request,
        council,
        dossier,
        "council/dossiers/dossier_detail.html",
        timeline=selectors.dossier_timeline(dossier, contents, reader_language()),
        added=selectors.records_added(dossier) if is_secretary else [],
        is_secretary=is_secretary,
        languages=documents.DOCUMENT_LANGUAGES,
    )


@require_http_methods(["GET", "POST"])
def dossier_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_secretary(request.user, slug)
    dossier = selectors.dossier_in_council(council, pk)
    form = DossierEditForm(request.POST or None, initial=DossierEditForm.initial_from(dossier))
    return versioned_form_page(
        request,
        form,
        dossier,
        "council/dossiers/dossier_edit.html",
        {"council": council, "dossier": dossier},
        save=lambda data: dossier_update(
            actor=request.user, dossier=dossier, request=request, **form.service_data()
        ),
        done=_("The dossier is saved."),
        success_url=_dossier_url(dossier),
    )


def _found(
    request: HttpRequest, council: Council, dossier: Dossier, kind: str, text: str
) -> list[dict[str, Any]]:
    """The council's records of `kind` matching `text` (the latest without it) that the dossier
    does not hold yet, as the staff search titles them."""
    search = next(search for search in SEARCHES if search.key == SEARCH_OF_KIND[kind])
    if text.strip():
        records = search.find(request.user, text)
    else:
        records = search.model._default_manager.select_related(search.related).order_by(
            *search.order_by
        )
    held = dossier.records.filter(kind=kind).values(f"{kind}_id")
    shown = list(records.filter(**{search.council: council}).exclude(pk__in=held)[:FOUND_SHOWN])
    if search.audited:
        audit_search_reach(actor=request.user, records=shown, request=request)
    return [
        {
            "pk": record.pk,
            "title": search.title(record),
            "lang": search.language(record),
            "date": search.date(record),
        }
        for record in shown
    ]


@require_http_methods(["GET", "POST"])
def dossier_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_secretary(request.user, slug)
    dossier = selectors.dossier_in_council(council, pk)
    if request.method == "POST":
        form = DossierAddForm(request.POST)
        added = (
            service_result(
                form,
                lambda: dossier_add_record(
                    actor=request.user, dossier=dossier, request=request, **form.service_data()
                ),
            )
            if form.is_valid()
            else None
        )
        if added is not None:
            messages.success(request, _("The record is added to the dossier."))
            return redirect(_dossier_url(dossier))
        for error in form.non_field_errors() or [_("Choose a record to add.")]:
            messages.error(request, str(error))
        find = DossierFindForm({"kind": request.POST.get("kind", "petition")})
        status = 400
    else:
        find = DossierFindForm(request.GET if "kind" in request.GET else None)
        status = 200
    found: list[dict[str, Any]] | None = None
    if find.is_bound and find.is_valid():
        found = _found(request, council, dossier, find.cleaned_data["kind"], find.cleaned_data["q"])
    return _dossier_page(
        request,
        council,
        dossier,
        "council/dossiers/dossier_add.html",
        status=status,
        find=find,
        kind=find.cleaned_data.get("kind") if found is not None else None,
        found=found,
    )


def _added_record(dossier: Dossier, record_pk: int) -> DossierRecord:
    return get_object_or_404(
        dossier.records.select_related(
            "dossier__council",
            "petition",
            "agenda_item__meeting",
            "recommendation",
            "visit__site",
            "letter",
        ),
        pk=record_pk,
    )


@require_http_methods(["GET", "POST"])
def dossier_record_remove(request: HttpRequest, slug: str, pk: int, record_pk: int) -> HttpResponse:
    council = access.council_for_secretary(request.user, slug)
    dossier = selectors.dossier_in_council(council, pk)
    record = _added_record(dossier, record_pk)
    if request.method == "POST":
        attempted(
            request,
            lambda: dossier_remove_record(actor=request.user, record=record, request=request),
            _("The record is taken out of the dossier."),
        )
        return redirect(_dossier_url(dossier))
    return _dossier_page(
        request, council, dossier, "council/dossiers/dossier_record_remove.html", record=record
    )


def _download(request: HttpRequest, slug: str, pk: int, lang: str, kind: str) -> HttpResponse:
    """The dossier in `lang` (Kazakh or Russian only) as a tagged PDF for "pdf", else a DOCX;
    audited as an export, and as a read of each petition it holds."""
    if lang not in documents.DOCUMENT_LANGUAGES:
        raise Http404
    council = access.council_for_user(request.user, slug)
    dossier = selectors.dossier_in_council(council, pk)
    contents = selectors.dossier_contents(dossier)
    selectors.audit_dossier_read(
        actor=request.user, dossier=dossier, contents=contents, request=request
    )
    audit_record(
        actor=request.user, action=AuditAction.EXPORT, target=dossier, detail=lang, request=request
    )
    context = documents.document_context(dossier, contents, lang)
    if kind == "pdf":
        content, content_type = documents.dossier_pdf(context), "application/pdf"
    else:
        content, content_type = documents.dossier_docx(context), DOCX_CONTENT_TYPE
    return file_response(content, content_type, documents.filename(dossier, lang, kind))


@require_GET
def dossier_docx(request: HttpRequest, slug: str, pk: int, lang: str) -> HttpResponse:
    return _download(request, slug, pk, lang, "docx")


@require_GET
def dossier_pdf(request: HttpRequest, slug: str, pk: int, lang: str) -> HttpResponse:
    return _download(request, slug, pk, lang, "pdf")
