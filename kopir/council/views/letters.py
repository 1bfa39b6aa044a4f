"""The letters register: list, detail, register an outgoing letter, record a reply, files."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.responses import file_download, form_page
from kopir.council import access
from kopir.council.forms_followup_visits import LetterForm, LetterReplyForm
from kopir.council.models import Letter
from kopir.council.selectors import letters as selectors
from kopir.council.services.letters import letter_create, letter_reply_add, next_letter_number
from kopir.council.views.meetings_common import council_list_page


@require_GET
def letter_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    return council_list_page(
        request,
        council,
        "council/followup/letter_list.html",
        selectors.letter_list(council),
        shown=_with_overdue_replies,
    )


def _with_overdue_replies(letters: list[Letter]) -> list[Letter]:
    today = timezone.localdate()
    for letter in letters:
        letter.reply_overdue = selectors.reply_overdue(letter, letter.reply_count, today)  # type: ignore[attr-defined]
    return letters


@require_http_methods(["GET", "POST"])
def letter_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    form = LetterForm(
        request.POST or None,
        request.FILES or None,
        council=council,
        next_number=next_letter_number(council),
        initial={"sent_on": timezone.localdate()},
    )
    return form_page(
        request,
        form,
        "council/followup/letter_form.html",
        {"council": council},
        save=lambda: letter_create(
            actor=request.user, council=council, request=request, **form.service_data()
        ),
        done=_("The letter was registered."),
        success_url=lambda letter: _letter_url(slug, letter.pk),
        refused_status=400,
    )


def _letter_url(slug: str, pk: int) -> str:
    return reverse("council:letter_detail", kwargs={"slug": slug, "pk": pk})


@require_GET
def letter_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    letter = access.letter_in_council(council, pk)
    replies = selectors.replies_of(letter)
    return render(
        request,
        "council/followup/letter_detail.html",
        {
            "council": council,
            "letter": letter,
            "replies": replies,
            "reply_overdue": selectors.reply_overdue(letter, len(replies)),
            "recommendations": selectors.recommendations_of(letter),
            "is_secretary": access.is_secretary(request.user, council),
        },
    )


@require_http_methods(["GET", "POST"])
def letter_reply_add_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    access.require_secretary(request.user, council)
    letter = access.letter_in_council(council, pk)
    form = LetterReplyForm(
        request.POST or None,
        request.FILES or None,
        initial={"received_on": timezone.localdate(), "from_whom": letter.addressee.name},
    )
    return form_page(
        request,
        form,
        "council/followup/letter_reply_form.html",
        {"council": council, "letter": letter},
        save=lambda: letter_reply_add(
            actor=request.user, letter=letter, request=request, **form.service_data()
        ),
        done=_("The reply was recorded."),
        success_url=_letter_url(slug, pk),
        refused_status=400,
    )


@require_GET
def letter_file(request: HttpRequest, slug: str, pk: int) -> FileResponse:
    council = access.council_for_user(request.user, slug)
    return file_download(access.letter_in_council(council, pk).file)


@require_GET
def letter_reply_file(request: HttpRequest, slug: str, pk: int, reply_pk: int) -> FileResponse:
    council = access.council_for_user(request.user, slug)
    letter = access.letter_in_council(council, pk)
    return file_download(selectors.reply_of(letter, reply_pk).file)
