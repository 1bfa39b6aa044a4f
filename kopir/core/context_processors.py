from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url

from kopir.core.navigation import navigation_for


def kopir(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the demo flag, the navigation for this user, language links."""
    path = request.get_full_path()
    return {
        "kopir_demo": settings.KOPIR_DEMO,
        "kopir_require_2fa": settings.KOPIR_REQUIRE_2FA,
        "kopir_version": settings.KOPIR_VERSION,
        "main_navigation": navigation_for(request),
        # The language switch keeps the reader on the same page: each link is this page's address
        # under another language prefix.
        "language_links": [
            {"code": code, "name": name, "url": translate_url(path, code)}
            for code, name in settings.LANGUAGES
        ],
    }
