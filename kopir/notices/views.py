"""The outbox: every notice Kopir has sent or tried to send, with its delivery status."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from kopir.core.responses import (
    act_and_tell,
    form_page,
    render_page_or_fragment,
    wants_fragment,
)
from kopir.notices.access import (
    contact_edit_url,
    may_read_secret,
    may_resend,
    notice_for_user,
    own_notification,
    require_notifications_reader,
    require_outbox_reader,
)
from kopir.notices.forms import OutboxFilterForm, StaffNotificationPreferenceForm
from kopir.notices.home import unread_text
from kopir.notices.selectors import (
    notice_read,
    outbox_page,
    outbox_topics,
    preference_initial,
    staff_notifications_page,
    unread_notifications_count,
)
from kopir.notices.services import notice_retry
from kopir.notices.staff import (
    staff_notification_mark_read,
    staff_notifications_mark_all_read,
    staff_preferences_save,
)


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
            "contact_edit_url": contact_edit_url(request.user, notice),
        },
    )


@require_POST
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_for_user(request.user, pk)
    if not may_resend(request.user):
        raise PermissionDenied
    act_and_tell(
        request,
        lambda: notice_retry(actor=request.user, notice=notice, request=request),
        done=gettext("The notice is queued to be sent again."),
    )
    return HttpResponseRedirect(reverse("notices:notice", args=[notice.pk]))


# --- A staff member's own notifications ------------------------------------------------------------


def _list_context(request: HttpRequest, number: str | None, done: str = "") -> dict[str, object]:
    return {
        "page_obj": staff_notifications_page(request.user, number),
        "unread": unread_notifications_count(request.user),
        "done": done,
    }


def my_notifications(request: HttpRequest) -> HttpResponse:
    require_notifications_reader(request.user)
    return render_page_or_fragment(
        request,
        "notices/my_notifications.html",
        "notices/partials/my_notifications.html",
        _list_context(request, request.GET.get("page")),
    )


def _after_marking(request: HttpRequest, done: str) -> HttpResponse:
    """htmx swaps the list in place, saying what was done; without JavaScript the browser is
    sent back to the same page of the list, where the message is shown."""
    page = request.POST.get("page", "")
    if wants_fragment(request):
        context = _list_context(request, page or None, done)
        context["unread_text"] = unread_text(int(str(context["unread"])))
        return render(request, "notices/partials/my_notifications.html", context)
    messages.success(request, done)
    suffix = f"?page={page}" if page.isdigit() else ""
    return HttpResponseRedirect(reverse("notices:mine") + suffix)


@require_POST
def notification_mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = own_notification(request.user, pk)
    staff_notification_mark_read(actor=request.user, notification=notification, request=request)
    return _after_marking(request, gettext("The notification is marked as read."))


@require_POST
def notifications_mark_all_read(request: HttpRequest) -> HttpResponse:
    require_notifications_reader(request.user)
    marked = staff_notifications_mark_all_read(actor=request.user, request=request)
    done = ngettext(
        "%(count)d notification is marked as read.",
        "%(count)d notifications are marked as read.",
        marked,
    ) % {"count": marked}
    return _after_marking(request, done)


def notification_preferences(request: HttpRequest) -> HttpResponse:
    require_notifications_reader(request.user)
    if request.method == "POST":
        form = StaffNotificationPreferenceForm(request.POST, user=request.user)
    else:
        form = StaffNotificationPreferenceForm(
            initial=preference_initial(request.user), user=request.user
        )
    return form_page(
        request,
        form,
        "notices/notification_preferences.html",
        {"form": form},
        save=lambda: staff_preferences_save(
            actor=request.user,
            email_kinds=form.cleaned_data["email_kinds"],
            sms_kinds=form.cleaned_data["sms_kinds"],
            sms_phone=form.cleaned_data["sms_phone"],
            request=request,
        ),
        done=gettext("Your notification settings are saved."),
        success_url=reverse("notices:preferences"),
    )
