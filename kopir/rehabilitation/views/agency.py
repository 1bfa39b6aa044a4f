"""The executing organisation's pages: its work list (and the list as CSV or XLSX), a measure's
page, and the actions on it. Thin: access from access.py, reads from selectors, writes through
services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.db_router import replica_reads
from kopir.core.exports import csv_response, xlsx_response
from kopir.core.forms import VersionForm
from kopir.core.responses import (
    file_download,
    form_page,
    refilled_on_conflict,
    render_page_or_fragment,
    version_button,
)
from kopir.rehabilitation.access import agency_measure_for_user, agency_measures_for_user
from kopir.rehabilitation.forms_agency import (
    DeliverForm,
    NotDeliveredForm,
    RedirectForm,
    ScheduleForm,
    WorkFilterForm,
)
from kopir.rehabilitation.selectors.execution import (
    Cursor,
    evidence_read,
    export_rows,
    measure_read,
    today_and_week_end,
    work_filter_choices,
    work_page,
)
from kopir.rehabilitation.services.execution import (
    evidence_fields,
    measure_accept,
    measure_deliver,
    measure_not_deliver,
    measure_redirect,
    measure_schedule,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


def _export_query(request: HttpRequest) -> str:
    """The list's filters as the downloads' query: the whole filtered list, not the page shown
    (the cursor is left out)."""
    query = request.GET.copy()
    query.pop("after", None)
    return query.urlencode()


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
        "export_query": _export_query(request),
    }
    return render_page_or_fragment(
        request,
        "rehabilitation/agency/work_list.html",
        "rehabilitation/agency/_work_results.html",
        context,
    )


def _export_rows(request: HttpRequest, file_format: str) -> Iterator[list[Any]]:
    """The rows of the filtered list, read (and audited) as they are written out."""
    organisation_id = _organisation_id(request)
    return export_rows(
        actor=request.user,
        organisation_id=organisation_id,
        # As on the list: a filter that makes no sense gives no rows (the file: its header only).
        work=_filter_form(request, organisation_id).criteria(),
        file_format=file_format,
        request=request,
    )


@require_GET
@replica_reads
def work_export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed row by row: memory stays bounded however long it is."""
    return csv_response(_export_rows(request, "csv"), "measures.csv")


@require_GET
@replica_reads
def work_export_xlsx(request: HttpRequest) -> FileResponse:
    """The filtered list as XLSX, written row by row: memory stays bounded."""
    return xlsx_response([(_("Measures"), _export_rows(request, "xlsx"))], "measures.xlsx")


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


@require_GET
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """The supporting document of a delivery, for the organisation that holds the measure."""
    measure = agency_measure_for_user(request.user, pk)
    return file_download(evidence_read(actor=request.user, measure=measure, request=request))


@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    measure = agency_measure_for_user(request.user, pk)
    version_button(
        request,
        measure_accept,
        measure=measure,
        done=_("The measure is accepted: it is yours to deliver."),
    )
    return redirect("rehabilitation:agency_measure", pk=pk)


# The service's names for form fields the form names otherwise; fields it does not take.
_SERVICE_NAMES = {"evidence_document": "document"}
_NOT_INPUTS = {"version", "confirm"}


def _action(
    form_class: type[VersionForm],
    act: Callable[..., object],
    name: str,
    done: StrOrPromise,
    *,
    initial: tuple[str, ...] = (),
    after: str | None = None,
) -> Callable[[HttpRequest, int], HttpResponse]:
    """The form page of an action on a measure (`agency/<name>.html`): `act`, a measure
    service, is given the form's fields; its refusal lands on the field it names; a lost race
    answers 409 with the person's input kept and the version now stored. Saved, it leads back to
    the measure, or to `after`. The redirect form is told the organisation that holds it, the
    delivery form the evidence the catalogue requires."""

    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        measure = agency_measure_for_user(request.user, pk)
        kwargs: dict[str, Any] = {}
        if form_class is RedirectForm:
            kwargs["own_organisation_id"] = measure.organisation_id
        if form_class is DeliverForm:
            kwargs["required_fields"] = evidence_fields(measure.measure_type)
        if request.method == "POST":
            form = form_class(request.POST, request.FILES, **kwargs)
        else:
            shown = {field: getattr(measure, field) for field in initial}
            form = form_class(initial={"version": measure.version, **shown}, **kwargs)
        inputs = [field for field in form_class.base_fields if field not in _NOT_INPUTS]
        return form_page(
            request,
            form,
            f"rehabilitation/agency/{name}.html",
            {"measure": measure},
            save=lambda: act(
                actor=request.user,
                measure=measure,
                expected_version=form.cleaned_data["version"],
                request=request,
                **{_SERVICE_NAMES.get(field, field): form.cleaned_data[field] for field in inputs},
            ),
            done=str(done),
            success_url=reverse(after)
            if after
            else reverse("rehabilitation:agency_measure", args=[pk]),
            on_conflict=refilled_on_conflict(
                request, form_class, measure, files=request.FILES, **kwargs
            ),
        )

    view.__name__ = view.__qualname__ = f"agency_{name}"
    return view


schedule = _action(
    ScheduleForm,
    measure_schedule,
    "schedule",
    gettext_lazy("The date of delivery is saved."),
    initial=("scheduled_on",),
)
deliver = _action(
    DeliverForm, measure_deliver, "deliver", gettext_lazy("The measure is reported delivered.")
)
not_delivered = _action(
    NotDeliveredForm,
    measure_not_deliver,
    "not_delivered",
    gettext_lazy("The measure is reported not delivered."),
)
redirect_measure = _action(
    RedirectForm,
    measure_redirect,
    "redirect",
    gettext_lazy("The measure is passed to the organisation responsible for it."),
    # The measure has left this organisation's list: its page is "not found" now.
    after="rehabilitation:agency_work_list",
)
