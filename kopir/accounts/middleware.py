"""Staff who signed in with a password but not yet with their second factor may go nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
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
