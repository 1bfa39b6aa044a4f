"""The exchange's pages: webhook subscriptions and deliveries (administrators), tracked messages
(the organisations' staff). Thin: access → form → service/selector → template."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kopir.core.forms import VersionForm, service_saved
from kopir.core.responses import form_page
from kopir.exchange import access, selectors, services
from kopir.exchange.catalogue import event_kinds, message_record, with_subjects
from kopir.exchange.forms import (
    AnswerForm,
    ConfirmForm,
    ReplayForm,
    SubscriptionCreateForm,
    SubscriptionEditForm,
)
from kopir.exchange.models import MessageStatus, Subscription
from kopir.exchange.receiver import is_listening

# --- Subscriptions --------------------------------------------------------------------------------


def subscription_list(request: HttpRequest) -> HttpResponse:
    access.require_subscription_manager(request.user)
    page = selectors.subscription_page(request.GET.get("page"))
    return render(request, "exchange/subscription_list.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def subscription_create(request: HttpRequest) -> HttpResponse:
    access.require_subscription_manager(request.user)
    form = SubscriptionCreateForm(request.POST or None)
    return form_page(
        request,
        form,
        "exchange/subscription_form.html",
        {"subscription": None},
        save=lambda: _show_secret_once(
            request,
            services.subscription_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                request=request,
                **_subscription_fields(form),
            ),
        ),
        done=_("The subscription was added. Give its secret to the receiving system."),
        success_url=lambda created: _detail_url(created.pk),
    )


def _subscription_fields(form: SubscriptionCreateForm | SubscriptionEditForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in ("name", "url", "event_kinds")}


def _detail_url(pk: int) -> str:
    return reverse("exchange:subscription_detail", args=[pk])


# The secret is shown once, on the page that follows its making (creation or rotation), not each
# time the page opens: a screen seen over a shoulder or shared must not give it away.
_SHOW_ONCE_SESSION_KEY = "exchange_show_secret"


def _show_secret_once(request: HttpRequest, subscription: Subscription) -> Subscription:
    request.session[_SHOW_ONCE_SESSION_KEY] = subscription.pk
    return subscription


def subscription_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access.subscription_for_manager(request.user, pk)
    show_secret = request.session.get(_SHOW_ONCE_SESSION_KEY) == subscription.pk
    if show_secret:
        del request.session[_SHOW_ONCE_SESSION_KEY]
    page = selectors.delivery_page(subscription, request.GET.get("page"))
    kinds = {kind.name: kind for kind in event_kinds()}
    return render(
        request,
        "exchange/subscription_detail.html",
        {
            "subscription": subscription,
            "show_secret": show_secret,
            "page_obj": page,
            "kinds": [kinds.get(name) or name for name in subscription.event_kinds],
        },
    )


@require_http_methods(["GET", "POST"])
def subscription_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = access.subscription_for_manager(request.user, pk)
    initial = {
        "version": subscription.version,
        "name": subscription.name,
        "url": subscription.url,
        "event_kinds": subscription.event_kinds,
    }
    form = SubscriptionEditForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        "exchange/subscription_form.html",
        {"subscription": subscription},
        save=lambda: services.subscription_update(
            actor=request.user,
            subscription=subscription,
            expected_version=form.cleaned_data["version"],
            request=request,
            **_subscription_fields(form),
        ),
        done=_("The subscription was saved."),
        success_url=_detail_url(subscription.pk),
    )


def _confirmed_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The confirm page of a subscription's rotate / disable / enable, and its POST."""
    subscription = access.subscription_for_manager(request.user, pk)
    form = ConfirmForm(request.POST or None, initial={"version": subscription.version})
    common: dict[str, Any] = {
        "actor": request.user,
        "subscription": subscription,
        "request": request,
    }
    if action == "rotate":
        done = _(
            "A new secret was made. The previous one stays valid for %(hours)s hours: "
            "give the new one to the receiving system before then."
        ) % {"hours": settings.KOPIR_WEBHOOK_SECRET_GRACE_HOURS}

        def save() -> object:
            return _show_secret_once(
                request,
                services.subscription_rotate_secret(
                    expected_version=form.cleaned_data["version"], **common
                ),
            )
    else:
        done = (
            _("The subscription is active again; waiting events are being sent.")
            if action == "enable"
            else _("The subscription is disabled. Its events wait until it is enabled again.")
        )

        def save() -> object:
            return services.subscription_set_active(
                expected_version=form.cleaned_data["version"], active=action == "enable", **common
            )

    return form_page(
        request,
        form,
        "exchange/subscription_confirm.html",
        {
            "subscription": subscription,
            "action": action,
            "grace_hours": settings.KOPIR_WEBHOOK_SECRET_GRACE_HOURS,
        },
        save=save,
        done=done,
        success_url=_detail_url(subscription.pk),
    )


@require_http_methods(["GET", "POST"])
def subscription_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(request, pk, "rotate")


@require_http_methods(["GET", "POST"])
def subscription_disable(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(request, pk, "disable")


@require_http_methods(["GET", "POST"])
def subscription_enable(request: HttpRequest, pk: int) -> HttpResponse:
    return _confirmed_action(request, pk, "enable")


# --- Deliveries -----------------------------------------------------------------------------------


def dead_letters(request: HttpRequest) -> HttpResponse:
    access.require_subscription_manager(request.user)
    page = selectors.dead_letter_page(request.GET.get("page"))
    return render(request, "exchange/dead_letters.html", {"page_obj": page})


@require_http_methods(["GET", "POST"])
def delivery_replay(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = access.delivery_for_manager(request.user, pk)
    form = ReplayForm(request.POST or None)
    return form_page(
        request,
        form,
        "exchange/delivery_replay.html",
        {"delivery": delivery},
        save=lambda: services.delivery_replay(
            actor=request.user, delivery=delivery, request=request
        ),
        done=_("The event is queued to be sent again, with the same id."),
        success_url=_detail_url(delivery.subscription_id),
    )


def demo_receiver(request: HttpRequest) -> HttpResponse:
    """What the demo's local webhook receiver got (administrators)."""
    access.require_subscription_manager(request.user)
    page = selectors.demo_receipt_page(request.GET.get("page"))
    return render(
        request,
        "exchange/demo_receiver.html",
        {
            "page_obj": page,
            "port": settings.KOPIR_DEMO_RECEIVER_PORT,
            "listening": is_listening(settings.KOPIR_DEMO_RECEIVER_PORT),
        },
    )


# --- Messages -------------------------------------------------------------------------------------


def message_list(request: HttpRequest) -> HttpResponse:
    access.require_message_reader(request.user)
    box = request.GET.get("box", "received")
    if box not in selectors.BOXES:
        raise Http404
    page = selectors.message_page(request.user, box, request.GET.get("page"))
    return render(
        request,
        "exchange/message_list.html",
        {"page_obj": page, "box": box, "boxes": selectors.BOXES},
    )


def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = access.message_for_user(request.user, pk)
    if access.is_recipient_staff(request.user, message) and message.status == MessageStatus.SENT:
        # The recipient's staff have opened it: it has reached the organisation.
        message = services.message_mark_delivered(message=message, via="web")
    with_subjects([message])
    return render(
        request,
        "exchange/message_detail.html",
        {
            "message": message,
            # The record the message is about (a rehabilitation measure), where it is worked.
            "record": message_record(message, request.user),
            "may_acknowledge": access.may_acknowledge(request.user, message),
            "may_answer": access.may_answer(request.user, message),
            "acknowledge_form": VersionForm(initial={"version": message.version}),
        },
    )


@require_POST
def message_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    message = access.message_for_recipient(request.user, pk)
    form = VersionForm(request.POST)
    if form.is_valid() and service_saved(
        form,
        lambda: services.message_acknowledge(
            actor=request.user,
            message=message,
            version=form.cleaned_data["version"],
            request=request,
        ),
    ):
        messages.success(request, _("The message is acknowledged."))
    else:
        errors = form.non_field_errors()
        messages.error(
            request,
            str(errors[0])
            if errors
            else _("The page was out of date. Open it again, then confirm."),
        )
    return redirect("exchange:message_detail", pk=message.pk)


@require_http_methods(["GET", "POST"])
def message_answer(request: HttpRequest, pk: int) -> HttpResponse:
    message = access.message_for_recipient(request.user, pk)
    form = AnswerForm(request.POST or None, initial={"version": message.version})
    return form_page(
        request,
        form,
        "exchange/message_answer.html",
        lambda: {"message": with_subjects([message])[0]},
        save=lambda: services.message_answer(
            actor=request.user,
            message=message,
            version=form.cleaned_data["version"],
            answer=form.cleaned_data["answer"],
            request=request,
        ),
        done=_("The answer was sent."),
        success_url=reverse("exchange:message_detail", args=[message.pk]),
    )
