"""The administrator's search over the audit log."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kopir.audit.access import require_audit_reader
from kopir.audit.forms import AuditSearchForm
from kopir.audit.models import AuditEvent
from kopir.audit.selectors import AuditFilter, audit_event_search, audit_target_types

PAGE_SIZE = 50


def search(request: HttpRequest) -> HttpResponse:
    require_audit_reader(request.user)
    form = AuditSearchForm(request.GET or None, target_types=audit_target_types())
    criteria = form.criteria() if form.is_bound and form.is_valid() else AuditFilter()
    events: QuerySet[AuditEvent] = AuditEvent.objects.none()
    if not form.is_bound or form.is_valid():
        events = audit_event_search(criteria)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/search.html", {"form": form, "page_obj": page})
