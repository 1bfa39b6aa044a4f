"""Views: thin; they call selectors and services.

Signing in takes two steps. The password (`login`) comes first; staff then prove the second
factor (`verify`), or set one up if they have none yet (`two_factor_setup`). Between the two
steps the user is signed in to Django but TwoFactorRequiredMiddleware lets them reach only the
views marked @two_factor_exempt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login

from kopir.accounts import selectors, services, two_factor
from kopir.accounts.access import (
    may_set_up_second_factor,
    owes_second_factor,
    require_administrator,
    second_factor_pending,
)
from kopir.accounts.forms import (
    LoginForm,
    PasswordChangeForm,
    PreferencesForm,
    TwoFactorCodeForm,
    TwoFactorSetupForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from kopir.accounts.middleware import two_factor_exempt
from kopir.accounts.models import User
from kopir.core.forms import VersionForm, at_version
from kopir.core.responses import (
    compared_on_conflict,
    form_page,
    render_page_or_fragment,
    wants_fragment,
)
from kopir.core.selectors import page_of

# The secret being set up lives in the session until the user proves their app has it, so
# nothing is written to the database for an abandoned set-up.
SETUP_KEY_SESSION_KEY = "accounts_totp_setup_key"


# --- Where to go after signing in --------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    """The `next` address from the form or query string, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url_name: str, next_url: str) -> str:
    url = reverse(url_name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _home_in_language(user: Any) -> str:
    """The start page under the account's preferred language prefix (/kk/, /ru/, /en/)."""
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        return reverse("core:home")


def _landing(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    user = request.user
    response = HttpResponseRedirect(next_url or _home_in_language(user))
    language = getattr(user, "preferred_language", "")
    if language:
        # Visits to "/" (without a language prefix) then open in the account's language too.
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


# --- Signing in and out ------------------------------------------------------------------------


@login_not_required
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    signed_in = request.method == "GET" and request.user.is_authenticated
    if signed_in and not second_factor_pending(request.user):
        return _landing(request, next_url)
    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_bound:
        if form.is_valid():
            user = form.get_user()
            auth_login(request, user)
            # Every password sign-in owes a fresh second factor, even in a session that had one.
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            pending = owes_second_factor(user)
            services.login_record_success(user=user, request=request, second_factor_pending=pending)
            if pending:
                status = selectors.two_factor_status(user)
                step = "accounts:verify" if status.has_any_device else "accounts:two_factor_setup"
                return HttpResponseRedirect(_with_next(step, next_url))
            return _landing(request, next_url)
        if form.credentials_refused:
            # When axes has just locked the username or address, AxesMiddleware replaces this
            # response with the lockout page (AXES_LOCKOUT_TEMPLATE, status 429).
            services.login_record_failure(
                username=form.cleaned_data.get("username", ""),
                request=request,
                locked_out=form.locked_out,
            )
    context: dict[str, Any] = {"form": form, "next": next_url}
    if settings.KOPIR_DEMO:
        context.update(_demo_accounts_context())
    return render(request, "accounts/login.html", context)


def _demo_accounts_context() -> dict[str, Any]:
    """The demo's accounts and shared password, shown on the sign-in page of the demo only."""
    from kopir.accounts.demo import DEMO_PASSWORD, demo_account_rows

    return {"demo_password": DEMO_PASSWORD, "demo_accounts": demo_account_rows()}


def _second_step_page(view: Callable[[HttpRequest], HttpResponse]) -> Callable[..., HttpResponse]:
    """The pages of the second sign-in step: reached before it is passed, never cached, and
    the code typed is kept out of error reports."""
    return two_factor_exempt(
        sensitive_post_parameters("code")(never_cache(require_http_methods(["GET", "POST"])(view)))
    )


@login_not_required
@two_factor_exempt
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """Sign out (POST only, so a link or an image cannot sign anyone out)."""
    if request.user.is_authenticated:
        services.logout_record(user=request.user, request=request)
    auth_logout(request)
    messages.success(request, _("You have signed out."))
    return redirect("accounts:login")


@_second_step_page
def verify(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the authenticator app, or a backup code."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _safe_next(request)
    if not second_factor_pending(user):
        return _landing(request, next_url)
    if not selectors.two_factor_status(user).has_any_device:
        return HttpResponseRedirect(_with_next("accounts:two_factor_setup", next_url))
    form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        outcome = services.two_factor_verify(
            user=user, code=form.cleaned_data["code"], request=request
        )
        if outcome.device is not None:
            otp_login(request, outcome.device)
            return _landing(request, next_url)
        if outcome.retry_at is not None:
            form.add_error(
                "code",
                _(
                    "Too many wrong codes. Wait until %(time)s, then enter the code your app "
                    "shows at that moment."
                )
                % {"time": date_format(localtime(outcome.retry_at), "TIME_FORMAT")},
            )
        else:
            form.add_error(
                "code",
                _(
                    "This code is not right. Enter the code your app shows now, or an unused "
                    "backup code."
                ),
            )
    return render(request, "accounts/verify.html", {"form": form, "next": next_url})


@_second_step_page
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), then prove it with a code."""
    user: User = request.user  # type: ignore[assignment]
    next_url = _safe_next(request)
    status = selectors.two_factor_status(user)
    if status.has_authenticator:
        messages.info(request, _("Two-factor sign-in is already set up for your account."))
        return redirect("accounts:profile")
    if not may_set_up_second_factor(user):
        # Refused before a key is made: nothing of a set-up is left in the session.
        return render(
            request,
            "accounts/two_factor_setup.html",
            {"refused": services.SHARED_DEMO_ACCOUNT},
            status=403,
        )
    if status.has_any_device and second_factor_pending(user):
        # Backup codes alone still count as a second factor: use one before adding an app, or
        # anyone with the password could enrol their own phone.
        return HttpResponseRedirect(_with_next("accounts:verify", next_url))
    key = request.session.get(SETUP_KEY_SESSION_KEY) or two_factor.new_secret_key()
    request.session[SETUP_KEY_SESSION_KEY] = key
    form = TwoFactorSetupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device, codes = services.two_factor_setup_confirm(
                user=user, key=key, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session.pop(SETUP_KEY_SESSION_KEY, None)
            otp_login(request, device)
            # Shown in this response and never again: nothing keeps the codes to show later.
            return render(
                request,
                "accounts/backup_codes.html",
                {
                    "codes": [two_factor.backup_code_for_display(code) for code in codes],
                    "continue_url": next_url or _home_in_language(user),
                    "just_set_up": True,
                },
            )
    context = {
        "form": form,
        "next": next_url,
        "secret": two_factor.secret_key_for_display(key),
        "qr_code": two_factor.qr_code_data_uri(two_factor.provisioning_uri(user, key)),
    }
    return render(request, "accounts/two_factor_setup.html", context)


@never_cache
@require_POST
def backup_codes_regenerate(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        codes = services.two_factor_backup_codes_regenerate(user=user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": [two_factor.backup_code_for_display(code) for code in codes],
            "continue_url": reverse("accounts:profile"),
            "just_set_up": False,
        },
    )


# --- One's own account -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        initial={"preferred_language": user.preferred_language},
    )
    if form.is_bound and form.is_valid():
        language = form.cleaned_data["preferred_language"]
        try:
            services.user_update_preferences(
                user=user, preferred_language=language, request=request
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # Say it, and show the page, in the language just chosen.
            with translation.override(language):
                messages.success(request, _("Your preferences are saved."))
                return redirect(reverse("accounts:profile"))
    context = {
        "form": form,
        "roles": user.role_labels(),
        "two_factor": selectors.two_factor_status(user),
        "two_factor_required": owes_second_factor(user),
        # A shared demo account is told why it has no set-up button.
        "two_factor_refused": None
        if may_set_up_second_factor(user)
        else services.SHARED_DEMO_ACCOUNT,
    }
    return render(request, "accounts/profile.html", context)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@never_cache
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        services.user_change_password(
            user=user, password=form.cleaned_data["new_password1"], request=request
        )
        # Other sessions of this account end; this one stays signed in (and verified).
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Account administration --------------------------------------------------------------------


def user_list(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = UserFilterForm(request.GET or None)
    criteria = form.criteria()
    page: Page[User]
    if criteria is None:
        # Filters that do not make sense show no accounts (and the errors), so nothing is read.
        page = page_of(None, selectors.USERS_PER_PAGE)
    else:
        # The rows shown are names of staff: the selector records the search.
        page = selectors.user_search_page(
            request.user, **criteria, page=request.GET.get("page"), request=request
        )
    context = {"form": form, "page_obj": page}
    context["htmx"] = wants_fragment(request)
    return render_page_or_fragment(
        request, "accounts/user_list.html", "accounts/partials/user_results.html", context
    )


def _account_values(form: UserCreateForm | UserEditForm) -> dict[str, Any]:
    data = form.cleaned_data
    # AccountData (the edited account fields and the roles) and the password, if one was typed.
    values = {name: data[name] for name in (*services.ACCOUNT_FIELDS, "roles")}
    return {**values, "password": data.get("password1") or ""}


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    require_administrator(request.user)
    form = UserCreateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = services.user_create(
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                **_account_values(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The account is created. Give the person their username and initial "
                    "password; they set up two-factor sign-in when they first sign in."
                ),
            )
            return redirect("accounts:user_edit", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": None})


def _edit_initial(account: User) -> dict[str, Any]:
    values = {name: getattr(account, name) for name in services.ACCOUNT_FIELDS}
    return {**values, "roles": sorted(account.assigned_roles()), "version": account.version}


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_administrator(request.user)
    if request.method == "GET":
        # The page shows the account's name, e-mail and roles: that is a read, and it is audited.
        account = selectors.user_for_view(request.user, pk, request=request)
        form = UserEditForm(initial=_edit_initial(account))
    else:
        account = selectors.user_get(pk)
        form = UserEditForm(request.POST)

    def reread() -> User:
        # What the other person saved is shown: a read of the account, so audited.
        nonlocal account
        account = selectors.user_for_view(request.user, pk, request=request, detail="conflict")
        return account

    return form_page(
        request,
        form,
        "accounts/user_form.html",
        lambda: {
            "account": account,
            "two_factor": selectors.two_factor_status(account),
            "lockouts": selectors.account_lockouts(account),
        },
        save=lambda: services.user_update(
            actor=request.user,  # type: ignore[arg-type]
            user=account,
            expected_version=form.cleaned_data["version"],
            request=request,
            **_account_values(form),
        ),
        done=_("The account is saved."),
        unchanged=_("Nothing was changed."),
        success_url=reverse("accounts:user_edit", args=[pk]),
        # Keep what the administrator typed (password boxes are never filled in again), show
        # what the other person saved, and carry the new version: submitting again is then a
        # deliberate choice to replace it.
        on_conflict=compared_on_conflict(request, UserEditForm, reread),
    )


@require_http_methods(["GET", "POST"])
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an account's authenticator and backup codes, once the administrator confirms it."""
    account = _account_for_step(request, pk)
    form = at_version(VersionForm, request, account)
    return form_page(
        request,
        form,
        "accounts/user_reset_two_factor.html",
        lambda: {"account": account, "two_factor": selectors.two_factor_status(account)},
        save=lambda: services.user_reset_two_factor(
            actor=request.user,  # type: ignore[arg-type]
            user=account,
            expected_version=form.cleaned_data["version"],
            request=request,
        ),
        done=_(
            "Two-factor sign-in is reset. The account sets up a new authenticator app at its "
            "next sign-in."
        ),
        success_url=reverse("accounts:user_edit", args=[pk]),
    )


def _account_for_step(request: HttpRequest, pk: int) -> User:
    """The account a confirmation page is about: on a GET the page shows it, a read that is
    audited; the POST's service records what it does."""
    require_administrator(request.user)
    if request.method == "GET":
        return selectors.user_for_view(request.user, pk, request=request)
    return selectors.user_get(pk)


@require_http_methods(["GET", "POST"])
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """Lift a lockout on an account's sign-in, once the administrator confirms it."""
    account = _account_for_step(request, pk)
    form = at_version(VersionForm, request, account)
    return form_page(
        request,
        form,
        "accounts/user_unlock.html",
        lambda: {"account": account, "lockouts": selectors.account_lockouts(account)},
        save=lambda: services.user_unlock(
            actor=request.user,  # type: ignore[arg-type]
            user=account,
            expected_version=form.cleaned_data["version"],
            request=request,
        ),
        done=lambda removed: (
            _("Sign-in is unlocked: the person can sign in again.")
            if removed
            else _("Sign-in was no longer locked.")
        ),
        success_url=reverse("accounts:user_edit", args=[pk]),
    )
