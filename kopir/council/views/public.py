"""The public page of a council, its full lists and its approved minutes: open to everyone,
signed in or not.

What each page may show is decided in `selectors/public.py`, the same for the overview and the
lists. Only approved, locked minutes are reachable here; a draft answers 404 whatever the address.
They read from the read replica where one is configured (`core/db_router.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from kopir.core.db_router import replica_reads
from kopir.core.selectors import page_of
from kopir.council import access
from kopir.council.forms_followup import RecommendationFilterForm
from kopir.council.models import Council, Meeting, Minutes, MinutesVersion, RecommendationStatus
from kopir.council.selectors import minutes as minutes_selectors
from kopir.council.selectors import public
from kopir.council.selectors.recommendations import with_due_states
from kopir.council.views.minutes import minutes_file, minutes_page

PER_PAGE = 25

P = ParamSpec("P")


def open_page(view: Callable[P, HttpResponse]) -> Callable[P, HttpResponse]:
    """A page of a council's public part: open to everyone, GET only, read from the replica."""
    return login_not_required(require_GET(replica_reads(view)))


@open_page
def public_council_list(request: HttpRequest) -> HttpResponse:
    """Every active council, each with its public page and its petition form."""
    page_obj = page_of(public.public_councils(), PER_PAGE, request.GET.get("page"))
    return render(request, "council/followup/public_council_list.html", {"page_obj": page_obj})


@open_page
def public_council(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.public_council(slug)
    return render(
        request,
        "council/followup/public_council.html",
        {"council": council, **public.public_page(council)},
    )


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    # get_page, like every list in Kopir: a page past the end shows the last one, junk the first.
    return page_of(rows, PER_PAGE, request.GET.get("page"))


@open_page
def public_meeting_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.public_council(slug)
    page_obj = _page(request, public.past_meetings(council))
    page_obj.object_list = public.with_public_minutes(page_obj.object_list)
    # The few meetings ahead head the first page only; the pages that follow go back in time.
    upcoming = public.upcoming_meetings(council) if page_obj.number == 1 else []
    return render(
        request,
        "council/followup/public_meeting_list.html",
        {"council": council, "page_obj": page_obj, "upcoming_meetings": upcoming},
    )


class PublicRecommendationFilterForm(RecommendationFilterForm):
    """The register's filter, narrowed to what the public sees: no draft status, and only the
    addressees of sent recommendations."""

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, council=council, **kwargs)
        status = self.fields["status"]
        status.choices = [  # type: ignore[attr-defined]
            (value, label)
            for value, label in status.choices  # type: ignore[attr-defined]
            if value != RecommendationStatus.DRAFT
        ]
        addressees = public.public_recommendation_addressees(council)
        self.fields["addressee"].queryset = addressees  # type: ignore[attr-defined]
        # Answers the council has not yet judged are not public.
        del self.fields["awaiting_verdict"]

    def filters(self) -> dict[str, Any]:
        filters = super().filters()
        filters.pop("awaiting_verdict")
        return filters


@open_page
def public_recommendation_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.public_council(slug)
    form = PublicRecommendationFilterForm(request.GET, council=council)
    filters = form.filters()
    rows = public.public_recommendations(council, **filters)
    page_obj = _page(request, rows)
    page_obj.object_list = with_due_states(page_obj.object_list)
    return render(
        request,
        "council/followup/public_recommendation_list.html",
        {
            "council": council,
            "form": form,
            "page_obj": page_obj,
            "is_filtered": any(filters.values()),
        },
    )


def _public_list(
    request: HttpRequest,
    slug: str,
    template: str,
    rows_of: Callable[[Council], Any],
    shown: Callable[[Any], Any] | None = None,
) -> HttpResponse:
    """A paged list of a council's public page: `rows_of` the council, each page passed through
    `shown` where only some fields may reach the template."""
    council = access.public_council(slug)
    page_obj = _page(request, rows_of(council))
    if shown is not None:
        page_obj.object_list = shown(page_obj.object_list)
    return render(request, template, {"council": council, "page_obj": page_obj})


@open_page
def public_letter_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _public_list(
        request, slug, "council/followup/public_letter_list.html", public.public_letters
    )


@open_page
def public_visit_list(request: HttpRequest, slug: str) -> HttpResponse:
    return _public_list(
        request, slug, "council/followup/public_visit_list.html", public.public_visits
    )


@open_page
def public_petition_list(request: HttpRequest, slug: str) -> HttpResponse:
    # Only the publishable fields reach the template, never the petition itself.
    return _public_list(
        request,
        slug,
        "council/followup/public_petition_list.html",
        public.public_petitions,
        shown=public.publishable_petitions,
    )


def _approved(
    request: HttpRequest, slug: str, number: int
) -> tuple[Council, Meeting, Minutes, MinutesVersion, str]:
    council = access.public_council(slug)
    meeting = access.meeting_by_number_in_council(council, number)
    minutes, version = minutes_selectors.approved_minutes(meeting)
    lang = minutes_selectors.minutes_language(request.GET.get("lang"), get_language())
    return council, meeting, minutes, version, lang


@open_page
def public_minutes(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    council, meeting, minutes, version, lang = _approved(request, slug, number)
    context = minutes_page(request, council, meeting, minutes, version, lang, is_public_view=True)
    return render(request, "council/followup/minutes_detail.html", context)


@open_page
def public_minutes_docx(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _council, _meeting, minutes, version, lang = _approved(request, slug, number)
    return minutes_file(minutes, version, lang, "docx")


@open_page
def public_minutes_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _council, _meeting, minutes, version, lang = _approved(request, slug, number)
    return minutes_file(minutes, version, lang, "pdf")
