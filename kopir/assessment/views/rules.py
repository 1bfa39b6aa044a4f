"""The administrator's pages for the completeness rules: versions, their rules, activation."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.assessment.access import can_manage_rules
from kopir.assessment.forms_rules import (
    ActivateForm,
    RuleForm,
    RuleSetCreateForm,
    RuleSetEditForm,
)
from kopir.assessment.models import CompletenessRule, CompletenessRuleSet
from kopir.assessment.selectors.rules import rule_rows, rule_set_rows
from kopir.assessment.services.completeness import rule_set_in_force
from kopir.assessment.services.rules import (
    rule_delete,
    rule_save,
    rule_set_activate,
    rule_set_create_draft,
    rule_set_retire,
    rule_set_update,
)
from kopir.core.forms import VersionForm
from kopir.core.responses import act_and_tell, form_page, refilled_on_conflict


def _require_admin(request: HttpRequest) -> None:
    if not can_manage_rules(request.user):
        raise PermissionDenied(_("Only an administrator manages the completeness rules."))


def _rule_set(pk: int) -> CompletenessRuleSet:
    return get_object_or_404(CompletenessRuleSet, pk=pk)


@require_GET
def rule_set_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    in_force = rule_set_in_force()
    return render(
        request,
        "assessment/rules/list.html",
        {"rows": rule_set_rows(), "in_force": in_force},
    )


@require_http_methods(["GET", "POST"])
def rule_set_new(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    if request.method == "POST":
        form = RuleSetCreateForm(request.POST)
        if form.is_valid():
            try:
                rule_set = rule_set_create_draft(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    legal_source=form.cleaned_data["legal_source"],
                    notes=form.cleaned_data["notes"],
                    based_on=form.cleaned_data["based_on"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("The draft is made. Change its rules, then activate it.")
                )
                return redirect("assessment:rules_detail", pk=rule_set.pk)
    else:
        in_force = rule_set_in_force()
        form = RuleSetCreateForm(
            initial={
                "based_on": in_force,
                "title": in_force.title if in_force else "",
                "legal_source": in_force.legal_source if in_force else "",
            }
        )
    return render(request, "assessment/rules/set_form.html", {"form": form, "rule_set": None})


@require_GET
def rule_set_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule_set = _rule_set(pk)
    in_force = rule_set_in_force()
    return render(
        request,
        "assessment/rules/detail.html",
        {
            "rule_set": rule_set,
            "rows": rule_rows(rule_set),
            "is_in_force": in_force is not None and in_force.pk == rule_set.pk,
            "activate_form": ActivateForm(
                initial={"version": rule_set.version, "effective_from": timezone.localdate()}
            ),
            "version_form": VersionForm(initial={"version": rule_set.version}),
        },
    )


@require_http_methods(["GET", "POST"])
def rule_set_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    rule_set = _rule_set(pk)
    if not rule_set.is_editable:
        messages.info(request, _("Only a draft can be changed."))
        return redirect("assessment:rules_detail", pk=pk)
    form = RuleSetEditForm(
        request.POST if request.method == "POST" else None, instance=copy.copy(rule_set)
    )
    return form_page(
        request,
        form,
        "assessment/rules/set_form.html",
        {"rule_set": rule_set},
        save=lambda: rule_set_update(
            actor=request.user,
            rule_set=rule_set,
            expected_version=form.cleaned_data["version"],
            title=form.cleaned_data["title"],
            legal_source=form.cleaned_data["legal_source"],
            notes=form.cleaned_data["notes"],
            request=request,
        ),
        done=_("The changes are saved."),
        success_url=reverse("assessment:rules_detail", args=[pk]),
        on_conflict=refilled_on_conflict(
            request, RuleSetEditForm, rule_set, instance=copy.copy(rule_set)
        ),
    )


@require_http_methods(["GET", "POST"])
def rule_set_activate_view(request: HttpRequest, pk: int) -> HttpResponse:
    initial = {"effective_from": timezone.localdate()}
    done = _("The rules are active.")
    return _rule_set_step(request, pk, ActivateForm, "activate", rule_set_activate, done, initial)


@require_http_methods(["GET", "POST"])
def rule_set_retire_view(request: HttpRequest, pk: int) -> HttpResponse:
    done = _("The rules are retired.")
    return _rule_set_step(request, pk, VersionForm, "retire", rule_set_retire, done, {})


def _rule_set_step(
    request: HttpRequest,
    pk: int,
    form_class: type[VersionForm],
    page: str,
    step: Callable[..., object],
    done: str,
    initial: dict[str, Any],
) -> HttpResponse:
    """A step of a rule set's life (activate, retire) confirmed on its own page: the form's
    fields, the version the page was read at among them, go to the service `step`."""
    _require_admin(request)
    rule_set = _rule_set(pk)
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial={"version": rule_set.version, **initial},
    )

    def save() -> object:
        data = dict(form.cleaned_data)
        expected_version = data.pop("version")
        return step(
            actor=request.user,
            rule_set=rule_set,
            expected_version=expected_version,
            request=request,
            **data,
        )

    return form_page(
        request,
        form,
        f"assessment/rules/{page}.html",
        {"rule_set": rule_set},
        save=save,
        done=done,
        success_url=reverse("assessment:rules_detail", args=[pk]),
    )


def _rule_form_page(
    request: HttpRequest, rule_set: CompletenessRuleSet, rule: CompletenessRule | None
) -> HttpResponse:
    if not rule_set.is_editable:
        messages.info(request, _("Only a draft can be changed."))
        return redirect("assessment:rules_detail", pk=rule_set.pk)
    instance = copy.copy(rule) if rule is not None else None
    form = RuleForm(request.POST if request.method == "POST" else None, instance=instance)
    return form_page(
        request,
        form,
        "assessment/rules/rule_form.html",
        {"rule_set": rule_set, "rule": rule},
        save=lambda: rule_save(
            actor=request.user,
            rule_set=rule_set,
            rule=rule,
            expected_version=form.cleaned_data.get("version"),
            data=form.service_data(),
            request=request,
        ),
        done=_("The rule is saved."),
        success_url=reverse("assessment:rules_detail", args=[rule_set.pk]),
    )


@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    return _rule_form_page(request, _rule_set(pk), None)


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    _require_admin(request)
    rule_set = _rule_set(pk)
    rule = get_object_or_404(CompletenessRule, pk=rule_pk, rule_set=rule_set)
    return _rule_form_page(request, rule_set, rule)


@require_http_methods(["GET", "POST"])
def rule_remove(request: HttpRequest, pk: int, rule_pk: int) -> HttpResponse:
    _require_admin(request)
    rule_set = _rule_set(pk)
    rule = get_object_or_404(CompletenessRule, pk=rule_pk, rule_set=rule_set)
    if request.method == "POST":
        act_and_tell(
            request,
            lambda: rule_delete(actor=request.user, rule=rule, request=request),
            done=_("The rule is removed from the draft."),
        )
        return redirect("assessment:rules_detail", pk=rule_set.pk)
    rows = [row for row in rule_rows(rule_set) if row.rule.pk == rule.pk]
    return render(
        request,
        "assessment/rules/rule_delete.html",
        {"rule_set": rule_set, "rule": rule, "row": rows[0] if rows else None},
    )
