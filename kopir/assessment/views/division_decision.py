"""The division head records the decision from the experts' conclusions."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kopir.assessment.access import division_referral_for_user
from kopir.assessment.forms_division import DecisionForm
from kopir.assessment.selectors.division import case_content, identity_for, referral_assignments
from kopir.assessment.services.decision import (
    agreed_by_all,
    conclusions_stamp,
    majority_of,
    referral_decide,
)
from kopir.assessment.services.review import birth_date_of
from kopir.core.responses import form_page


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    referral = division_referral_for_user(request.user, pk, head_only=True)
    assignments = referral_assignments(referral)
    if request.method == "POST":
        form = DecisionForm(request.POST, birth_date=birth_date_of(referral))
    else:
        initial: dict[str, object] = {
            "version": referral.version,
            "conclusions": conclusions_stamp(assignments),
        }
        if assignments and all(a.is_submitted for a in assignments):
            # Start from the majority's conclusion and whatever all the experts agreed on; the
            # head completes and checks it.
            found = majority_of(assignments)
            initial["outcome"] = found.outcome or ""
            initial["category_code"] = found.category_code or ""
            initial.update(agreed_by_all(assignments))
        form = DecisionForm(initial=initial)
    return form_page(
        request,
        form,
        "assessment/division/decide_form.html",
        # Read (and audited) only when the page is shown.
        lambda: {
            "referral": referral,
            "assignments": assignments,
            "all_submitted": bool(assignments) and all(a.is_submitted for a in assignments),
            "person": identity_for(request.user, referral, request),
            "content": case_content(referral, viewer=request.user, request=request),
        },
        save=lambda: referral_decide(
            actor=request.user,
            referral=referral,
            expected_version=form.cleaned_data["version"],
            expected_conclusions=form.cleaned_data["conclusions"],
            decision=form.outcome_input(),
            reexamination_on=form.cleaned_data["reexamination_on"],
            request=request,
        ),
        done=_("The decision is recorded."),
        success_url=reverse("assessment:division_case", args=[pk]),
    )
