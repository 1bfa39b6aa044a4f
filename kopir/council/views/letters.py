"""The letters register: list, detail, register an outgoing letter, record a reply, files."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from kopir.core.forms import service_saved
from kopir.core.selectors import page_of
from kopir.council import access
from kopir.council.forms_followup_visits import LetterForm, LetterReplyForm
from kopir.council.selectors import letters as selectors
from kopir.council.services.letters import letter_create, letter_reply_add, next_letter_number
from kopir.council.views.meetings_common import file_download, service_result

PER_PAGE = 25


@require_GET
def letter_list(request: HttpRequest, slug: str) -> HttpResponse:
    council = access.council_for_user(request.user, slug)
    page_obj = page_of(selectors.letter_list(council), PER_PAGE, request.GET.get("page"))
    today = timezone.localdate()
    for letter in page_obj.object_list:
        letter.reply_overdue = selectors.reply_overdue(letter, letter.reply_count, today)
    return render(
        request,
        "council/followup/letter_list.html",
        {
            "council": council,
            "page_obj": page_obj,
            "is_secretary": access.is_secretary(request.user, council),
        },
    )


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        letter = service_result(
            form,
            lambda: letter_create(
                actor=request.user,
                council=council,
                number=data["number"] or "",
                sent_on=data["sent_on"],
                addressee=data["addressee"],
                subject=data["subject"],
                summary=data.get("summary") or "",
                recommendations=data["recommendations"],
                upload=data.get("file"),
                reply_due_on=data.get("reply_due_on"),
                request=request,
            ),
        )
        if letter is not None:
            messages.success(request, _("The letter was registered."))
            return redirect("council:letter_detail", slug=slug, pk=letter.pk)
    return render(
        request,
        "council/followup/letter_form.html",
        {"council": council, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


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
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if service_saved(
            form,
            lambda: letter_reply_add(
                actor=request.user,
                letter=letter,
                received_on=data["received_on"],
                from_whom=data["from_whom"],
                summary=data["summary"],
                upload=data.get("file"),
                request=request,
            ),
        ):
            messages.success(request, _("The reply was recorded."))
            return redirect("council:letter_detail", slug=slug, pk=pk)
    return render(
        request,
        "council/followup/letter_reply_form.html",
        {"council": council, "letter": letter, "form": form},
        status=400 if form.is_bound and form.errors else 200,
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
