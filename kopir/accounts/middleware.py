"""Signing in before any page: a session that ended is told so on the sign-in page, and staff who
signed in with a password but not yet with their second factor may go nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django_otp import user_has_device

from kopir.accounts.access import owes_second_factor

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def two_factor_exempt(view: ViewFunc) -> ViewFunc:
    """Mark a view reachable before the second factor (sign-in steps, sign-out, public pages)."""
    view.two_factor_exempt = True  # type: ignore[attr-defined]
    return view


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not settings.KOPIR_REQUIRE_2FA:
            return None  # switched off for every account: nothing to ask
        user = request.user
        # A public page is open before the second factor, unless it shows a signed-in user
        # something of their own (the home page: public front door, or the user's work).
        public = getattr(view_func, "login_required", True) is False and not (
            user.is_authenticated and getattr(view_func, "two_factor_when_signed_in", False)
        )
        if getattr(view_func, "two_factor_exempt", False) or public:
            return None
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return None
        if not owes_second_factor(user):
            return None
        step = "accounts:verify" if user_has_device(user) else "accounts:two_factor_setup"
        url = reverse(step)
        # After the second factor the user lands where they were going (the sign-in step checks
        # that the address is local before following it). Only GET can be replayed by a redirect.
        if request.method == "GET":
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)


def session_ended(request: HttpRequest) -> bool:
    """The browser sent a session that no longer exists: it ended (idle too long, or its
    password changed) rather than never having been signed in. Signing out removes the
    browser's session cookie, so it does not count."""
    return (
        bool(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        and getattr(request, "session", None) is not None
        and request.session.session_key is None
    )


def _page_they_were_on(request: HttpRequest) -> str:
    """Where to come back to after signing in again: the address asked for, or, for a form sent
    (which cannot be replayed), the page the form was on, when it is on this site."""
    if request.method in ("GET", "HEAD"):
        return request.get_full_path()
    referer = request.headers.get("referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return ""


class SignInRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware (every page needs a signed-in user unless its view is
    @login_not_required), which also tells a person whose session ended why they are asked to
    sign in again, and that a form they sent was not saved; after signing in they come back to
    the page they were on, as a GET."""

    # An htmx request is answered with HX-Redirect rather than a redirect.
    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Any
    ) -> HttpResponse:
        if not session_ended(request):
            return super().handle_no_permission(request, view_func)
        minutes = settings.SESSION_COOKIE_AGE // 60
        if request.method in ("GET", "HEAD"):
            text = ngettext(
                "Your session ended after %(minutes)d minute without activity. Sign in again "
                "to continue.",
                "Your session ended after %(minutes)d minutes without activity. Sign in again "
                "to continue.",
                minutes,
            )
        else:
            text = ngettext(
                "Your session ended after %(minutes)d minute without activity, so what you "
                "sent was not saved. Sign in again, then enter it once more.",
                "Your session ended after %(minutes)d minutes without activity, so what you "
                "sent was not saved. Sign in again, then enter it once more.",
                minutes,
            )
        messages.warning(request, text % {"minutes": minutes})
        login_url = resolve_url(self.get_login_url(view_func))
        following = _page_they_were_on(request)
        if following:
            login_url = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: following})}"
        if getattr(request, "htmx", False):
            # A redirect would be followed inside the page and the sign-in page swapped into a
            # part of it: have the browser open it instead.
            return HttpResponse(status=204, headers={"HX-Redirect": login_url})
        return HttpResponseRedirect(login_url)
