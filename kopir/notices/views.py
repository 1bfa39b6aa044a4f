"""The outbox: every notice Kopir has sent or tried to send, with its delivery status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from kopir.core.errors import DomainError
from kopir.notices.access import (
    may_read_secret,
    may_resend,
    notice_for_user,
    require_outbox_reader,
)
from kopir.notices.forms import OutboxFilterForm
from kopir.notices.selectors import notice_read, outbox_page, outbox_topics
from kopir.notices.services import notice_retry


def outbox(request: HttpRequest) -> HttpResponse:
    require_outbox_reader(request.user)
    form = OutboxFilterForm(request.GET or None, topics=outbox_topics(request.user))
    page = outbox_page(request.user, form.criteria(), request.GET.get("page"))
    return render(request, "notices/outbox.html", {"form": form, "page_obj": page})


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_read(request.user, pk, request=request)
    return render(
        request,
        "notices/notice.html",
        {
            "notice": notice,
            "show_text": may_read_secret(request.user, notice),
            "may_resend": may_resend(request.user),
        },
    )


@require_POST
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_for_user(request.user, pk)
    if not may_resend(request.user):
        raise PermissionDenied
    try:
        notice_retry(actor=request.user, notice=notice, request=request)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, gettext("The notice is queued to be sent again."))
    return HttpResponseRedirect(reverse("notices:notice", args=[notice.pk]))
