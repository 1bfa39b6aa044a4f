"""The public page of a council and its approved minutes: open to everyone, signed in or not.

Only approved, locked minutes are reachable here; a draft answers 404 whatever the address.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from kopir.council import access
from kopir.council.models import Council, Meeting, Minutes, MinutesVersion
from kopir.council.selectors import minutes as minutes_selectors
from kopir.council.selectors.public import public_page
from kopir.council.services import documents
from kopir.council.views.minutes import file_response, language_tabs


@login_not_required
@require_GET
def public_council(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.public_council(slug)
    return render(
        request,
        "council/followup/public_council.html",
        {"council": council, **public_page(council)},
    )


def _approved(
    request: HttpRequest, slug: str, number: int
) -> tuple[Council, Meeting, Minutes, MinutesVersion, str]:
    council = access.public_council(slug)
    meeting = access.meeting_in_council(council, number)
    minutes, version = minutes_selectors.approved_minutes(meeting)
    lang = minutes_selectors.minutes_language(request.GET.get("lang"), get_language())
    return council, meeting, minutes, version, lang


@login_not_required
@require_GET
def public_minutes(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    council, meeting, minutes, version, lang = _approved(request, slug, number)
    return render(
        request,
        "council/followup/minutes_detail.html",
        {
            "council": council,
            "meeting": meeting,
            "minutes": minutes,
            "version": version,
            "lang": lang,
            "tabs": language_tabs(request, lang),
            "document": documents.document_context(minutes, version, lang),
            "is_public_view": True,
        },
    )


@login_not_required
@require_GET
def public_minutes_docx(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _council, _meeting, minutes, version, lang = _approved(request, slug, number)
    context = documents.document_context(minutes, version, lang)
    return file_response(
        documents.minutes_docx(context),
        documents.DOCX_CONTENT_TYPE,
        documents.filename(minutes, lang, "docx"),
    )


@login_not_required
@require_GET
def public_minutes_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _council, _meeting, minutes, version, lang = _approved(request, slug, number)
    context = documents.document_context(minutes, version, lang)
    return file_response(
        documents.minutes_pdf(context), "application/pdf", documents.filename(minutes, lang, "pdf")
    )
