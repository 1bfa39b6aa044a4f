"""The expert's pages: their assignments, and the depersonalised review with their conclusion.

The review page is built from the referral's clinical content and the person's age only: the
template never receives the person, so no name, IIN, birth date, address, phone, e-mail or
representative can reach the expert's browser by mistake.
"""

from __future__ import annotations

import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.assessment.access import assignment_for_expert, works_expert_reviews
from kopir.assessment.forms_division import ConclusionForm
from kopir.assessment.models import ReferralStatus
from kopir.assessment.selectors.deadlines import deadline_states
from kopir.assessment.selectors.division import case_content, expert_worklist, identity_for
from kopir.assessment.services.review import CONCLUSION_FIELDS, birth_date_of, conclusion_submit
from kopir.assessment.workflow import deadline_state
from kopir.core.errors import ConflictError, DomainError
from kopir.core.responses import render_form_page

WORKLIST_LIMIT = 200


@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    if not works_expert_reviews(request.user):
        raise PermissionDenied(_("This page is for MSE experts."))
    assignments = expert_worklist(request.user.pk, limit=WORKLIST_LIMIT)  # type: ignore[arg-type]
    dues = {
        a.pk: a.referral.step_due_on if a.referral.status == ReferralStatus.ASSIGNED else None
        for a in assignments
    }
    states = deadline_states(dues.values())
    rows = [{"assignment": a, "deadline": states[dues[a.pk]]} for a in assignments]
    return render(request, "assessment/division/expert_worklist.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = assignment_for_expert(request.user, pk)
    referral = assignment.referral
    is_open = referral.status == ReferralStatus.ASSIGNED
    conflict = False
    if request.method == "POST":
        if not is_open:
            messages.error(
                request, _("The decision is recorded: the conclusion can no longer change.")
            )
            return redirect("assessment:expert_review", pk=pk)
        form = ConclusionForm(request.POST, birth_date=birth_date_of(referral))
        if form.is_valid():
            try:
                conclusion_submit(
                    actor=request.user,
                    assignment=assignment,
                    expected_version=form.cleaned_data["version"],
                    conclusion=form.outcome_input(),
                    request=request,
                )
            except (ValidationError, DomainError) as error:
                conflict = isinstance(error, ConflictError)
                form.add_service_error(error)
            else:
                messages.success(request, _("Your conclusion is saved."))
                return redirect("assessment:expert_review", pk=pk)
    else:
        initial = {name: getattr(assignment, name) for name in CONCLUSION_FIELDS}
        form = ConclusionForm(initial={**initial, "version": assignment.version})
    return render_form_page(
        request,
        "assessment/division/expert_review.html",
        {
            "assignment": copy.copy(assignment),
            "referral": referral,
            "deadline": deadline_state(referral.step_due_on if is_open else None),
            "content": case_content(
                referral, viewer=request.user, request=request, is_assigned_expert=True
            ),
            # In person, the one expert examines the person and may see who it is.
            "person": identity_for(request.user, referral, request),
            "form": form,
            "is_open": is_open,
        },
        conflict=conflict,
    )
