from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kopir.core.forms import SearchForm
from kopir.core.home import home_sections
from kopir.core.search import kinds_for, search_groups

logger = logging.getLogger(__name__)


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The front door for visitors: what Kopir is, the public councils and their petition forms,
    the citizen status page, the accessibility statement, and staff sign-in among them (nothing
    here reads a record). A signed-in user gets their home page instead: their work today, the
    counts their roles call for, each opening the list of exactly those records."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/front_door.html")
    return render(
        request,
        "core/home.html",
        {"roles": user.role_labels(), "sections": home_sections(user)},
    )


# Public for visitors, but a signed-in user's home page needs the second factor like any staff
# page: the two-factor middleware (accounts) reads this mark.
home.two_factor_when_signed_in = True  # type: ignore[attr-defined]


@login_not_required
@require_GET
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement, open to everyone."""
    return render(request, "core/accessibility.html")


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The staff search across the kinds of record the user's roles may open (403 for a role that
    searches none): each kind's first hits, or one kind's hits page by page."""
    kinds = kinds_for(request.user)
    if not kinds:
        raise PermissionDenied
    form = SearchForm(request.GET or None, kinds=kinds)
    groups, text, kind_key = [], "", ""
    if form.is_valid():
        text, kind_key = form.cleaned_data["q"], form.cleaned_data["kind"]
        groups = search_groups(
            user=request.user,
            text=text,
            kind_key=kind_key,
            page_number=request.GET.get("page"),
            request=request,
        )
    return render(
        request,
        "core/search.html",
        {"form": form, "groups": groups, "text": text, "kind_key": kind_key},
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with a JSON body when the database answers, 503 when it does not (for load balancers)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("health check: database unreachable")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
