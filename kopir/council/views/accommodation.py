"""Accommodation requests for meetings, and the secretary's list of them as tasks."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.forms import service_saved
from kopir.core.selectors import page_of
from kopir.council.access import (
    can_manage_council,
    can_request_accommodation,
    council_for_secretary,
    council_for_user,
    seat_of,
)
from kopir.council.forms_meetings_petitions import AccommodationForm, AccommodationResolveForm
from kopir.council.selectors.accommodation import accommodation_in_council
from kopir.council.selectors.meetings import accommodation_tasks, meeting_in_council
from kopir.council.services.accommodation import accommodation_request, accommodation_resolve

TASKS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
def accommodation_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_user(request.user, slug)
    if not can_request_accommodation(request.user, council):
        raise PermissionDenied
    meeting = meeting_in_council(council, pk)
    # The secretary asks on a participant's behalf; a member asks for themselves.
    on_behalf = can_manage_council(request.user, council)
    form = AccommodationForm(
        request.POST if request.method == "POST" else None, for_self=not on_behalf
    )
    if request.method == "POST" and form.is_valid():
        seat = None if on_behalf else seat_of(request.user, council)
        if service_saved(
            form,
            lambda: accommodation_request(
                actor=request.user,
                meeting=meeting,
                requested_by=form.cleaned_data["requested_by"] if on_behalf else seat.full_name,  # type: ignore[union-attr]
                need=form.cleaned_data["need"],
                note=form.cleaned_data["note"],
                account=None if on_behalf else request.user,
                request=request,
            ),
        ):
            messages.success(request, _("The request is passed to the council's secretary."))
            return redirect("council:meeting_detail", slug=slug, pk=pk)
    return render(
        request,
        "council/meetings/accommodation_form.html",
        {"council": council, "meeting": meeting, "form": form},
    )


@require_GET
def accommodation_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    show_all = request.GET.get("show") == "all"
    page_obj = page_of(
        accommodation_tasks(council, open_only=not show_all),
        TASKS_PER_PAGE,
        request.GET.get("page"),
    )
    return render(
        request,
        "council/meetings/accommodation_list.html",
        {
            "council": council,
            "page_obj": page_obj,
            "show_all": show_all,
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def accommodation_resolve_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    task = accommodation_in_council(council, pk)
    if request.method == "POST":
        form = AccommodationResolveForm(request.POST)
        if form.is_valid() and service_saved(
            form,
            lambda: accommodation_resolve(
                actor=request.user, accommodation=task, request=request, **form.cleaned_data
            ),
        ):
            messages.success(request, _("The request is marked as resolved."))
            return redirect("council:accommodation_list", slug=slug)
    else:
        form = AccommodationResolveForm(
            initial={
                "status": task.status if task.status != "open" else "",
                "resolution": task.resolution,
            }
        )
    return render(
        request,
        "council/meetings/accommodation_resolve.html",
        {"council": council, "task": task, "form": form},
    )
