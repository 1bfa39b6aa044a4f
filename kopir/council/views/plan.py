"""The council's work plans: drafting, items, and following the approved plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.responses import form_page
from kopir.council.access import council_for_reader, council_for_secretary, is_secretary
from kopir.council.forms_plan import PlanForm, PlanItemForm, PlanItemStatusForm
from kopir.council.models import Council, PlanStatus, WorkPlan, WorkPlanItem
from kopir.council.selectors.councils import (
    deciding_votes,
    plan_in_council,
    plan_items_with_progress,
    plan_status_counts,
    responsible_choices,
)
from kopir.council.selectors.councils import plan_list as select_plans
from kopir.council.services.plan import (
    plan_create,
    plan_item_add,
    plan_item_remove,
    plan_item_set_status,
    plan_item_update,
)
from kopir.council.views.meetings_common import attempted, council_page


@require_GET
def plan_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    return council_page(
        request,
        council,
        "council/meetings/plan_list.html",
        rows=list(select_plans(council)),
    )


@require_http_methods(["GET", "POST"])
def plan_new(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    form = PlanForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        "council/meetings/plan_form.html",
        {"council": council},
        save=lambda: plan_create(
            actor=request.user, council=council, request=request, **form.cleaned_data
        ),
        done=_("The draft plan is created. Add its items."),
        success_url=lambda plan: reverse(
            "council:plan_detail", kwargs={"slug": slug, "pk": plan.pk}
        ),
    )


@require_GET
def plan_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    plan = plan_in_council(council, pk)
    items = plan_items_with_progress(plan)
    secretary = is_secretary(request.user, council)
    return render(
        request,
        "council/meetings/plan_detail.html",
        {
            "council": council,
            "plan": plan,
            "items": items,
            "counts": plan_status_counts(items),
            "votes": deciding_votes(plan=plan),
            "is_secretary": secretary,
            "can_edit": secretary and plan.status == PlanStatus.DRAFT,
            "can_follow": secretary and plan.status == PlanStatus.APPROVED,
        },
    )


def _plan_for_secretary(request: HttpRequest, slug: str, pk: int) -> tuple[Council, WorkPlan]:
    council = council_for_secretary(request.user, slug)
    return council, get_object_or_404(WorkPlan, council=council, pk=pk)


@require_http_methods(["GET", "POST"])
def plan_item_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _plan_item_form(request, slug, pk, None)


@require_http_methods(["GET", "POST"])
def plan_item_edit(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    return _plan_item_form(request, slug, pk, item_pk)


def _plan_item_form(request: HttpRequest, slug: str, pk: int, item_pk: int | None) -> HttpResponse:
    """Add an item to the draft plan (no `item_pk`) or change one of its items."""
    council, plan = _plan_for_secretary(request, slug, pk)
    item = None if item_pk is None else get_object_or_404(WorkPlanItem, plan=plan, pk=item_pk)
    initial = PlanItemForm.initial_from(item) if item else None
    data = request.POST if request.method == "POST" else None
    form = PlanItemForm(data, initial=initial, members=responsible_choices(council))

    def save() -> WorkPlanItem:
        by = {"actor": request.user, "request": request, **form.service_data()}
        return plan_item_add(plan=plan, **by) if item is None else plan_item_update(item=item, **by)

    return form_page(
        request,
        form,
        "council/meetings/plan_item_form.html",
        {"council": council, "plan": plan, "item": item},
        save=save,
        done=_("The item is saved.") if item else _("The item is added to the plan."),
        success_url=_plan_url(plan),
    )


def _plan_url(plan: WorkPlan) -> str:
    return reverse("council:plan_detail", kwargs={"slug": plan.council.slug, "pk": plan.pk})


@require_POST
def plan_item_delete(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    _council, plan = _plan_for_secretary(request, slug, pk)
    item = get_object_or_404(WorkPlanItem, plan=plan, pk=item_pk)
    attempted(
        request,
        lambda: plan_item_remove(actor=request.user, item=item, request=request),
        _("The item is removed from the draft plan."),
    )
    return redirect("council:plan_detail", slug=slug, pk=pk)


@require_http_methods(["GET", "POST"])
def plan_item_status(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    council, plan = _plan_for_secretary(request, slug, pk)
    item = get_object_or_404(WorkPlanItem, plan=plan, pk=item_pk)
    form = PlanItemStatusForm(request.POST if request.method == "POST" else None, item=item)
    return form_page(
        request,
        form,
        "council/meetings/plan_item_status.html",
        {"council": council, "plan": plan, "item": item},
        save=lambda: plan_item_set_status(
            actor=request.user, item=item, request=request, **form.service_data()
        ),
        done=_("The item's status is saved."),
        success_url=_plan_url(plan),
    )
