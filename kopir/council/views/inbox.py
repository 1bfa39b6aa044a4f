"""The addressee's side: an executive body's staff see the recommendations sent to their own
organisation, acknowledge them, answer with reasons and evidence, and report progress."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.responses import file_download, form_page
from kopir.core.selectors import page_of
from kopir.council import access
from kopir.council.forms_followup import ResponseForm
from kopir.council.selectors import home as home_selectors
from kopir.council.selectors import recommendations as selectors
from kopir.council.services.recommendations import (
    ANSWERABLE,
    recommendation_acknowledge,
    recommendation_respond,
)
from kopir.council.views.meetings_common import attempted

PER_PAGE = 25


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    access.require_inbox_user(request.user)
    show = request.GET.get("show", "")
    open_only = show != "all"
    rows = home_selectors.inbox_rows(request.user, show)
    page_obj = page_of(rows, PER_PAGE, request.GET.get("page"))
    page_obj.object_list = selectors.with_due_states(page_obj.object_list)
    view = show if show in home_selectors.INBOX_VIEWS else ""
    return render(
        request,
        "council/followup/inbox.html",
        {"page_obj": page_obj, "open_only": open_only, "view": view},
    )


@require_http_methods(["GET", "POST"])
def inbox_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = access.recommendation_for_addressee(request.user, pk)
    can_answer = recommendation.status in ANSWERABLE
    form = ResponseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not can_answer:
        messages.error(request, _("This recommendation is closed: it takes no more answers."))
        return redirect("council:inbox_detail", pk=pk)
    return form_page(
        request,
        form,
        "council/followup/inbox_detail.html",
        lambda: {
            "recommendation": recommendation,
            "due": selectors.due_state(recommendation),
            "responses": selectors.responses_of(recommendation),
            "timeline": selectors.timeline_of(recommendation),
            "can_answer": can_answer,
            "can_acknowledge": recommendation.status == "sent",
        },
        save=lambda: recommendation_respond(
            actor=request.user,
            recommendation=recommendation,
            request=request,
            **form.service_data(),
        ),
        done=_("Your answer was sent to the council. It will review it."),
        success_url=reverse("council:inbox_detail", kwargs={"pk": pk}),
        refused_status=400,
    )


@require_POST
def inbox_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = access.recommendation_for_addressee(request.user, pk)
    attempted(
        request,
        lambda: recommendation_acknowledge(
            actor=request.user, recommendation=recommendation, request=request
        ),
        _("Receipt acknowledged. The council sees it on its timeline."),
    )
    return redirect("council:inbox_detail", pk=pk)


@require_GET
def inbox_evidence(request: HttpRequest, pk: int, response_pk: int) -> FileResponse:
    recommendation = access.recommendation_for_addressee(request.user, pk)
    return file_download(selectors.response_of(recommendation, response_pk).evidence)
