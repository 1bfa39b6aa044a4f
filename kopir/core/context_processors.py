from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from kopir.core.addresses import translated_url
from kopir.core.navigation import header_links_for, navigation_for
from kopir.core.search import may_search


def _language_url(request: HttpRequest, code: str) -> str:
    """This page's address under another language prefix. A local `next` (the sign-in page's
    "where to go afterwards") moves to that language too: otherwise choosing Russian on the
    sign-in page would sign the reader in to the Kazakh page they came from."""
    following = request.GET.get("next", "")
    if not (following.startswith("/") and not following.startswith("//")):
        return translated_url(request.get_full_path(), code)
    query = request.GET.copy()
    query["next"] = translated_url(following, code)
    return f"{translated_url(request.path, code)}?{query.urlencode(safe='/')}"


def kopir(request: HttpRequest) -> dict[str, Any]:
    """Values every page needs: the demo flag, the navigation and header links for this user,
    language links."""
    return {
        "kopir_demo": settings.KOPIR_DEMO,
        "kopir_require_2fa": settings.KOPIR_REQUIRE_2FA,
        "kopir_version": settings.KOPIR_VERSION,
        "main_navigation": navigation_for(request),
        "search_allowed": may_search(getattr(request, "user", None)),
        "header_links": header_links_for(request),
        # The language switch keeps the reader on the same page: each link is this page's address
        # under another language prefix.
        "language_links": [
            {"code": code, "name": name, "url": _language_url(request, code)}
            for code, name in settings.LANGUAGES
        ],
    }
