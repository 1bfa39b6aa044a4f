"""The administrator's pages: measure catalogue versions (made like the completeness rules'
versions), their measures grouped by part, suggestion rules, and routing rules."""

from __future__ import annotations

import copy
from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import VersionForm, form_after_conflict, service_saved
from kopir.core.responses import render_form_page
from kopir.core.selectors import stored_version
from kopir.rehabilitation.access import can_manage_catalogue
from kopir.rehabilitation.forms_catalogue import (
    TEXT_FIELDS,
    CatalogueCreateForm,
    CatalogueEditForm,
    MeasureTypeForm,
    RoutingRuleForm,
    SuggestionRuleForm,
)
from kopir.rehabilitation.models import MeasureCatalogue, MeasureType, RoutingRule, SuggestionRule
from kopir.rehabilitation.selectors.catalogue import (
    catalogue_rows,
    measures_by_part,
    routing_rule_rows,
    suggestion_rule_rows,
)
from kopir.rehabilitation.services import catalogue as service

T = "rehabilitation/catalogue/"


def _require_admin(request: HttpRequest) -> None:
    if not can_manage_catalogue(request.user):
        raise PermissionDenied(_("Only an administrator manages the measure catalogue."))


def _catalogue(pk: int) -> MeasureCatalogue:
    return get_object_or_404(MeasureCatalogue, pk=pk)


def _only_drafts(request: HttpRequest, catalogue: MeasureCatalogue) -> HttpResponse | None:
    if catalogue.is_editable:
        return None
    messages.info(request, _("Only a draft can be changed."))
    return redirect("rehabilitation:catalogue_detail", pk=catalogue.pk)


def _done(request: HttpRequest, text: str, name: str, **kwargs: int) -> HttpResponse:
    messages.success(request, text)
    return HttpResponseRedirect(reverse(f"rehabilitation:{name}", kwargs=kwargs or None))


# --- Versions ------------------------------------------------------------------------------------


@require_GET
def catalogue_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, T + "list.html", {"rows": catalogue_rows()})


@require_http_methods(["GET", "POST"])
def catalogue_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    active = service.active_catalogue()
    if request.method == "POST":
        form = CatalogueCreateForm(request.POST)
        if form.is_valid():
            created: list[MeasureCatalogue] = []
            if service_saved(
                form,
                lambda: created.append(
                    service.catalogue_create_draft(
                        actor=request.user,
                        **{name: form.cleaned_data[name] for name in TEXT_FIELDS},
                        based_on=form.cleaned_data["based_on"],
                        request=request,
                    )
                ),
            ):
                text = _("The draft is made. Change its measures, then activate it.")
                return _done(request, text, "catalogue_detail", pk=created[0].pk)
    else:
        form = CatalogueCreateForm(
            initial={
                "based_on": active,
                **{
                    name: getattr(active, name) if active else ""
                    for name in TEXT_FIELDS
                    if not name.startswith("notes")
                },
            }
        )
    return render(request, T + "create.html", {"form": form})


@require_GET
def catalogue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    return render(
        request,
        T + "detail.html",
        {
            "catalogue": catalogue,
            "groups": measures_by_part(catalogue),
            "version_form": VersionForm(initial={"version": catalogue.version}),
        },
    )


@require_http_methods(["GET", "POST"])
def catalogue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    if (refused := _only_drafts(request, catalogue)) is not None:
        return refused
    initial = {
        "version": catalogue.version,
        **{name: getattr(catalogue, name) for name in TEXT_FIELDS},
    }
    form = CatalogueEditForm(request.POST if request.method == "POST" else None, initial=initial)
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            service.catalogue_update(
                actor=request.user,
                catalogue=catalogue,
                expected_version=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in TEXT_FIELDS},
                request=request,
            )
        except ConflictError as error:
            form = form_after_conflict(
                CatalogueEditForm, request, error, stored_version(catalogue), initial=initial
            )
            conflict = True
        except DomainError as error:
            form.add_service_error(error)
        else:
            return _done(request, _("The changes are saved."), "catalogue_detail", pk=pk)
    return render_form_page(
        request, T + "edit.html", {"form": form, "catalogue": catalogue}, conflict=conflict
    )


def _version_action(
    request: HttpRequest,
    pk: int,
    act: Callable[..., object],
    *,
    template: str,
    done: str,
) -> HttpResponse:
    """A confirmation page whose form is the version read (activate, retire)."""
    _require_admin(request)
    catalogue = _catalogue(pk)
    form = VersionForm(
        request.POST if request.method == "POST" else None, initial={"version": catalogue.version}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            lambda: act(
                actor=request.user,
                catalogue=catalogue,
                expected_version=form.cleaned_data["version"],
                request=request,
            ),
        )
    ):
        return _done(request, done, "catalogue_detail", pk=pk)
    return render_form_page(
        request, T + template, {"form": form, "catalogue": catalogue}, conflict=form.conflict
    )


@require_http_methods(["GET", "POST"])
def catalogue_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_action(
        request,
        pk,
        service.catalogue_activate,
        template="activate.html",
        done=_("The catalogue is active: new programmes are drafted from it."),
    )


@require_http_methods(["GET", "POST"])
def catalogue_retire(request: HttpRequest, pk: int) -> HttpResponse:
    return _version_action(
        request,
        pk,
        service.catalogue_retire,
        template="retire.html",
        done=_("The draft is retired."),
    )


# --- Measures of a draft -------------------------------------------------------------------------


def _measure_page(
    request: HttpRequest, catalogue: MeasureCatalogue, measure: MeasureType | None
) -> HttpResponse:
    if (refused := _only_drafts(request, catalogue)) is not None:
        return refused
    form = MeasureTypeForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(measure) if measure else None,
        initial={"version": catalogue.version},
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            lambda: service.measure_type_save(
                actor=request.user,
                catalogue=catalogue,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
                measure_type=measure,
                request=request,
            ),
        )
    ):
        return _done(request, _("The measure is saved."), "catalogue_detail", pk=catalogue.pk)
    return render_form_page(
        request,
        T + "measure_form.html",
        {"form": form, "catalogue": catalogue, "measure": measure},
        conflict=form.conflict,
    )


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _measure_page(request, _catalogue(pk), None)


@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    measure = get_object_or_404(MeasureType, pk=measure_pk, catalogue=catalogue)
    return _measure_page(request, catalogue, measure)


@require_http_methods(["GET", "POST"])
def measure_delete(request: HttpRequest, pk: int, measure_pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    measure = get_object_or_404(MeasureType, pk=measure_pk, catalogue=catalogue)
    if (refused := _only_drafts(request, catalogue)) is not None:
        return refused
    form = VersionForm(
        request.POST if request.method == "POST" else None, initial={"version": catalogue.version}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            lambda: service.measure_type_delete(
                actor=request.user,
                measure_type=measure,
                expected_version=form.cleaned_data["version"],
                request=request,
            ),
        )
    ):
        return _done(request, _("The measure is removed."), "catalogue_detail", pk=pk)
    return render_form_page(
        request,
        T + "measure_delete.html",
        {"form": form, "catalogue": catalogue, "measure": measure},
        conflict=form.conflict,
    )


# --- Suggestion rules ----------------------------------------------------------------------------


@require_GET
def suggestion_list(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    return render(
        request,
        T + "suggestion_list.html",
        {"catalogue": catalogue, "rows": suggestion_rule_rows(catalogue)},
    )


def _suggestion_page(
    request: HttpRequest, catalogue: MeasureCatalogue, rule: SuggestionRule | None
) -> HttpResponse:
    if (refused := _only_drafts(request, catalogue)) is not None:
        return refused
    form = SuggestionRuleForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(rule) if rule else None,
        initial={"version": catalogue.version},
        catalogue=catalogue,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            lambda: service.suggestion_rule_save(
                actor=request.user,
                catalogue=catalogue,
                expected_version=form.cleaned_data["version"],
                data=form.service_data(),
                rule=rule,
                request=request,
            ),
        )
    ):
        return _done(request, _("The rule is saved."), "suggestion_list", pk=catalogue.pk)
    return render_form_page(
        request,
        T + "suggestion_form.html",
        {"form": form, "catalogue": catalogue, "rule": rule},
        conflict=form.conflict,
    )


@require_http_methods(["GET", "POST"])
def suggestion_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _suggestion_page(request, _catalogue(pk), None)


@require_http_methods(["GET", "POST"])
def suggestion_edit(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    rule = get_object_or_404(SuggestionRule, pk=rule_pk, catalogue=catalogue)
    return _suggestion_page(request, catalogue, rule)


@require_http_methods(["GET", "POST"])
def suggestion_delete(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    rule = get_object_or_404(
        SuggestionRule.objects.select_related("measure_type"), pk=rule_pk, catalogue=catalogue
    )
    if (refused := _only_drafts(request, catalogue)) is not None:
        return refused
    form = VersionForm(
        request.POST if request.method == "POST" else None, initial={"version": catalogue.version}
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            lambda: service.suggestion_rule_delete(
                actor=request.user,
                rule=rule,
                expected_version=form.cleaned_data["version"],
                request=request,
            ),
        )
    ):
        return _done(request, _("The rule is removed."), "suggestion_list", pk=pk)
    return render_form_page(
        request,
        T + "suggestion_delete.html",
        {"form": form, "catalogue": catalogue, "rule": rule},
        conflict=form.conflict,
    )


# --- Routing rules -------------------------------------------------------------------------------


@require_GET
def routing_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, T + "routing_list.html", {"rows": routing_rule_rows()})


def _routing_page(request: HttpRequest, rule: RoutingRule | None) -> HttpResponse:
    form = RoutingRuleForm(
        request.POST if request.method == "POST" else None,
        instance=copy.copy(rule) if rule else None,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and service_saved(
            form,
            lambda: service.routing_rule_save(
                actor=request.user, data=form.service_data(), rule=rule, request=request
            ),
        )
    ):
        return _done(request, _("The routing rule is saved."), "routing_list")
    return render(request, T + "routing_form.html", {"form": form, "rule": rule})


@require_http_methods(["GET", "POST"])
def routing_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _routing_page(request, None)


@require_http_methods(["GET", "POST"])
def routing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _routing_page(request, get_object_or_404(RoutingRule, pk=pk))


@require_http_methods(["GET", "POST"])
def routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule = get_object_or_404(RoutingRule.objects.select_related("territory", "organisation"), pk=pk)
    if request.method == "POST":
        try:
            service.routing_rule_delete(actor=request.user, rule=rule, request=request)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("rehabilitation:routing_list")
        return _done(request, _("The routing rule is removed."), "routing_list")
    return render(request, T + "routing_delete.html", {"rule": rule})
