"""The council's compositions: history, the proposed version and its members."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.errors import DomainError
from kopir.core.responses import form_page
from kopir.council.access import council_for_reader, council_for_secretary, is_secretary
from kopir.council.forms_composition import MemberForm
from kopir.council.models import Composition, CompositionStatus, Member
from kopir.council.selectors.councils import composition_in_council, deciding_votes, members_of
from kopir.council.selectors.councils import composition_list as select_compositions
from kopir.council.services.composition import (
    composition_discard,
    composition_propose,
    member_add,
    member_remove,
    member_update,
)
from kopir.council.views.meetings_common import attempted, council_page, refuse


@require_GET
def composition_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    compositions = list(select_compositions(council))
    return council_page(
        request,
        council,
        "council/meetings/composition_list.html",
        rows=compositions,
        has_proposed=any(c.status == CompositionStatus.PROPOSED for c in compositions),
    )


@require_POST
def composition_new(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    try:
        composition = composition_propose(actor=request.user, council=council, request=request)
    except DomainError as error:
        refuse(request, error)
        return redirect("council:composition_list", slug=council.slug)
    messages.success(
        request,
        _(
            "A new composition is proposed, starting from the members in force. Change it, then put it to a vote."
        ),
    )
    return redirect("council:composition_detail", slug=council.slug, pk=composition.pk)


@require_GET
def composition_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    composition = composition_in_council(council, pk)
    secretary = is_secretary(request.user, council)
    return render(
        request,
        "council/meetings/composition_detail.html",
        {
            "council": council,
            "composition": composition,
            "members": members_of(composition),
            "votes": deciding_votes(composition=composition),
            "can_edit": secretary and composition.status == CompositionStatus.PROPOSED,
        },
    )


def _proposed(request: HttpRequest, slug: str, pk: int) -> tuple[Composition, HttpResponse | None]:
    council = council_for_secretary(request.user, slug)
    composition = get_object_or_404(Composition, council=council, pk=pk)
    if composition.status != CompositionStatus.PROPOSED:
        messages.error(request, _("This composition was decided by a vote and cannot change."))
        return composition, redirect("council:composition_detail", slug=slug, pk=pk)
    return composition, None


@require_http_methods(["GET", "POST"])
def member_new(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _member_form(request, slug, pk, None)


@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, slug: str, pk: int, member_pk: int) -> HttpResponse:
    return _member_form(request, slug, pk, member_pk)


def _member_form(request: HttpRequest, slug: str, pk: int, member_pk: int | None) -> HttpResponse:
    """Add a member to the proposed composition (no `member_pk`) or change one of its members."""
    composition, refused = _proposed(request, slug, pk)
    if refused:
        return refused
    member = None
    if member_pk is not None:
        member = get_object_or_404(Member, composition=composition, pk=member_pk)
    initial = MemberForm.initial_from(member) if member else None
    form = MemberForm(request.POST if request.method == "POST" else None, initial=initial)

    def save() -> Member:
        by = {"actor": request.user, "request": request, **form.service_data()}
        if member is None:
            return member_add(composition=composition, **by)
        return member_update(member=member, **by)

    return form_page(
        request,
        form,
        "council/meetings/member_form.html",
        {"council": composition.council, "composition": composition, "member": member},
        save=save,
        done=_("The member's details are saved.")
        if member
        else _("The member is added to the proposed composition."),
        success_url=reverse("council:composition_detail", kwargs={"slug": slug, "pk": pk}),
    )


@require_POST
def member_delete(request: HttpRequest, slug: str, pk: int, member_pk: int) -> HttpResponse:
    composition, refused = _proposed(request, slug, pk)
    if refused:
        return refused
    member = get_object_or_404(Member, composition=composition, pk=member_pk)
    attempted(
        request,
        lambda: member_remove(actor=request.user, member=member, request=request),
        _("The member is removed from the proposed composition."),
    )
    return redirect("council:composition_detail", slug=slug, pk=pk)


@require_POST
def composition_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    composition, refused = _proposed(request, slug, pk)
    if refused:
        return refused
    if attempted(
        request,
        lambda: composition_discard(actor=request.user, composition=composition, request=request),
        _("The proposed composition is discarded."),
    ):
        return redirect("council:composition_list", slug=slug)
    return redirect("council:composition_detail", slug=slug, pk=pk)
