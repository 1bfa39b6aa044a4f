"""The employment dashboard's view: thin, as the others (`views.py`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kopir.oversight.models import Dashboard
from kopir.oversight.pages import dashboard_page


@require_GET
def employment(request: HttpRequest) -> HttpResponse:
    return dashboard_page(
        request, Dashboard.EMPLOYMENT, organisation_label=_("Employment office or career centre")
    )
