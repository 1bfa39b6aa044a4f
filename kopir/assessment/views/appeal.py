"""The higher MSE body's appeal pages: the appeals addressed to it, taking one under review,
and upholding or changing the decision. The case reaches it depersonalised, like the experts."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.assessment.access import appeal_for_reviewer, is_appeal_reviewer
from kopir.assessment.forms_division import AppealResolveForm
from kopir.assessment.models import AppealStatus
from kopir.assessment.selectors.deadlines import deadline_states
from kopir.assessment.selectors.division import appeals_for_reviewer, case_content
from kopir.assessment.services.appeal import appeal_resolve, appeal_start_review, decisions_of
from kopir.assessment.services.review import birth_date_of
from kopir.assessment.workflow import deadline_state
from kopir.core.forms import VersionForm, at_version
from kopir.core.responses import form_page, version_button

LIST_LIMIT = 200


@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    if not is_appeal_reviewer(request.user):
        raise PermissionDenied(_("Appeals are reviewed by the staff of a higher MSE body."))
    organisation_id = request.user.organisation_id  # type: ignore[union-attr]
    appeals = appeals_for_reviewer(organisation_id, limit=LIST_LIMIT)
    states = deadline_states(appeal.due_on if appeal.is_open else None for appeal in appeals)
    rows = [
        {"appeal": appeal, "deadline": states[appeal.due_on if appeal.is_open else None]}
        for appeal in appeals
    ]
    return render(request, "assessment/division/appeal_list.html", {"rows": rows})


@require_GET
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_for_reviewer(request.user, pk)
    return render(
        request,
        "assessment/division/appeal_detail.html",
        {
            "appeal": appeal,
            "referral": appeal.referral,
            "deadline": deadline_state(appeal.due_on if appeal.is_open else None),
            "decisions": decisions_of(appeal.referral),
            "content": case_content(appeal.referral, viewer=request.user, request=request),
            "version_form": VersionForm(initial={"version": appeal.version}),
        },
    )


@require_POST
def appeal_review(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_for_reviewer(request.user, pk)
    version_button(
        request, appeal_start_review, appeal=appeal, done=_("The appeal is under review.")
    )
    return redirect("assessment:appeal_detail", pk=pk)


@require_http_methods(["GET", "POST"])
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = appeal_for_reviewer(request.user, pk)
    form = at_version(AppealResolveForm, request, appeal, birth_date=birth_date_of(appeal.referral))
    return form_page(
        request,
        form,
        "assessment/division/appeal_resolve.html",
        {
            "appeal": appeal,
            "referral": appeal.referral,
            "is_reviewable": appeal.status == AppealStatus.UNDER_REVIEW,
        },
        save=lambda: appeal_resolve(
            actor=request.user,
            appeal=appeal,
            expected_version=form.cleaned_data["version"],
            upheld=form.upheld,
            outcome_reasons=form.cleaned_data["outcome_reasons"],
            new_decision=None if form.upheld else form.outcome_input(),
            reexamination_on=form.cleaned_data["reexamination_on"],
            request=request,
        ),
        done=_("The result of the appeal is recorded."),
        success_url=reverse("assessment:appeal_detail", args=[pk]),
    )
