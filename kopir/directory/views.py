"""Views: thin; they call access, selectors and services."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.responses import compared_on_conflict, form_page, render_page_or_fragment
from kopir.directory import access, selectors
from kopir.directory.forms import OrganisationEditForm, OrganisationFilterForm, OrganisationForm
from kopir.directory.models import Organisation
from kopir.directory.services import organisation_create, organisation_update

ORGANISATIONS_PER_PAGE = 25
TERRITORIES_PER_PAGE = 100


@require_GET
def territory_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_reader(request.user)
    page_obj = Paginator(selectors.territory_list(), TERRITORIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "directory/territory_list.html",
        {"page_obj": page_obj, "sources": selectors.reference_sources()},
    )


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponse:
    access.require_directory_reader(request.user)
    form = OrganisationFilterForm(request.GET)
    # An invalid filter (a territory that no longer exists) is shown as an error on its field;
    # the valid ones still apply.
    form.is_valid()
    filters: dict[str, Any] = form.cleaned_data
    organisations = selectors.organisation_search(
        query=filters.get("q") or "",
        kind=filters.get("kind") or "",
        territory=filters.get("territory"),
    )
    page_obj = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page_obj,
        "is_filtered": any(filters.get(name) for name in ("q", "kind", "territory")),
        "can_manage": access.can_manage_organisations(request.user),
    }
    return render_page_or_fragment(
        request,
        "directory/organisation_list.html",
        "directory/partials/organisation_results_htmx.html",
        context,
    )


@require_GET
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.organisation_for_user(request.user, pk)
    show_staff_names = access.can_see_staff_names(request.user)
    return render(
        request,
        "directory/organisation_detail.html",
        {
            "organisation": organisation,
            "units": selectors.organisation_units(organisation),
            "staff_count": selectors.organisation_staff_count(organisation),
            "staff": selectors.organisation_staff(organisation) if show_staff_names else None,
            "can_manage": access.can_manage_organisations(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    access.require_organisation_manager(request.user)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(
                actor=request.user, request=request, **form.organisation_data()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The organisation was added."))
            return redirect("directory:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "directory/organisation_form.html",
        {"form": form, "organisation": None},
    )


@require_http_methods(["GET", "POST"])
def organisation_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.organisation_for_manager(request.user, pk)
    if request.method == "POST":
        # The form writes its input onto the instance it is given; the page heading keeps showing
        # the saved organisation, so the form gets a copy.
        form = OrganisationEditForm(request.POST, instance=copy.copy(organisation))
    else:
        form = OrganisationEditForm(
            instance=organisation, initial={"version": organisation.version}
        )

    def reread() -> Organisation:
        nonlocal organisation
        organisation = access.organisation_for_manager(request.user, pk)
        return organisation

    return form_page(
        request,
        form,
        "directory/organisation_form.html",
        lambda: {"organisation": organisation},
        save=lambda: organisation_update(
            actor=request.user,
            organisation=organisation,
            expected_version=form.cleaned_data["version"],
            request=request,
            **form.organisation_data(),
        ),
        done=_("The changes were saved."),
        unchanged=_("Nothing was changed."),
        success_url=reverse("directory:organisation_detail", args=[pk]),
        # Keep everything the administrator typed, show what the other person saved, and carry
        # the new version: submitting again is then a deliberate choice to replace it.
        on_conflict=compared_on_conflict(
            request,
            OrganisationEditForm,
            reread,
            lambda saved: {"instance": copy.copy(saved)},
        ),
    )
