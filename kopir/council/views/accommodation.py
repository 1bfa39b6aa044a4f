"""Accommodation requests for meetings, and the secretary's list of them as tasks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.responses import form_page
from kopir.core.selectors import page_of
from kopir.council.access import (
    can_request_accommodation,
    council_for_secretary,
    council_for_user,
    is_secretary,
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
    on_behalf = is_secretary(request.user, council)
    form = AccommodationForm(
        request.POST if request.method == "POST" else None, for_self=not on_behalf
    )

    def save() -> object:
        seat = None if on_behalf else seat_of(request.user, council)
        return accommodation_request(
            actor=request.user,
            meeting=meeting,
            requested_by=form.cleaned_data["requested_by"] if on_behalf else seat.full_name,  # type: ignore[union-attr]
            need=form.cleaned_data["need"],
            note=form.cleaned_data["note"],
            account=None if on_behalf else request.user,
            request=request,
        )

    return form_page(
        request,
        form,
        "council/meetings/accommodation_form.html",
        {"council": council, "meeting": meeting},
        save=save,
        done=_("The request is passed to the council's secretary."),
        success_url=reverse("council:meeting_detail", kwargs={"slug": slug, "pk": pk}),
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
    form = (
        AccommodationResolveForm(request.POST)
        if request.method == "POST"
        else AccommodationResolveForm(
            initial={
                "status": task.status if task.status != "open" else "",
                "resolution": task.resolution,
            }
        )
    )
    return form_page(
        request,
        form,
        "council/meetings/accommodation_resolve.html",
        {"council": council, "task": task},
        save=lambda: accommodation_resolve(
            actor=request.user, accommodation=task, request=request, **form.cleaned_data
        ),
        done=_("The request is marked as resolved."),
        success_url=reverse("council:accommodation_list", kwargs={"slug": slug}),
    )
