"""Views: thin; they call selectors and services."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.identifiers import iin_hint
from kopir.core.responses import (
    compared_on_conflict,
    form_page,
    render_page_or_fragment,
    wants_fragment,
)
from kopir.people.access import (
    can_edit_person,
    can_register_people,
    can_search_people,
    is_accessible,
    person_for_editor,
)
from kopir.people.actions import person_actions
from kopir.people.forms import PersonEditForm, PersonForm, PersonSearchForm
from kopir.people.models import Person
from kopir.people.selectors import PersonCursor, person_read, person_search
from kopir.people.services import person_register_or_link, person_update


@require_http_methods(["GET", "POST"])
def search(request: HttpRequest) -> HttpResponse:
    """Find a person by IIN or name. With htmx, only the results region is sent back.

    The query travels in a POST body, never in the address: an IIN or a name in a URL would end
    up in browser history and in every proxy's access log.
    """
    if not can_search_people(request.user):
        raise PermissionDenied(_("Your role does not give access to persons' records."))
    data = request.POST if request.method == "POST" else None
    # A blank query is no search at all (the page invites one), not an error.
    has_query = bool(data and data.get("q", "").strip())
    form = PersonSearchForm(data if has_query else None)
    page_obj = None
    if has_query and form.is_valid():
        page_obj = person_search(
            request.user,
            form.cleaned_data["q"],
            PersonCursor.parse(data.get("after") if data else None),
            request=request,
        )
    context = {
        "form": form,
        "page_obj": page_obj,
        "is_htmx": wants_fragment(request),
        "can_register": can_register_people(request.user),
    }
    return render_page_or_fragment(
        request, "people/search.html", "people/_search_results.html", context
    )


@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_read(request.user, pk, request)
    hint = iin_hint(person.iin)
    representative = person.legal_representative
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            # The IIN is only a hint about the date of birth (decree No. 853 of 2013): shown
            # when it differs, never used to refuse or correct the record.
            "iin_birth_date_hint": (
                hint.birth_date
                if hint.birth_date is not None and hint.birth_date != person.birth_date
                else None
            ),
            "representative_accessible": is_accessible(request.user, representative),
            "can_edit": can_edit_person(request.user, person),
            "actions": person_actions(request.user, person),
        },
    )


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if not can_register_people(request.user):
        raise PermissionDenied(_("Your role may not register persons."))
    # Not `request.POST or None`: an empty submission must be validated, not shown as a new form.
    form = PersonForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            registration = person_register_or_link(
                actor=request.user, request=request, **form.service_data()
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if registration.already_registered:
                messages.success(
                    request,
                    _(
                        "This person was already in the registry with these details: your "
                        "organisation can now open their record."
                    ),
                )
            else:
                messages.success(request, _("The person is registered."))
            return redirect("people:detail", pk=registration.person.pk)
    return render(request, "people/form.html", {"form": form, "person": None})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    # The role is checked before the record is looked up, so a refusal says nothing about
    # whether the person exists.
    if not can_register_people(request.user):
        raise PermissionDenied(_("Your role may read persons' records but not change them."))
    if request.method == "POST":
        person = person_for_editor(request.user, pk)
        # A bound ModelForm writes the submitted values onto its instance; give it a copy so
        # the page around the form still shows the record as stored.
        form = PersonEditForm(request.POST, instance=copy.copy(person), user=request.user)
    else:
        # Opening the form shows the whole record: that is a read, and it is audited.
        person = person_read(request.user, pk, request)
        form = PersonEditForm(instance=person, user=request.user)

    def reread() -> Person:
        # What the other person saved is shown: a read of the record, so audited.
        nonlocal person
        person = person_read(request.user, pk, request)
        return person

    return form_page(
        request,
        form,
        "people/form.html",
        lambda: {"person": person},
        save=lambda: person_update(
            actor=request.user,
            person=person,
            expected_version=form.cleaned_data["version"],
            request=request,
            **form.service_data(),
        ),
        done=_("The changes are saved."),
        success_url=reverse("people:detail", args=[pk]),
        # Keep everything the clinician typed, show what the other person saved, and carry the
        # new version: submitting again is then a deliberate choice to replace it.
        on_conflict=compared_on_conflict(
            request,
            PersonEditForm,
            reread,
            lambda saved: {"instance": copy.copy(saved), "user": request.user},
        ),
    )
