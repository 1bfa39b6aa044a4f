"""Votes on agenda items: opening, recording ballots or totals, closing with the result."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kopir.core.errors import DomainError
from kopir.council.access import can_manage_council, council_for_reader, council_for_secretary
from kopir.council.forms_meetings import BallotsForm, TotalsForm
from kopir.council.models import Council, Meeting, Member, Vote, VoteKind, VoteResult
from kopir.council.selectors.meetings import (
    agenda_item_for_page,
    attendance_rows,
    meeting_in_council,
    quorum_status,
    vote_for_page,
)
from kopir.council.services.votes import ballots_record, vote_close, vote_open, vote_set_totals
from kopir.council.views.agenda import item_page, vote_form
from kopir.council.views.meetings_common import refuse

PRESENT = {"in_person", "online"}


def _present_members(meeting: Meeting) -> list[Member]:
    return [row.member for row in attendance_rows(meeting) if row.status in PRESENT]


def _page(
    request: HttpRequest,
    council: Council,
    meeting: Meeting,
    vote: Vote,
    *,
    ballots_form: BallotsForm | None = None,
    totals_form: TotalsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_manage = can_manage_council(request.user, council)
    is_open = vote.result == VoteResult.OPEN
    if can_manage and is_open and vote.kind == VoteKind.ROLL_CALL and ballots_form is None:
        ballots_form = BallotsForm(members=_present_members(meeting), vote=vote)
    if can_manage and is_open and vote.kind == VoteKind.COUNTED and totals_form is None:
        totals_form = TotalsForm(
            initial={
                "votes_for": vote.votes_for,
                "votes_against": vote.votes_against,
                "votes_abstain": vote.votes_abstain,
            }
        )
    return render(
        request,
        "council/meetings/vote_detail.html",
        {
            "council": council,
            "meeting": meeting,
            "vote": vote,
            "item": vote.agenda_item,
            "quorum": quorum_status(meeting),
            "is_open": is_open,
            "can_manage": can_manage,
            "ballots_form": ballots_form if can_manage and is_open else None,
            "totals_form": totals_form if can_manage and is_open else None,
        },
        status=status,
    )


@require_GET
def vote_detail(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    meeting = meeting_in_council(council, pk)
    return _page(request, council, meeting, vote_for_page(meeting, vote_pk))


@require_POST
def vote_new(request: HttpRequest, slug: str, pk: int, item_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    item = agenda_item_for_page(meeting, item_pk)
    form = vote_form(council, request.POST)
    if form.is_valid():
        composition, plan = form.decided()
        try:
            vote = vote_open(
                actor=request.user,
                agenda_item=item,
                question=form.cleaned_data["question"],
                kind=form.cleaned_data["kind"],
                decides_composition=composition,
                decides_plan=plan,
                request=request,
            )
        except ValidationError as error:
            form.add_service_error(error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The vote is open. Record the votes, then close it."))
            return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote.pk)
    return item_page(request, council, meeting, item, status=400, vote_form=form)


@require_POST
def vote_ballots(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    form = BallotsForm(request.POST, members=_present_members(meeting), vote=vote)
    if form.is_valid():
        try:
            ballots_record(actor=request.user, vote=vote, choices=form.choices(), request=request)
        except ValidationError as error:
            form.add_service_error(error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The ballots are saved."))
            return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
    return _page(request, council, meeting, vote, ballots_form=form, status=400)


@require_POST
def vote_totals(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    form = TotalsForm(request.POST)
    if form.is_valid():
        try:
            vote_set_totals(actor=request.user, vote=vote, request=request, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The totals are saved."))
            return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
    return _page(request, council, meeting, vote, totals_form=form, status=400)


@require_POST
def vote_close_view(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    try:
        closed = vote_close(actor=request.user, vote=vote, request=request)
    except DomainError as error:
        refuse(request, error)
    else:
        messages.success(
            request,
            _("The vote is closed. Result: %(result)s.") % {"result": closed.get_result_display()},
        )
    return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
