"""The clinic's bulk upload: a CSV file of referrals, processed in the background, with a report."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kopir.assessment.access import bulk_upload_for_user, bulk_uploads_for_user, is_clinic_user
from kopir.assessment.forms_intake import BulkUploadForm
from kopir.assessment.models import BulkUploadStatus
from kopir.assessment.services.bulk import (
    BulkFileInvalid,
    bulk_upload_create,
    earlier_upload_of_same_file,
)
from kopir.assessment.services.bulk_format import COLUMNS, template_csv
from kopir.core.responses import render_page_or_fragment, wants_fragment

UPLOADS_PER_PAGE = 20
REPORT_ROWS_PER_PAGE = 100


def bulk_upload(request: HttpRequest) -> HttpResponse:
    if not is_clinic_user(request.user):
        raise PermissionDenied
    form = BulkUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            upload = bulk_upload_create(
                actor=request.user,
                uploaded_file=form.cleaned_data["file"],
                send=form.cleaned_data["send"],
                request=request,
            )
        except BulkFileInvalid as invalid:
            form.add_error("file", str(invalid))
        else:
            messages.success(request, _("The file was received. Its rows are being processed."))
            return redirect("assessment:bulk_detail", pk=upload.pk)
    uploads = (
        bulk_uploads_for_user(request.user)
        .select_related("uploaded_by")
        .order_by("-created_at", "-id")
    )
    page = Paginator(uploads, UPLOADS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/bulk/upload.html",
        {"form": form, "columns": COLUMNS, "page_obj": page},
        status=400 if form.is_bound and form.errors else 200,
    )


def bulk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = bulk_upload_for_user(request.user, pk)
    in_progress = upload.status in (BulkUploadStatus.PENDING, BulkUploadStatus.PROCESSING)
    context = {"upload": upload, "in_progress": in_progress}
    polled = wants_fragment(request)
    if not polled:
        context["earlier"] = earlier_upload_of_same_file(upload)
        context["page_obj"] = Paginator(upload.report, REPORT_ROWS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    response = render_page_or_fragment(
        request, "assessment/bulk/detail.html", "assessment/bulk/_progress.html", context
    )
    if polled and not in_progress:
        # The progress panel polls itself; once done it asks for the whole page with the report.
        response["HX-Refresh"] = "true"
    return response


def bulk_template(request: HttpRequest) -> HttpResponse:
    if not is_clinic_user(request.user):
        raise PermissionDenied
    # The byte-order mark makes spreadsheet programs open the file as UTF-8.
    response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="kopir-referrals-template.csv"'
    return response
