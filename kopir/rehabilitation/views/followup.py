"""The person's timeline: the MSE division's page, and the section of the citizen status page
with the person's answer to a reported result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from kopir.assessment.models import Referral
from kopir.assessment.services.citizen import grant_from_session, grant_is_valid
from kopir.core.rate_limits import request_client_key
from kopir.rehabilitation import access
from kopir.rehabilitation.forms_followup import MeasureAnswerForm
from kopir.rehabilitation.models import MeasureStatus, Programme
from kopir.rehabilitation.selectors.timeline import (
    Audience,
    citizen_measure,
    citizen_programme_version,
    person_timeline,
    plain_measure_state,
    plain_not_delivered_reason,
    programme_states,
)
from kopir.rehabilitation.services import documents
from kopir.rehabilitation.services.citizen import (
    AnswerRefused,
    DisputesLimited,
    NotYourMeasure,
    measure_confirm,
    measure_dispute,
)

CITIZEN_RESULT = "assessment:citizen_result"


def programme_timeline(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access.timeline_programme_for_user(request.user, programme_id)
    programmes = list(access.timeline_programmes_of_person(request.user, programme))
    timeline = person_timeline(
        programmes=programmes, audience=Audience.STAFF, viewer=request.user, request=request
    )
    return render(
        request,
        "rehabilitation/followup/timeline.html",
        {"programme": programme, "timeline": timeline},
    )


def _granted_person(request: HttpRequest) -> int | None:
    """The person whose status page this session opened with a code, if it still may."""
    grant = grant_from_session(request.session)
    if not grant_is_valid(grant):
        return None
    assert grant is not None
    return Referral.objects.filter(pk=grant.referral_id).values_list("person_id", flat=True).first()


def citizen_section(request: HttpRequest, referral_id: int) -> str:
    """The programme section of the citizen status page (registered with assessment)."""
    person_id = Referral.objects.filter(pk=referral_id).values_list("person_id", flat=True).first()
    if person_id is None:
        return ""
    programmes = list(Programme.objects.filter(person_id=person_id).order_by("created_at", "id"))
    if not programmes:
        return ""
    timeline = person_timeline(
        programmes=programmes, audience=Audience.CITIZEN, viewer=None, request=request
    )
    rows = [
        {
            "measure": measure,
            "state": plain_measure_state(measure.status),
            "reason": plain_not_delivered_reason(measure.not_delivered_reason)
            if measure.status == MeasureStatus.NOT_DELIVERED
            else "",
            # One form per measure, each with its own field ids on the one page.
            "form": MeasureAnswerForm(auto_id=f"measure-{measure.pk}-%s"),
            # Its own steps, latest first: the person opens them under the measure.
            "history": timeline.of_measure(measure.pk)[::-1],
        }
        for measure in timeline.measures
    ]
    return render_to_string(
        "rehabilitation/followup/citizen_section.html",
        {"timeline": timeline, "rows": rows, "states": programme_states(programmes)},
        request=request,
    )


@login_not_required
@never_cache
@require_POST
def citizen_measure_answer(request: HttpRequest, measure_id: int) -> HttpResponse:
    person_id = _granted_person(request)
    if person_id is None:
        messages.info(request, _("Your access to the status has ended. Ask for a new code."))
        return redirect("assessment:citizen_status")
    measure = citizen_measure(measure_id=measure_id, person_id=person_id)
    if measure is None:
        raise Http404
    form = MeasureAnswerForm(request.POST)
    context: dict[str, Any] = {"form": form, "measure_id": measure_id, "measure": measure}
    if form.is_valid():
        if form.cleaned_data["answer"] == MeasureAnswerForm.START_DISPUTE:
            # The dispute page: the person writes what is wrong and sends it, or goes back.
            context["form"] = MeasureAnswerForm()
            return render(request, "rehabilitation/followup/citizen_answer.html", context)
        try:
            if form.cleaned_data["answer"] == MeasureAnswerForm.CONFIRM:
                measure_confirm(measure_id=measure_id, person_id=person_id, request=request)
                messages.success(request, _("Thank you: you confirmed you received it."))
            else:
                measure_dispute(
                    measure_id=measure_id,
                    person_id=person_id,
                    text=form.cleaned_data["text"],
                    client=request_client_key(request),
                    request=request,
                )
                messages.success(
                    request,
                    _(
                        "Your dispute was sent. The organisation works on the measure again "
                        "and has been told what you wrote."
                    ),
                )
            return redirect(CITIZEN_RESULT)
        except DisputesLimited as limited:
            context["limited"] = str(limited)
            return render(
                request, "rehabilitation/followup/citizen_answer.html", context, status=429
            )
        except NotYourMeasure as not_yours:
            raise Http404 from not_yours
        except AnswerRefused as refused:
            form.add_service_error(refused)
    return render(request, "rehabilitation/followup/citizen_answer.html", context, status=400)


@login_not_required
@never_cache
@require_GET
def citizen_programme_document(
    request: HttpRequest, programme_id: int, lang: str, extension: str
) -> HttpResponse:
    """The person's programme as they are given it (DOCX or tagged PDF), behind the status page's
    code: only their own, and only once approved."""
    person_id = _granted_person(request)
    if person_id is None:
        messages.info(request, _("Your access to the status has ended. Ask for a new code."))
        return redirect("assessment:citizen_status")
    version = citizen_programme_version(programme_id=programme_id, person_id=person_id)
    if version is None or lang not in documents.LANGUAGES or extension not in ("pdf", "docx"):
        raise Http404
    body, content_type, name = documents.programme_file(
        version, lang=lang, extension=extension, viewer=None, request=request
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
