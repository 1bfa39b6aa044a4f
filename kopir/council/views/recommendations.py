"""The council's recommendations register: list, draft, edit, send, review answers, evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.responses import file_download, form_page
from kopir.council import access
from kopir.council.forms_followup import (
    RecommendationEditForm,
    RecommendationFilterForm,
    RecommendationForm,
    RecommendationSendForm,
    ReviewForm,
)
from kopir.council.models import Council, Recommendation
from kopir.council.selectors import recommendations as selectors
from kopir.council.services.recommendations import (
    recommendation_create,
    recommendation_send,
    recommendation_update,
    response_review,
)
from kopir.council.views.meetings_common import (
    council_list_page,
    posted_from_page,
    versioned_form_page,
)


@require_GET
def recommendation_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    form = RecommendationFilterForm(request.GET, council=council)
    filters = form.filters()
    return council_list_page(
        request,
        council,
        "council/followup/recommendation_list.html",
        selectors.recommendation_list(council, **filters),
        shown=selectors.with_due_states,
        form=form,
        is_filtered=any(filters.values()),
    )


def _source(council: Council, request: HttpRequest) -> dict[str, Any]:
    """Preselect the decision or visit the secretary came from (?decision= / ?visit=)."""
    return {
        "rule_set": council.recommendation_rule_set_id,
        **selectors.sources_in_council(
            council, decision=request.GET.get("decision", ""), visit=request.GET.get("visit", "")
        ),
    }


@require_http_methods(["GET", "POST"])
def recommendation_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    form = RecommendationForm(
        request.POST or None, council=council, initial=_source(council, request)
    )
    return form_page(
        request,
        form,
        "council/followup/recommendation_form.html",
        {"council": council},
        save=lambda: recommendation_create(
            actor=request.user, council=council, request=request, **form.service_data()
        ),
        done=_("The recommendation was drafted. Check it, then send it."),
        success_url=lambda recommendation: _recommendation_url(slug, recommendation.pk),
    )


def _detail_context(
    request: HttpRequest, council: Council, recommendation: Recommendation
) -> dict[str, Any]:
    responses = selectors.responses_of(recommendation)
    return {
        "council": council,
        "recommendation": recommendation,
        "due": selectors.due_state(recommendation),
        "responses": responses,
        "timeline": selectors.timeline_of(recommendation),
        "letters": selectors.letters_about(recommendation),
        "is_secretary": access.is_secretary(request.user, council),
        "send_form": RecommendationSendForm(initial={"version": recommendation.version}),
    }


@require_GET
def recommendation_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    recommendation = access.recommendation_in_council(council, pk)
    return render(
        request,
        "council/followup/recommendation_detail.html",
        _detail_context(request, council, recommendation),
    )


@require_http_methods(["GET", "POST"])
def recommendation_edit_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    recommendation = access.recommendation_in_council(council, pk)
    if recommendation.status != "draft":
        messages.error(request, _("Only a draft can be changed; this recommendation was sent."))
        return redirect("council:recommendation_detail", slug=slug, pk=pk)
    form = RecommendationEditForm(
        request.POST or None,
        council=council,
        initial=RecommendationEditForm.initial_from(recommendation),
    )
    return versioned_form_page(
        request,
        form,
        recommendation,
        "council/followup/recommendation_form.html",
        {"council": council, "recommendation": recommendation},
        save=lambda data: recommendation_update(
            actor=request.user,
            recommendation=recommendation,
            request=request,
            **form.service_data(),
        ),
        done=_("The draft was saved."),
        success_url=_recommendation_url(slug, pk),
        council=council,
    )


@require_POST
def recommendation_send_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    recommendation = access.recommendation_in_council(council, pk)
    form = RecommendationSendForm(request.POST)

    def page() -> HttpResponse:
        context = _detail_context(request, council, recommendation)
        context["send_form"] = form
        return render(request, "council/followup/recommendation_detail.html", context, status=400)

    return posted_from_page(
        request,
        form,
        save=lambda: recommendation_send(
            actor=request.user,
            recommendation=recommendation,
            request=request,
            **form.service_data(),
        ),
        done=_("The recommendation is recorded as sent; its answer clock started."),
        success_url=_recommendation_url(slug, pk),
        page=page,
    )


@require_http_methods(["GET", "POST"])
def response_review_view(
    request: HttpRequest, slug: str, pk: int, response_pk: int
) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    recommendation = access.recommendation_in_council(council, pk)
    response = selectors.response_of(recommendation, response_pk)
    form = ReviewForm(request.POST or None)
    return form_page(
        request,
        form,
        "council/followup/response_review.html",
        {"council": council, "recommendation": recommendation, "response": response},
        save=lambda: response_review(
            actor=request.user, response=response, request=request, **form.service_data()
        ),
        done=_("The council's verdict was recorded."),
        success_url=_recommendation_url(slug, pk),
    )


def _recommendation_url(slug: str, pk: int) -> str:
    return reverse("council:recommendation_detail", kwargs={"slug": slug, "pk": pk})


@require_GET
def response_evidence(request: HttpRequest, slug: str, pk: int, response_pk: int) -> FileResponse:
    council = access.council_for_user(request.user, slug)
    recommendation = access.recommendation_in_council(council, pk)
    return file_download(selectors.response_of(recommendation, response_pk).evidence)
