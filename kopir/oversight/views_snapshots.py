"""The dashboard snapshots' pages: save a dashboard view (confirmed), a snapshot, the list; cite
one in a council record and remove the citation. Thin: access → form → service → page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.errors import DomainError
from kopir.core.responses import act_and_tell
from kopir.core.selectors import page_of
from kopir.core.text import reader_language
from kopir.council.models import AgendaItem, Letter, Recommendation
from kopir.oversight import access
from kopir.oversight.charts import bar_chart
from kopir.oversight.forms import DashboardFilterForm
from kopir.oversight.forms_snapshots import CiteForm, SnapshotSaveForm
from kopir.oversight.models import Snapshot, SnapshotAttachment
from kopir.oversight.snapshots.content import KINDS, content_of, kept_bars
from kopir.oversight.snapshots.records import record_url
from kopir.oversight.snapshots.selectors import (
    citable_for,
    citations_of,
    snapshot_by_pk,
    snapshots,
)
from kopir.oversight.snapshots.services import (
    digest,
    snapshot_attach,
    snapshot_detach,
    snapshot_save,
)

PER_PAGE = 25
RECORDS: dict[str, Any] = {
    "agenda_item": AgendaItem.objects.select_related("meeting__council"),
    "recommendation": Recommendation.objects.select_related("council"),
    "letter": Letter.objects.select_related("council"),
}


def _chart(shown: dict[str, Any]) -> Any:
    return bar_chart(kept_bars(shown["chart"]))


@require_http_methods(["GET", "POST"])
def snapshot_new(request: HttpRequest, dashboard: str) -> HttpResponse:
    """The figures the dashboard shows for the filters in the address, and a form to save them
    under a title; the save refuses if they changed after this page was shown."""
    access.require_snapshot_saver(request.user)
    kind = KINDS.get(dashboard)
    if kind is None:
        raise Http404
    filters = DashboardFilterForm(
        request.GET or None,
        organisation_label="",
        organisation_kinds=kind.organisation_kinds,
    )
    scope = filters.criteria()
    if scope is None:
        raise Http404
    today = timezone.localdate()
    shown = content_of(kind, scope, today=today)
    seen = digest(shown)
    form = SnapshotSaveForm(
        request.POST if request.method == "POST" else None, initial={"seen": seen}
    )
    if request.method == "POST" and form.is_valid():
        try:
            snapshot = snapshot_save(
                actor=request.user,
                dashboard=kind.key,
                period=scope.period.key,
                territory=scope.territory,
                organisation=scope.organisation,
                title=form.cleaned_data["title"],
                title_ru=form.cleaned_data["title_ru"],
                seen_digest=form.cleaned_data["seen"],
                seen_language=reader_language(),
                today=today,
                request=request,
            )
        except DomainError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The snapshot is saved. Its figures will not change."))
            return redirect("oversight:snapshot_detail", pk=snapshot.pk)
    if form.is_bound:
        # Shown again: with the fingerprint of the figures this page shows now.
        data = request.POST.copy()
        data["seen"] = seen
        form.data = data
    return render(
        request,
        "oversight/snapshots/snapshot_new.html",
        {
            "form": form,
            "shown": shown,
            "dashboard_name": kind.key,
            "chart": _chart(shown),
            "dashboard_url": reverse(kind.url_name) + "?" + request.GET.urlencode(),
        },
    )


@require_GET
def snapshot_list(request: HttpRequest) -> HttpResponse:
    access.require_dashboard_reader(request.user)
    page = page_of(snapshots(), PER_PAGE, request.GET.get("page"))
    return render(
        request,
        "oversight/snapshots/snapshot_list.html",
        {"page": page, "language": reader_language()},
    )


@require_GET
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_dashboard_reader(request.user)
    try:
        snapshot = snapshot_by_pk(pk)
    except Snapshot.DoesNotExist as error:
        raise Http404 from error
    shown = snapshot.shown(reader_language())
    return render(
        request,
        "oversight/snapshots/snapshot_detail.html",
        {
            "snapshot": snapshot,
            "dashboard_name": snapshot.dashboard,
            "title": snapshot.title_in(reader_language()),
            "shown": shown,
            "chart": _chart(shown),
        },
    )


def _record(target: str, pk: int) -> Any:
    queryset = RECORDS.get(target)
    if queryset is None:
        raise Http404
    return get_object_or_404(queryset, pk=pk)


@require_POST
def snapshot_cite(request: HttpRequest, target: str, pk: int) -> HttpResponse:
    """Cite a snapshot in an agenda item, a recommendation or a letter (the council's
    secretary), then back to the record's page, told what happened."""
    record = _record(target, pk)
    if not access.may_cite_in(request.user, record):
        raise PermissionDenied
    form = CiteForm(
        request.POST,
        snapshots=citable_for(record, citations_of(record), saved_by_sending=False),
        language=reader_language(),
    )
    if not form.is_valid():
        messages.error(request, str(form.errors["snapshot"][0]))
        return redirect(record_url(record) + "#cited-figures")
    act_and_tell(
        request,
        lambda: snapshot_attach(
            actor=request.user,
            snapshot=snapshot_by_pk(form.cleaned_data["snapshot"]),
            record=record,
            request=request,
        ),
        done=_("The snapshot is cited here."),
    )
    return redirect(record_url(record) + "#cited-figures")


@require_POST
def snapshot_uncite(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(
        SnapshotAttachment.objects.select_related(
            "agenda_item__meeting__council", "recommendation__council", "letter__council"
        ),
        pk=pk,
    )
    record = attachment.target
    if not access.may_cite_in(request.user, record):
        raise PermissionDenied
    act_and_tell(
        request,
        lambda: snapshot_detach(actor=request.user, attachment=attachment, request=request),
        done=_("The snapshot is no longer cited here."),
    )
    return redirect(record_url(record) + "#cited-figures")
