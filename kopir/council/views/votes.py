"""Votes on agenda items: opening, recording ballots or totals, closing with the result, and a
present member casting their own ballot on the vote's page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kopir.core.errors import DomainError
from kopir.council.access import (
    council_for_reader,
    council_for_secretary,
    council_for_user,
    is_chair,
    is_secretary,
    voting_seat,
)
from kopir.council.forms_meetings import (
    BallotsForm,
    OwnBallotForm,
    TotalsForm,
    VoteAnnulForm,
    encode_ballots,
)
from kopir.council.models import Ballot, Council, Meeting, Member, Vote, VoteKind, VoteResult
from kopir.council.selectors.meetings import (
    agenda_item_for_page,
    attendance_rows,
    meeting_in_council,
    quorum_status,
    vote_for_page,
)
from kopir.council.services.votes import (
    BallotsChangedError,
    ballot_cast_by_member,
    ballots_record,
    vote_annul,
    vote_close,
    vote_closed_error,
    vote_open,
    vote_set_totals,
)
from kopir.council.views.agenda import item_page, vote_form
from kopir.council.views.meetings_common import posted_from_page, refuse

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
    own_ballot_form: OwnBallotForm | None = None,
    annul_form: VoteAnnulForm | None = None,
    status: int = 200,
) -> HttpResponse:
    secretary = is_secretary(request.user, council)
    can_annul = (
        vote.result != VoteResult.OPEN
        and vote.annulled_at is None
        and is_chair(request.user, council)
    )
    if can_annul and annul_form is None:
        annul_form = VoteAnnulForm()
    is_open = vote.result == VoteResult.OPEN
    if secretary and is_open and vote.kind == VoteKind.ROLL_CALL and ballots_form is None:
        ballots_form = BallotsForm(members=_present_members(meeting), vote=vote)
    if secretary and is_open and vote.kind == VoteKind.COUNTED and totals_form is None:
        totals_form = TotalsForm(
            vote=vote,
            initial={
                "votes_for": vote.votes_for,
                "votes_against": vote.votes_against,
                "votes_abstain": vote.votes_abstain,
            },
        )
    # A member present at the meeting votes here themselves; their ballot is among the prefetched.
    seat = voting_seat(request.user, meeting) if vote.kind == VoteKind.ROLL_CALL else None
    own_ballot = _ballot_of(vote, seat)
    if seat is not None and is_open and own_ballot_form is None:
        own_ballot_form = OwnBallotForm(
            initial={"choice": own_ballot.choice if own_ballot else ""}, question=vote.question
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
            "is_secretary": secretary,
            "ballots_form": ballots_form if secretary and is_open else None,
            "totals_form": totals_form if secretary and is_open else None,
            "seat": seat,
            "own_ballot": own_ballot,
            "own_ballot_form": own_ballot_form if seat is not None and is_open else None,
            "annul_form": annul_form if can_annul else None,
        },
        status=status,
    )


def _ballot_of(vote: Vote, seat: Member | None) -> Ballot | None:
    if seat is None:
        return None
    return next((ballot for ballot in vote.ballots.all() if ballot.member_id == seat.pk), None)


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

    def save() -> Vote:
        composition, plan = form.decided()
        return vote_open(
            actor=request.user,
            agenda_item=item,
            question=form.cleaned_data["question"],
            question_ru=form.cleaned_data["question_ru"],
            kind=form.cleaned_data["kind"],
            decides_composition=composition,
            decides_plan=plan,
            request=request,
        )

    return posted_from_page(
        request,
        form,
        save=save,
        done=_("The vote is open. Record the votes, then close it."),
        success_url=lambda vote: _vote_url(slug, pk, vote.pk),
        page=lambda: item_page(request, council, meeting, item, status=400, vote_form=form),
    )


@require_POST
def vote_ballots(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    members = _present_members(meeting)
    form = BallotsForm(request.POST, members=members, vote=vote)
    status = 400
    if form.is_valid():
        try:
            ballots_record(
                actor=request.user,
                vote=vote,
                choices=form.choices(),
                seen=form.seen_ballots(),
                request=request,
            )
        except BallotsChangedError as error:
            form = _ballots_form_after_conflict(request, members, vote, error)
            status = 409
        except ValidationError as error:
            form.add_service_error(error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The ballots are saved."))
            return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
    return _page(request, council, meeting, vote, ballots_form=form, status=status)


def _ballots_form_after_conflict(
    request: HttpRequest, members: list[Member], vote: Vote, error: BallotsChangedError
) -> BallotsForm:
    """The secretary's choices kept, but the rows that changed meanwhile show their ballot as it
    is now, and the form now says it has seen today's ballots: saving again is a deliberate act."""
    data = request.POST.copy()
    for member_id in error.member_ids:
        data[f"member_{member_id}"] = error.current.get(member_id, "")
    data["seen"] = encode_ballots(error.current)
    form = BallotsForm(data, members=members, vote=vote)
    form.is_valid()
    form.add_error(None, str(error))
    return form


@require_POST
def vote_totals(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    form = TotalsForm(request.POST, vote=vote)
    return posted_from_page(
        request,
        form,
        save=lambda: vote_set_totals(
            actor=request.user, vote=vote, request=request, **form.service_data()
        ),
        done=_("The totals are saved."),
        success_url=_vote_url(slug, pk, vote_pk),
        page=lambda: _page(request, council, meeting, vote, totals_form=form, status=400),
    )


def _vote_url(slug: str, pk: int, vote_pk: int) -> str:
    return reverse("council:vote_detail", kwargs={"slug": slug, "pk": pk, "vote_pk": vote_pk})


@require_POST
def vote_close_view(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    """Close the vote from the ballots' (or totals') form the page showed: refused unless the box
    is ticked, while the form holds votes not saved, or when the stored votes differ from those
    the page showed. A refusal shows the page again (400) with everything the secretary entered;
    a vote closed already is told so on its page, whatever was posted."""
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    if vote.result != VoteResult.OPEN:
        refuse(request, vote_closed_error())
        return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
    form: BallotsForm | TotalsForm
    if vote.kind == VoteKind.ROLL_CALL:
        form = BallotsForm(request.POST, members=_present_members(meeting), vote=vote)
    else:
        form = TotalsForm(request.POST, vote=vote)
    if form.is_valid():
        # The close button's own checks put their refusal on the form, which is then no longer
        # valid: posted_from_page shows it again instead of closing.
        form.close_refused()

    def close() -> Vote:
        if isinstance(form, BallotsForm):
            return vote_close(
                actor=request.user,
                vote=vote,
                shown_ballots=form.seen_ballots() or {},
                request=request,
            )
        return vote_close(
            actor=request.user,
            vote=vote,
            shown_totals=form.shown_totals() or (0, 0, 0),
            request=request,
        )

    def page() -> HttpResponse:
        if isinstance(form, BallotsForm):
            return _page(request, council, meeting, vote, ballots_form=form, status=400)
        return _page(request, council, meeting, vote, totals_form=form, status=400)

    return posted_from_page(
        request,
        form,
        save=close,
        done=lambda closed: (
            _("The vote is closed. Result: %(result)s.") % {"result": closed.get_result_display()}
        ),
        success_url=_vote_url(slug, pk, vote_pk),
        page=page,
    )


@require_POST
def vote_annul_view(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    """The chair annuls a vote closed by mistake, with a reason the minutes show."""
    council = council_for_reader(request.user, slug)
    if not is_chair(request.user, council):
        raise PermissionDenied
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    form = VoteAnnulForm(request.POST)
    return posted_from_page(
        request,
        form,
        save=lambda: vote_annul(
            actor=request.user, vote=vote, reason=form.cleaned_data["reason"], request=request
        ),
        done=_("The vote is annulled. The question can be put to a new vote on the item."),
        success_url=_vote_url(slug, pk, vote_pk),
        page=lambda: _page(request, council, meeting, vote, annul_form=form, status=400),
    )


@require_POST
def vote_own_ballot(request: HttpRequest, slug: str, pk: int, vote_pk: int) -> HttpResponse:
    """A member present at the meeting casts or changes their own ballot (roll-call votes)."""
    council = council_for_user(request.user, slug)
    meeting = meeting_in_council(council, pk)
    vote = vote_for_page(meeting, vote_pk)
    if voting_seat(request.user, meeting) is None:
        raise PermissionDenied
    form = OwnBallotForm(request.POST, question=vote.question)
    offered = vote.result == VoteResult.OPEN and vote.kind == VoteKind.ROLL_CALL
    # A form no longer offered (the vote closed meanwhile) gets the service's refusal, not a
    # complaint about the choice.
    if form.is_valid() or not offered:
        try:
            ballot_cast_by_member(
                actor=request.user,
                vote=vote,
                choice=form.cleaned_data.get("choice", ""),
                request=request,
            )
        except ValidationError as error:
            form.add_service_error(error)
        except DomainError as error:
            # Closed meanwhile, or a counted vote: the page now shows why, nothing was saved.
            refuse(request, error)
            return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
        else:
            messages.success(request, _("Your vote is saved."))
            return redirect("council:vote_detail", slug=slug, pk=pk, vote_pk=vote_pk)
    return _page(request, council, meeting, vote, own_ballot_form=form, status=400)
