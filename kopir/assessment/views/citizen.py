"""The public citizen status page: referral number and IIN, a one-time code, then the status.

Open to everyone (no account), so every step answers alike whether or not the referral exists,
and nothing identifying ever goes into an address: the number and IIN are sent by POST and the
visitor's progress is kept in their session.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from kopir.assessment.forms_intake import StatusCodeForm, StatusLookupForm
from kopir.assessment.selectors.outcome import citizen_outcome
from kopir.assessment.selectors.status import status_for_citizen
from kopir.assessment.services.citizen import (
    ACCESS_LIFETIME,
    CODE_LIFETIME,
    GRANT_SESSION_KEY,
    CodeRefused,
    Grant,
    RateLimited,
    citizen_code_request,
    citizen_code_verify,
    citizen_sections,
    grant_from_session,
    grant_is_valid,
)
from kopir.core.rate_limits import request_client_key

LOOKUP = "citizen_status_lookup"
GRANT = GRANT_SESSION_KEY


def _client(request: HttpRequest) -> str:
    return request_client_key(request)


def _limited(
    request: HttpRequest, template: str, context: dict[str, Any], error: RateLimited
) -> HttpResponse:
    context["limited"] = str(error)
    return render(request, template, context, status=429)


@login_not_required
@never_cache
def status_start(request: HttpRequest) -> HttpResponse:
    form = StatusLookupForm(request.POST or None)
    template = "assessment/citizen/start.html"
    if request.method == "POST" and form.is_valid():
        try:
            referral_id = citizen_code_request(
                number=form.cleaned_data["number"],
                iin=form.cleaned_data["iin"],
                client=_client(request),
            )
        except RateLimited as limited:
            return _limited(request, template, {"form": form}, limited)
        request.session.pop(GRANT, None)
        # Whether a referral matched is kept server-side only; the visitor sees the same next page.
        request.session[LOOKUP] = {"referral_id": referral_id}
        return redirect("assessment:citizen_code")
    return render(request, template, {"form": form}, status=400 if form.errors else 200)


@login_not_required
@never_cache
def status_code(request: HttpRequest) -> HttpResponse:
    lookup = request.session.get(LOOKUP)
    if not lookup:
        return redirect("assessment:citizen_status")
    form = StatusCodeForm(request.POST or None)
    template = "assessment/citizen/code.html"
    context: dict[str, Any] = {"form": form, "minutes": int(CODE_LIFETIME.total_seconds() // 60)}
    if request.method == "POST" and form.is_valid():
        try:
            referral = citizen_code_verify(
                referral_id=lookup.get("referral_id"),
                code=form.cleaned_data["code"],
                client=_client(request),
            )
        except RateLimited as limited:
            return _limited(request, template, context, limited)
        except CodeRefused as refused:
            form.add_error("code", str(refused))
        else:
            # A new session key once access is granted: nobody who knew the old one shares it.
            request.session.cycle_key()
            request.session.pop(LOOKUP, None)
            until = timezone.now() + ACCESS_LIFETIME
            request.session[GRANT] = {"referral_id": referral.pk, "until": until.isoformat()}
            return redirect("assessment:citizen_result")
    return render(request, template, context, status=400 if form.errors else 200)


def _grant(request: HttpRequest) -> Grant | None:
    return grant_from_session(request.session)


@login_not_required
@never_cache
def status_result(request: HttpRequest) -> HttpResponse:
    grant = _grant(request)
    if request.method == "POST" or not grant_is_valid(grant):
        had_access = grant is not None
        request.session.pop(GRANT, None)
        if request.method == "POST":
            messages.success(
                request, _("You have closed the status. Nobody can see it from this browser now.")
            )
        elif had_access:
            messages.info(
                request,
                _("Your access to the status has ended. Ask for a new code to see it again."),
            )
        return redirect("assessment:citizen_status")
    assert grant is not None
    status = status_for_citizen(grant.referral_id)
    if status is None:
        request.session.pop(GRANT, None)
        return redirect("assessment:citizen_status")
    return render(
        request,
        "assessment/citizen/result.html",
        {
            "status": status,
            "outcome": citizen_outcome(grant.referral_id),
            "until": grant.until,
            "sections": citizen_sections(request, grant.referral_id),
        },
    )
