"""The administrator's pages: measure catalogue versions (made like the completeness rules'
versions), their measures grouped by part, suggestion rules, and routing rules."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.forms import VersionForm, at_version
from kopir.core.responses import act_and_tell, form_page, refilled_on_conflict
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

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

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


def _detail_url(pk: int) -> str:
    return reverse("rehabilitation:catalogue_detail", args=[pk])


# --- Versions ------------------------------------------------------------------------------------


@require_GET
def catalogue_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return render(request, T + "list.html", {"rows": catalogue_rows()})


@require_http_methods(["GET", "POST"])
def catalogue_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    if request.method == "POST":
        form = CatalogueCreateForm(request.POST)
    else:
        active = service.active_catalogue()
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
    return form_page(
        request,
        form,
        T + "create.html",
        {},
        save=lambda: service.catalogue_create_draft(
            actor=request.user,
            **{name: form.cleaned_data[name] for name in TEXT_FIELDS},
            based_on=form.cleaned_data["based_on"],
            request=request,
        ),
        done=_("The draft is made. Change its measures, then activate it."),
        success_url=lambda created: _detail_url(created.pk),
    )


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
    return form_page(
        request,
        form,
        T + "edit.html",
        {"catalogue": catalogue},
        save=lambda: service.catalogue_update(
            actor=request.user,
            catalogue=catalogue,
            expected_version=form.cleaned_data["version"],
            **{name: form.cleaned_data[name] for name in TEXT_FIELDS},
            request=request,
        ),
        done=_("The changes are saved."),
        success_url=_detail_url(pk),
        on_conflict=refilled_on_conflict(request, CatalogueEditForm, catalogue, initial=initial),
    )


def _draft_page(
    request: HttpRequest,
    catalogue: MeasureCatalogue,
    form: VersionForm,
    template: str,
    context: dict[str, Any],
    /,
    *,
    act: Callable[..., object],
    done: str,
    success_url: str,
    **inputs: Any,
) -> HttpResponse:
    """A page that changes a catalogue version through `act`, told the version the form read
    (activate, retire; a draft's measures and suggestion rules: add, change, remove). An input
    given as a function is read only once the form is valid."""
    return form_page(
        request,
        form,
        T + template,
        {"catalogue": catalogue, **context},
        save=lambda: act(
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            request=request,
            **{name: value() if callable(value) else value for name, value in inputs.items()},
        ),
        done=done,
        success_url=success_url,
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
    return _draft_page(
        request,
        catalogue,
        at_version(VersionForm, request, catalogue),
        template,
        {},
        act=act,
        done=done,
        success_url=_detail_url(pk),
        catalogue=catalogue,
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


# --- Measures and suggestion rules of a draft ----------------------------------------------------


@dataclass(frozen=True)
class _DraftRecords:
    """A kind of record a draft holds: its form, its services and where the draft lists it."""

    model: type[MeasureType] | type[SuggestionRule]
    related: tuple[str, ...]
    name: str  # the services' keyword for the record
    shown_as: str  # the templates' name for it
    form_class: Callable[..., Any]  # a ModelForm with service_data()
    form_takes_catalogue: bool
    save: Callable[..., object]
    delete: Callable[..., object]
    prefix: str  # its templates: <prefix>_form.html, <prefix>_delete.html
    saved: StrOrPromise
    removed: StrOrPromise
    listed_at: str


MEASURES = _DraftRecords(
    model=MeasureType,
    related=(),
    name="measure_type",
    shown_as="measure",
    form_class=MeasureTypeForm,
    form_takes_catalogue=False,
    save=service.measure_type_save,
    delete=service.measure_type_delete,
    prefix="measure",
    saved=gettext_lazy("The measure is saved."),
    removed=gettext_lazy("The measure is removed."),
    listed_at="catalogue_detail",
)
SUGGESTIONS = _DraftRecords(
    model=SuggestionRule,
    related=("measure_type",),
    name="rule",
    shown_as="rule",
    form_class=SuggestionRuleForm,
    form_takes_catalogue=True,
    save=service.suggestion_rule_save,
    delete=service.suggestion_rule_delete,
    prefix="suggestion",
    saved=gettext_lazy("The rule is saved."),
    removed=gettext_lazy("The rule is removed."),
    listed_at="suggestion_list",
)


def _draft_record_page(
    request: HttpRequest, pk: int, record_pk: int | None, kind: _DraftRecords, *, remove: bool
) -> HttpResponse:
    """A draft's record added or changed through its form, or removed after a confirmation whose
    form is the version read."""
    _require_admin(request)
    catalogue = _catalogue(pk)
    record = None
    if record_pk is not None:
        rows = kind.model.objects.select_related(*kind.related)
        record = get_object_or_404(rows, pk=record_pk, catalogue=catalogue)
    if (refused := _only_drafts(request, catalogue)) is not None:
        return refused
    form: Any
    if remove:
        form = at_version(VersionForm, request, catalogue)
        act, inputs, template, done = kind.delete, {}, "_delete.html", kind.removed
    else:
        form = at_version(
            kind.form_class,
            request,
            catalogue,
            instance=copy.copy(record) if record else None,
            **({"catalogue": catalogue} if kind.form_takes_catalogue else {}),
        )
        act, template, done = kind.save, "_form.html", kind.saved
        inputs = {"catalogue": catalogue, "data": lambda: form.service_data()}
    return _draft_page(
        request,
        catalogue,
        form,
        kind.prefix + template,
        {kind.shown_as: record},
        act=act,
        done=str(done),
        success_url=reverse(f"rehabilitation:{kind.listed_at}", args=[pk]),
        **{kind.name: record},
        **inputs,
    )


@require_GET
def suggestion_list(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    catalogue = _catalogue(pk)
    return render(
        request,
        T + "suggestion_list.html",
        {"catalogue": catalogue, "rows": suggestion_rule_rows(catalogue)},
    )


RecordView = Callable[..., HttpResponse]


def _record_views(kind: _DraftRecords) -> tuple[RecordView, RecordView, RecordView]:
    """The add, change and remove pages of a kind of record, as the URLs name them (the
    record's key: measure_pk, rule_pk)."""

    def page(remove: bool) -> RecordView:
        @require_http_methods(["GET", "POST"])
        def view(request: HttpRequest, pk: int, **record_pk: int) -> HttpResponse:
            key = next(iter(record_pk.values()), None)
            return _draft_record_page(request, pk, key, kind, remove=remove)

        return view

    return page(False), page(False), page(True)


measure_create, measure_edit, measure_delete = _record_views(MEASURES)
suggestion_create, suggestion_edit, suggestion_delete = _record_views(SUGGESTIONS)


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
    return form_page(
        request,
        form,
        T + "routing_form.html",
        {"rule": rule},
        save=lambda: service.routing_rule_save(
            actor=request.user, data=form.service_data(), rule=rule, request=request
        ),
        done=_("The routing rule is saved."),
        success_url=reverse("rehabilitation:routing_list"),
    )


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
        act_and_tell(
            request,
            lambda: service.routing_rule_delete(actor=request.user, rule=rule, request=request),
            done=_("The routing rule is removed."),
        )
        return redirect("rehabilitation:routing_list")
    return render(request, T + "routing_delete.html", {"rule": rule})
