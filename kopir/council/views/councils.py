"""The councils a user works in, and one council's overview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kopir.council.access import council_for_reader
from kopir.council.selectors.councils import council_list_for, council_overview
from kopir.council.views.meetings_common import council_page


@require_GET
def council_list(request: HttpRequest) -> HttpResponse:
    councils = list(council_list_for(request.user))
    return render(
        request, "council/meetings/council_list.html", {"councils": councils, "rows": councils}
    )


@require_GET
def council_detail(request: HttpRequest, slug: str) -> HttpResponse:
    council = council_for_reader(request.user, slug)
    return council_page(
        request,
        council,
        "council/meetings/council_detail.html",
        overview=council_overview(council),
    )
