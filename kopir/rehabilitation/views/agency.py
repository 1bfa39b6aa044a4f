"""The executing organisation's pages: its work list (and the list as CSV or XLSX), a measure's
page, and the actions on it. Thin: access from access.py, reads from selectors, writes through
services."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.errors import DomainError
from kopir.core.forms import VersionForm, form_after_conflict
from kopir.core.responses import form_page, render_page_or_fragment
from kopir.core.selectors import stored_version
from kopir.rehabilitation.access import agency_measure_for_user, agency_measures_for_user
from kopir.rehabilitation.forms_agency import (
    DeliverForm,
    NotDeliveredForm,
    RedirectForm,
    ScheduleForm,
    WorkFilterForm,
)
from kopir.rehabilitation.models import Measure
from kopir.rehabilitation.selectors.execution import (
    Cursor,
    WorkFilter,
    export_rows,
    measure_read,
    today_and_week_end,
    work_filter_choices,
    work_page,
)
from kopir.rehabilitation.services.execution import (
    measure_accept,
    measure_deliver,
    measure_not_deliver,
    measure_redirect,
    measure_schedule,
)


def _organisation_id(request: HttpRequest) -> int:
    agency_measures_for_user(request.user)  # 403 for a role that executes no measure
    return int(request.user.organisation_id)  # type: ignore[union-attr, arg-type]


def _filter_form(request: HttpRequest, organisation_id: int) -> WorkFilterForm:
    choices = work_filter_choices(organisation_id)
    return WorkFilterForm(
        request.GET or None,
        measures=choices.measures,
        territories=choices.territories,
        officers=choices.officers,
    )


def _saved_views(request: HttpRequest) -> list[dict[str, Any]]:
    """The saved views, as links to the filtered list (bookmarkable, like any filter)."""
    today, week_end = today_and_week_end()
    views = [
        (_("All open"), "status=open"),
        (_("Overdue"), "overdue=on"),
        (_("Mine"), f"officer={request.user.pk}"),
        (_("Due this week"), f"due_from={today.isoformat()}&due_to={week_end.isoformat()}"),
    ]
    current = request.GET.urlencode()
    return [{"label": label, "query": query, "current": query == current} for label, query in views]


@require_GET
def work_list(request: HttpRequest) -> HttpResponse:
    organisation_id = _organisation_id(request)
    form = _filter_form(request, organisation_id)
    page = work_page(
        actor=request.user,
        organisation_id=organisation_id,
        work=form.criteria(),
        after=Cursor.parse(request.GET.get("after")),
        request=request,
    )
    context = {
        "form": form,
        "page": page,
        "is_filtered": form.is_filtered(),
        "saved_views": _saved_views(request),
    }
    return render_page_or_fragment(
        request,
        "rehabilitation/agency/work_list.html",
        "rehabilitation/agency/_work_results.html",
        context,
    )


def _export_filter(request: HttpRequest) -> tuple[int, WorkFilter | None]:
    organisation_id = _organisation_id(request)
    # As on the list: a filter that makes no sense gives no rows (the file has its header only).
    return organisation_id, _filter_form(request, organisation_id).criteria()


class _Echo:
    """A file-like object whose write returns the line, for csv.writer in a streaming answer."""

    def write(self, value: str) -> str:
        return value


@require_GET
def work_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed row by row: memory stays bounded however long it is."""
    organisation_id, work = _export_filter(request)
    rows = export_rows(
        actor=request.user,
        organisation_id=organisation_id,
        work=work,
        file_format="csv",
        request=request,
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="measures.csv"'
    return response


@require_GET
def work_export_xlsx(request: HttpRequest) -> FileResponse:
    """The filtered list as XLSX, written row by row (openpyxl's write-only mode) to a temporary
    file that spills to disk, then sent from it: memory stays bounded."""
    from openpyxl import Workbook

    organisation_id, work = _export_filter(request)
    rows = export_rows(
        actor=request.user,
        organisation_id=organisation_id,
        work=work,
        file_format="xlsx",
        request=request,
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Measures")[:31])
    for row in rows:
        sheet.append(row)
    output = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    return FileResponse(
        output,
        as_attachment=True,
        filename="measures.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@require_GET
def measure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    view = measure_read(actor=request.user, measure=measure, request=request)
    return render(
        request,
        "rehabilitation/agency/measure.html",
        {
            "view": view,
            "measure": measure,
            "version_form": VersionForm(initial={"version": measure.version}),
        },
    )


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The form was incomplete: nothing was saved."))
    else:
        try:
            measure_accept(
                actor=request.user,
                measure=measure,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except DomainError as error:
            messages.warning(request, str(error))
        else:
            messages.success(request, _("The measure is accepted: it is yours to deliver."))
    return redirect("rehabilitation:agency_measure", pk=pk)


def _action_page(
    request: HttpRequest,
    measure: Measure,
    *,
    form_class: type[VersionForm],
    template: str,
    act: Callable[..., object],
    fields: Mapping[str, str],
    done: str,
    form_kwargs: dict[str, Any] | None = None,
    initial: dict[str, Any] | None = None,
    after: str | None = None,
) -> HttpResponse:
    """An action's form page: `act` (a measure service) is given the form's `fields` (service
    keyword: form field); its refusal lands on the field it names; a lost race answers 409 with
    the person's input kept and the version now stored. Saved, it leads back to the measure, or
    to `after`."""
    kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, **kwargs)
    else:
        form = form_class(initial={"version": measure.version, **(initial or {})}, **kwargs)
    return form_page(
        request,
        form,
        template,
        {"measure": measure},
        save=lambda: act(
            actor=request.user,
            measure=measure,
            expected_version=form.cleaned_data["version"],
            request=request,
            **{name: form.cleaned_data[field] for name, field in fields.items()},
        ),
        done=done,
        success_url=reverse(
            after or "rehabilitation:agency_measure", args=[] if after else [measure.pk]
        ),
        on_conflict=lambda error: (
            form_after_conflict(
                form_class, request, error, stored_version(measure), files=request.FILES, **kwargs
            ),
            (),
        ),
    )


@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    return _action_page(
        request,
        measure,
        form_class=ScheduleForm,
        template="rehabilitation/agency/schedule.html",
        initial={"scheduled_on": measure.scheduled_on},
        act=measure_schedule,
        fields={"scheduled_on": "scheduled_on", "note": "note"},
        done=_("The date of delivery is saved."),
    )


@require_http_methods(["GET", "POST"])
def deliver(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    return _action_page(
        request,
        measure,
        form_class=DeliverForm,
        template="rehabilitation/agency/deliver.html",
        act=measure_deliver,
        fields={
            "delivered_on": "delivered_on",
            "document": "evidence_document",
            "serial_number": "serial_number",
            "supplier": "supplier",
            "item_details": "item_details",
        },
        done=_("The measure is reported delivered."),
    )


@require_http_methods(["GET", "POST"])
def not_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    return _action_page(
        request,
        measure,
        form_class=NotDeliveredForm,
        template="rehabilitation/agency/not_delivered.html",
        act=measure_not_deliver,
        fields={"reason": "reason", "text": "text"},
        done=_("The measure is reported not delivered."),
    )


@require_http_methods(["GET", "POST"])
def redirect_measure(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    return _action_page(
        request,
        measure,
        form_class=RedirectForm,
        template="rehabilitation/agency/redirect.html",
        form_kwargs={"own_organisation_id": measure.organisation_id},
        act=measure_redirect,
        fields={"to_organisation": "to_organisation", "reason": "reason"},
        done=_("The measure is passed to the organisation responsible for it."),
        # The measure has left this organisation's list: its page is "not found" now.
        after="rehabilitation:agency_work_list",
    )
