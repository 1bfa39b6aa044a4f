"""The administrator's search over the audit log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kopir.audit.access import require_audit_reader
from kopir.audit.forms import AuditSearchForm
from kopir.audit.selectors import audit_event_page, audit_target_types


def search(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = AuditSearchForm(request.GET or None, target_types=audit_target_types())
    page = audit_event_page(form.criteria(), request.GET.get("page"))
    return render(request, "audit/search.html", {"form": form, "page_obj": page})
