"""Meeting invitations: the secretary's confirmation before sending, and the invitee's reply page
(reached by the personal link in the invitation, without signing in)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kopir.accounts.middleware import two_factor_exempt
from kopir.core.errors import DomainError
from kopir.core.responses import form_page
from kopir.council.access import council_for_secretary
from kopir.council.forms_invitations import InvitationReplyForm
from kopir.council.forms_meetings import ConfirmedActionForm
from kopir.council.selectors.meetings import meeting_in_council
from kopir.council.services.invitation_calendar import meeting_location
from kopir.council.services.invitations import (
    InvitationLinkExpired,
    InvitationLinkInvalid,
    invitation_accommodation_requests,
    invitation_by_token,
    invitation_plan,
    invitations_open,
    meeting_invite,
)
from kopir.council.views.meetings_common import refuse


@require_http_methods(["GET", "POST"])
def meeting_invitations(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Who will be invited (or sent an update) and what they will be told; sent only once the
    secretary ticks the box, and only if the meeting did not change since this page showed it."""
    council = council_for_secretary(request.user, slug)
    meeting = meeting_in_council(council, pk)
    if request.method == "POST":
        form = ConfirmedActionForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.refusal())
            return redirect("council:meeting_invitations", slug=slug, pk=pk)
        try:
            report = meeting_invite(
                actor=request.user,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                request=request,
            )
        except DomainError as error:
            refuse(request, error)
            return redirect("council:meeting_invitations", slug=slug, pk=pk)
        messages.success(
            request,
            _("Invitations are being sent: %(new)s new, %(updated)s updated.")
            % {"new": report.new, "updated": report.updated},
        )
        if report.without_address:
            messages.warning(
                request,
                _(
                    "%(count)s participants have no e-mail address in Kopir: invite them another way."
                )
                % {"count": report.without_address},
            )
        return redirect("council:meeting_detail", slug=slug, pk=pk)
    return render(
        request,
        "council/meetings/invitations_confirm.html",
        {
            "council": council,
            "meeting": meeting,
            "location": meeting_location(meeting),
            "agenda": meeting.agenda.order_by("order"),
            "plan": invitation_plan(meeting),
            # A meeting already started is refused by the service: the page says so instead.
            "is_planned": invitations_open(meeting),
        },
    )


@login_not_required
@two_factor_exempt
@require_http_methods(["GET", "POST"])
def invitation_reply(request: HttpRequest, token: str) -> HttpResponse:
    """The invitee asks for what they need to take part; each need is the secretary's task."""
    try:
        invitation = invitation_by_token(token)
    except InvitationLinkInvalid:
        return render(
            request, "council/meetings/invitation_link_refused.html", {"expired": False}, status=404
        )
    except InvitationLinkExpired:
        return render(
            request, "council/meetings/invitation_link_refused.html", {"expired": True}, status=410
        )
    form = InvitationReplyForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        "council/meetings/invitation_reply.html",
        lambda: {
            "invitation": invitation,
            "meeting": invitation.meeting,
            "council": invitation.meeting.council,
            "location": meeting_location(invitation.meeting),
            "asked": invitation.accommodation_requests.order_by("pk"),
        },
        save=lambda: invitation_accommodation_requests(
            invitation=invitation,
            needs=form.cleaned_data["needs"],
            note=form.cleaned_data["note"],
            request=request,
        ),
        done=_("Thank you. The council's secretary has your request and will arrange it."),
        success_url=reverse("council:invitation_reply", kwargs={"token": token}),
    )
