from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from kopir.core.home import home_sections

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
