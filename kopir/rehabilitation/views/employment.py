"""The employers' quota register (career centres, employment offices) and a job placement."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import form_after_conflict
from kopir.core.responses import render_form_page
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
    filters = QuotaFilterForm(request.GET or None)
    year = timezone.localdate().year
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
            "year": year,
            "page_obj": page_of(listed, PER_PAGE, request.GET.get("page")),
        },
    )


def _quota_form_page(
    request: HttpRequest, form: QuotaForm, quota: EmployerQuota | None
) -> HttpResponse:
    return render_form_page(
        request,
        "rehabilitation/employment/quota_form.html",
        {"form": form, "quota": quota},
        conflict=form.conflict,
    )


def quota_create(request: HttpRequest) -> HttpResponse:
    access.quotas_for_user(request.user)  # 403 for everyone who keeps no register
    territories = access.quota_territories(request.user)
    form = QuotaForm(request.POST or None, territories=territories)
    if request.method == "POST" and form.is_valid():
        try:
            employer_quota_create(
                actor=request.user,
                kept_by=request.user.organisation,  # type: ignore[union-attr,arg-type]
                request=request,
                **form.service_data(),
            )
        except (ValidationError, DomainError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The employer's quota is saved."))
            return redirect("rehabilitation:quota_list")
    return _quota_form_page(request, form, None)


def quota_edit(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = access.quota_for_user(request.user, quota_id)
    territories = access.quota_territories(request.user)
    initial: dict[str, Any] = {
        name: getattr(quota, name)
        for name in (
            "employer_bin",
            "employer_name",
            "territory",
            "year",
            "headcount",
            "excluded_jobs",
            "filled",
            "vacancies_reported",
            "version",
        )
    }
    initial["quota_percent"] = quota.quota_percent
    form = QuotaForm(request.POST or None, initial=initial, territories=territories)
    if request.method == "POST" and form.is_valid():
        try:
            employer_quota_update(
                actor=request.user,
                quota=quota,
                expected_version=form.cleaned_data["version"] or 0,
                request=request,
                **form.service_data(),
            )
        except ConflictError as error:
            quota.refresh_from_db()
            form = form_after_conflict(
                QuotaForm, request, error, quota.version, territories=territories
            )
            form.conflict = True
        except (ValidationError, DomainError) as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("The employer's quota is saved."))
            return redirect("rehabilitation:quota_list")
    return _quota_form_page(request, form, quota)


def placement_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure = access.placement_measure_for_user(request.user, measure_id)
    placement = Placement.objects.filter(measure=measure).first()
    initial: dict[str, Any] = {}
    if placement is not None:
        initial = {
            name: getattr(placement, name)
            for name in (
                "employer_bin",
                "employer_name",
                "position",
                "start_date",
                "on_quota_job",
                "version",
            )
        }
    form = PlacementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            placement_record(
                actor=request.user,
                measure=measure,
                expected_version=expected,
                request=request,
                **data,
            )
        except ConflictError as error:
            stored = Placement.objects.filter(measure=measure).first()
            form = form_after_conflict(
                PlacementForm, request, error, stored.version if stored else 0
            )
            form.conflict = True
        except (ValidationError, DomainError) as error:
            form.add_service_error(error)
        else:
            return redirect("rehabilitation:placement_edit", measure_id=measure.pk)
    quotas = list(unfilled_quotas(territory=measure.territory, year=timezone.localdate().year)[:50])
    return render_form_page(
        request,
        "rehabilitation/employment/placement_form.html",
        {"form": form, "measure": measure, "placement": placement, "quotas": quotas},
        conflict=form.conflict,
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
    initial = {name: getattr(band, name) for name in (*BAND_FIELDS, "version")}
    form = QuotaBandForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            quota_band_update(
                actor=request.user, band=band, expected_version=expected, request=request, **data
            )
        except ConflictError as error:
            band.refresh_from_db()
            form = form_after_conflict(QuotaBandForm, request, error, band.version)
            form.conflict = True
        except (ValidationError, DomainError) as error:
            form.add_service_error(error)
        else:
            return redirect("rehabilitation:quota_bands")
    return render_form_page(
        request,
        "rehabilitation/employment/quota_band_form.html",
        {"form": form, "band": band},
        conflict=form.conflict,
    )
