"""The employers' quota register (career centres, employment offices) and a job placement."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.core.forms import ServiceErrorsMixin, form_after_conflict
from kopir.core.responses import Conflicted, form_page
from kopir.core.selectors import page_of
from kopir.rehabilitation import access
from kopir.rehabilitation.forms_employment import (
    PlacementForm,
    QuotaBandForm,
    QuotaFilterForm,
    QuotaForm,
)
from kopir.rehabilitation.models import EmployerQuota, Placement, QuotaBand
from kopir.rehabilitation.services.employment import (
    BAND_FIELDS,
    employer_quota_create,
    employer_quota_update,
    placement_record,
    quota_band_update,
    unfilled_quotas,
)

PER_PAGE = 50


def quota_list(request: HttpRequest) -> HttpResponse:
    rows = access.quotas_for_user(request.user)
    year = timezone.localdate().year
    # The year the page lists is in its field, so a page without a filter says which it is.
    filters = QuotaFilterForm(request.GET or None, initial={"year": year})
    listed = None  # filters that make no sense: nothing is read
    if not filters.is_bound or filters.is_valid():
        if filters.is_bound and filters.cleaned_data.get("year"):
            year = filters.cleaned_data["year"]
        listed = (
            rows.filter(year=year)
            .select_related("territory")
            .order_by("territory__kato", "employer_name", "id")
        )
    return render(
        request,
        "rehabilitation/employment/quota_list.html",
        {
            "filters": filters,
            # A year not valid is named by the form's error, not taken for the current one.
            "year": year if listed is not None else None,
            "page_obj": page_of(listed, PER_PAGE, request.GET.get("page")),
        },
    )


def _initial(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in (*names, "version")}


def _quota_form_page(
    request: HttpRequest,
    form: QuotaForm,
    quota: EmployerQuota | None,
    territories: Any,
    *,
    save: Callable[[], object],
) -> HttpResponse:
    return form_page(
        request,
        form,
        "rehabilitation/employment/quota_form.html",
        {"quota": quota},
        save=save,
        done=_("The employer's quota is saved."),
        success_url=reverse("rehabilitation:quota_list"),
        on_conflict=lambda error: _after_conflict(
            QuotaForm, request, error, quota, territories=territories
        ),
    )


def _after_conflict(
    form_class: type[ServiceErrorsMixin],
    request: HttpRequest,
    error: Any,
    record: Any,
    **kwargs: Any,
) -> Conflicted:
    """The form as posted with the version now stored (0: the record is gone or not made).

    Not core's `refilled_on_conflict`, which reads only the stored version of a record that
    exists: this one also reloads the record the page shows (the quota's figures as now saved)
    and serves a create or a first placement, where there is no record yet."""
    if record is not None:
        record.refresh_from_db()
    stored = record.version if record is not None else 0
    return form_after_conflict(form_class, request, error, stored, **kwargs), ()


def quota_create(request: HttpRequest) -> HttpResponse:
    access.quotas_for_user(request.user)  # 403 for everyone who keeps no register
    territories = access.quota_territories(request.user)
    form = QuotaForm(request.POST or None, territories=territories)
    return _quota_form_page(
        request,
        form,
        None,
        territories,
        save=lambda: employer_quota_create(
            actor=request.user,
            kept_by=request.user.organisation,  # type: ignore[union-attr,arg-type]
            request=request,
            **form.service_data(),
        ),
    )


QUOTA_FIELDS = (
    "employer_bin",
    "employer_name",
    "territory",
    "year",
    "headcount",
    "excluded_jobs",
    "filled",
    "vacancies_reported",
    "quota_percent",
)


def quota_edit(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = access.quota_for_user(request.user, quota_id)
    territories = access.quota_territories(request.user)
    form = QuotaForm(
        request.POST or None, initial=_initial(quota, QUOTA_FIELDS), territories=territories
    )
    return _quota_form_page(
        request,
        form,
        quota,
        territories,
        save=lambda: employer_quota_update(
            actor=request.user,
            quota=quota,
            expected_version=form.cleaned_data["version"] or 0,
            request=request,
            **form.service_data(),
        ),
    )


def _versioned_page(
    request: HttpRequest,
    form: ServiceErrorsMixin,
    template: str,
    context: Callable[[], dict[str, Any]],
    *,
    act: Callable[..., object],
    record: Any,
    success_url: str,
    done: str | None = None,
    **inputs: Any,
) -> HttpResponse:
    """A record saved with its version: `act` is given the form's other fields as they are;
    saved, the page it leads to shows it (told `done`, if given)."""

    def save() -> object:
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        return act(actor=request.user, expected_version=expected, request=request, **inputs, **data)

    return form_page(
        request,
        form,
        template,
        context,
        save=save,
        done=done,
        success_url=success_url,
        on_conflict=lambda error: _after_conflict(type(form), request, error, record()),
    )


PLACEMENT_FIELDS = ("employer_bin", "employer_name", "position", "start_date", "on_quota_job")


def placement_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = access.placement_measure_for_user(request.user, measure_id)
    placement = Placement.objects.filter(measure=measure).first()
    initial = _initial(placement, PLACEMENT_FIELDS) if placement is not None else {}
    year = timezone.localdate().year
    return _versioned_page(
        request,
        PlacementForm(request.POST or None, initial=initial),
        "rehabilitation/employment/placement_form.html",
        lambda: {
            "measure": measure,
            "placement": placement,
            "quotas": list(unfilled_quotas(territory=measure.territory, year=year)[:50]),
        },
        act=placement_record,
        record=lambda: Placement.objects.filter(measure=measure).first(),
        # Back to the measure, which the placement has delivered (or scheduled).
        success_url=reverse("rehabilitation:agency_measure", args=[measure.pk]),
        done=_("The job placement is saved."),
        measure=measure,
    )


def quota_bands(request: HttpRequest) -> HttpResponse:
    access.require_quota_band_editor(request.user)
    return render(
        request,
        "rehabilitation/employment/quota_bands.html",
        {"bands": list(QuotaBand.objects.order_by("min_headcount"))},
    )


def quota_band_edit(request: HttpRequest, band_id: int) -> HttpResponse:
    access.require_quota_band_editor(request.user)
    band = get_object_or_404(QuotaBand, pk=band_id)
    return _versioned_page(
        request,
        QuotaBandForm(request.POST or None, initial=_initial(band, BAND_FIELDS)),
        "rehabilitation/employment/quota_band_form.html",
        lambda: {"band": band},
        act=quota_band_update,
        record=lambda: band,
        success_url=reverse("rehabilitation:quota_bands"),
        band=band,
    )
