"""The minutes pages for the council (secretary and members): read, assemble, edit, sign, compare
versions, download. The public pages (approved minutes only) are in views/public.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kopir.core.errors import ConflictError, DomainError
from kopir.core.forms import VersionForm, form_after_conflict
from kopir.core.responses import render_form_page
from kopir.core.selectors import stored_version
from kopir.council import access
from kopir.council.forms_followup import MinutesEditForm
from kopir.council.models import Council, Meeting, Minutes, MinutesVersion
from kopir.council.selectors import minutes as selectors
from kopir.council.services import documents
from kopir.council.services.minutes import minutes_assemble, minutes_edit, minutes_sign
from kopir.council.services.minutes_labels import MINUTES_LANGUAGES
from kopir.council.services.minutes_texts import missing_texts
from kopir.council.views.meetings_common import attempted, confirmed_action

# The minutes' languages named in the page's language, as the rest of the page is written: on
# their own (a tab), and inside a sentence, where Russian writes them in lower case.
LANGUAGE_NAMES = {"kk": gettext_lazy("Kazakh"), "ru": gettext_lazy("Russian")}
IN_LANGUAGE_NAMES = {"kk": gettext_lazy("in Kazakh"), "ru": gettext_lazy("in Russian")}


def _meeting(request: HttpRequest, slug: str, number: int) -> tuple[Any, Meeting]:
    council = access.council_for_user(request.user, slug)
    return council, access.meeting_by_number_in_council(council, number)


def _minutes_and_version(meeting: Meeting) -> tuple[Minutes, MinutesVersion]:
    minutes = selectors.minutes_of(meeting)
    if minutes is None:
        raise Http404
    version = selectors.current_version(minutes)
    if version is None:
        raise Http404
    return minutes, version


def language_tabs(request: HttpRequest, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "code": code,
            "name": LANGUAGE_NAMES[code],
            "in_name": IN_LANGUAGE_NAMES[code],
            "current": code == lang,
            "query": f"?lang={code}",
        }
        for code in MINUTES_LANGUAGES
    ]


def minutes_page(
    request: HttpRequest,
    council: Council,
    meeting: Meeting,
    minutes: Minutes | None,
    version: MinutesVersion | None,
    lang: str,
    **extra: Any,
) -> dict[str, Any]:
    """What the minutes page shows of `version` in `lang`, on the council's pages and on its
    public page (which passes the approved version)."""
    context: dict[str, Any] = {
        "council": council,
        "meeting": meeting,
        "minutes": minutes,
        "version": version,
        "lang": lang,
        "tabs": language_tabs(request, lang),
        **extra,
    }
    if minutes and version:
        context["document"] = documents.document_context(minutes, version, lang)
        context["documents"] = [
            documents.document_context(minutes, version, code) for code in MINUTES_LANGUAGES
        ]
    return context


@require_GET
def minutes_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    council, meeting = _meeting(request, slug, number)
    lang = selectors.minutes_language(request.GET.get("lang"), get_language())
    minutes = selectors.minutes_of(meeting)
    version = selectors.current_version(minutes) if minutes else None
    user = request.user
    context = minutes_page(
        request,
        council,
        meeting,
        minutes,
        version,
        lang,
        is_secretary=access.is_secretary(user, council),
        can_sign=bool(minutes and access.can_sign_minutes(user, council)),
        is_public_view=False,
    )
    if minutes and version:
        context["sign_form"] = VersionForm(initial={"version": minutes.version})
        if not minutes.is_locked and (context["is_secretary"] or context["can_sign"]):
            context["missing"] = missing_texts(meeting)
    return render(request, "council/followup/minutes_detail.html", context)


@require_POST
def minutes_assemble_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    council, meeting = _meeting(request, slug, number)
    access.require_secretary(request.user, council)
    attempted(
        request,
        lambda: minutes_assemble(actor=request.user, meeting=meeting, request=request),
        _("The minutes were assembled from the meeting's records."),
    )
    return redirect("council:minutes_detail", slug=slug, number=number)


@require_http_methods(["GET", "POST"])
def minutes_edit_view(request: HttpRequest, slug: str, number: int, lang: str) -> HttpResponse:
    council, meeting = _meeting(request, slug, number)
    access.require_secretary(request.user, council)
    if lang not in MINUTES_LANGUAGES:
        raise Http404
    minutes, version = _minutes_and_version(meeting)
    if minutes.is_locked:
        messages.error(
            request, _("These minutes were approved and locked. They can no longer be changed.")
        )
        return redirect("council:minutes_detail", slug=slug, number=number)
    sections = selectors.body_in(version, lang)["sections"]
    form = MinutesEditForm(
        request.POST or None,
        sections=sections,
        lang=lang,
        initial={"version": minutes.version},
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            minutes_edit(
                actor=request.user,
                minutes=minutes,
                expected_version=form.cleaned_data["version"],
                lang=lang,
                section_texts=form.section_texts(),
                note=form.cleaned_data["note"],
                request=request,
            )
        except ConflictError as error:
            stored = stored_version(minutes)
            form = form_after_conflict(
                MinutesEditForm, request, error, stored, sections=sections, lang=lang
            )
            conflict = True
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("A new version of the minutes was saved."))
            return redirect(f"{_detail_url(slug, number)}?lang={lang}")
    return render_form_page(
        request,
        "council/followup/minutes_edit.html",
        {
            "council": council,
            "meeting": meeting,
            "minutes": minutes,
            "form": form,
            "lang": lang,
            "language_name": IN_LANGUAGE_NAMES[lang],
        },
        conflict=conflict,
    )


def _detail_url(slug: str, number: int) -> str:
    from django.urls import reverse

    return reverse("council:minutes_detail", kwargs={"slug": slug, "number": number})


@require_POST
def minutes_sign_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    council, meeting = _meeting(request, slug, number)
    if not access.can_sign_minutes(request.user, council):
        raise PermissionDenied
    minutes, _version = _minutes_and_version(meeting)
    confirmed_action(
        request,
        lambda version: minutes_sign(
            actor=request.user, minutes=minutes, expected_version=version, request=request
        ),
        lambda signed: (
            _("You signed the minutes. They are now approved and locked.")
            if signed.is_locked
            else _("You signed the minutes. They wait for the other signature.")
        ),
    )
    return redirect("council:minutes_detail", slug=slug, number=number)


@require_GET
def minutes_versions(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    council, meeting = _meeting(request, slug, number)
    minutes, _current = _minutes_and_version(meeting)
    return render(
        request,
        "council/followup/minutes_versions.html",
        {
            "council": council,
            "meeting": meeting,
            "minutes": minutes,
            "versions": selectors.versions_of(minutes),
        },
    )


@require_GET
def minutes_version(request: HttpRequest, slug: str, number: int, version: int) -> HttpResponse:
    council, meeting = _meeting(request, slug, number)
    minutes, _current = _minutes_and_version(meeting)
    lang = selectors.minutes_language(request.GET.get("lang"), get_language())
    chosen = selectors.version_of(minutes, version)
    previous = selectors.previous_version(chosen)
    return render(
        request,
        "council/followup/minutes_version.html",
        {
            "council": council,
            "meeting": meeting,
            "minutes": minutes,
            "version": chosen,
            "previous": previous,
            "lang": lang,
            "tabs": language_tabs(request, lang),
            "changes": selectors.version_changes(previous, chosen, lang),
            "document": documents.document_context(minutes, chosen, lang),
        },
    )


def file_response(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _download(request: HttpRequest, slug: str, number: int, kind: str) -> HttpResponse:
    _council, meeting = _meeting(request, slug, number)
    minutes, version = _minutes_and_version(meeting)
    lang = selectors.minutes_language(request.GET.get("lang"), get_language())
    return minutes_file(minutes, version, lang, kind)


def minutes_file(minutes: Minutes, version: MinutesVersion, lang: str, kind: str) -> HttpResponse:
    """The minutes' `version` in `lang` as a download: a tagged PDF for "pdf", else a DOCX."""
    context = documents.document_context(minutes, version, lang)
    if kind == "pdf":
        content, content_type = documents.minutes_pdf(context), "application/pdf"
    else:
        content, content_type = documents.minutes_docx(context), documents.DOCX_CONTENT_TYPE
    return file_response(content, content_type, documents.filename(minutes, lang, kind))


@require_GET
def minutes_docx(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _download(request, slug, number, "docx")


@require_GET
def minutes_pdf(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    return _download(request, slug, number, "pdf")
