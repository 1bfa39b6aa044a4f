"""Forms for signing in, the second factor, one's own account and account administration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordChangeForm as DjangoPasswordChangeForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kopir.accounts import two_factor
from kopir.accounts.models import Role, User
from kopir.core.collation import AlphabeticalModelChoiceField
from kopir.core.forms import ComparedEditForm, FilterForm
from kopir.directory.models import Organisation

_NO_AUTOFIX = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


class LanguageSelect(forms.Select):
    """A language list whose options carry their own `lang`, so each name is read correctly."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        if option["value"]:
            option["attrs"]["lang"] = option["value"]
        return option


# --- Signing in --------------------------------------------------------------------------------


class LoginForm(forms.Form):
    """Step one: username and password, checked by Django's backends with django-axes in front.

    `authenticate` gets the request so axes can count the failure and lock the username and the
    address after AXES_FAILURE_LIMIT attempts; AxesMiddleware then answers with the lockout page.
    """

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", **_NO_AUTOFIX}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The username or password is not right. Check them and try again; after several "
            "wrong attempts the account is locked for a while."
        ),
    }

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        # True when the password check itself refused (not a blank field): worth an audit record.
        self.credentials_refused = False
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        username = cleaned.get("username")
        password = cleaned.get("password")
        if username and password:
            user = authenticate(self.request, username=username, password=password)
            if user is None:
                self.credentials_refused = True
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
            self.user_cache = user
        return cleaned

    def get_user(self) -> User:
        assert self.user_cache is not None
        return self.user_cache

    @property
    def locked_out(self) -> bool:
        return bool(getattr(self.request, "axes_locked_out", False))


class OneTimeCodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    **_NO_AUTOFIX,
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return two_factor.normalise_code(super().clean(value))


class TwoFactorCodeForm(forms.Form):
    """Step two: the code from the authenticator app, or one of the backup codes."""

    code = OneTimeCodeField(
        label=_("Code"),
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your 10-digit backup codes."
        ),
        error_messages={"required": _("Enter the code from your authenticator app.")},
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not code.isdigit():
            raise forms.ValidationError(_("The code is made of digits only."), code="digits")
        return code


class TwoFactorSetupForm(forms.Form):
    code = OneTimeCodeField(
        label=_("Code from the app"),
        help_text=_("After adding the key, enter the 6-digit code the app shows."),
        error_messages={"required": _("Enter the 6-digit code the app shows.")},
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Enter exactly 6 digits."), code="length")
        return code


# --- One's own account -------------------------------------------------------------------------


def password_rules_text() -> str:
    """The configured password validators' rules as plain text, in the reader's language.

    Django's own help text is an HTML list, which the field hint (a paragraph) cannot hold.
    """
    return " ".join(str(text) for text in password_validation.password_validators_help_texts())


class PasswordChangeForm(DjangoPasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = password_rules_text()


class PreferencesForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        widget=LanguageSelect,
        help_text=_("Kopir opens in this language after you sign in."),
    )


# --- Account administration --------------------------------------------------------------------


class UserFilterForm(FilterForm[dict[str, Any]]):
    q = forms.CharField(
        label=_("Username or name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", **_NO_AUTOFIX}),
    )
    # By name in the reader's language, in its alphabet's order (Қ after К, not after Я).
    organisation = AlphabeticalModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        required=False,
        empty_label=_("Any organisation"),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any role")), *Role.choices],
    )
    locked = forms.BooleanField(label=_("Locked out now only"), required=False)

    def criteria_from(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The keyword arguments of `selectors.user_search_page`."""
        return {
            "query": data.get("q") or "",
            "organisation": data.get("organisation"),
            "role": data.get("role") or "",
            "locked": bool(data.get("locked")),
        }


def _password_pair_clean(form: forms.Form, *, required: bool) -> None:
    """Both password boxes must agree, and the password must pass Django's validators."""
    if form.has_error("password1") or form.has_error("password2"):
        return  # a box left empty that must be filled says so, and only that
    password1 = form.cleaned_data.get("password1") or ""
    password2 = form.cleaned_data.get("password2") or ""
    if not password1 and not password2 and not required:
        return
    if password1 != password2:
        form.add_error("password2", _("The two passwords do not match."))
        return
    # The validators compare the password with the username and names being saved.
    candidate = User(
        username=form.cleaned_data.get("username", ""),
        first_name=form.cleaned_data.get("first_name", ""),
        last_name=form.cleaned_data.get("last_name", ""),
        email=form.cleaned_data.get("email", ""),
    )
    try:
        password_validation.validate_password(password1, user=candidate)
    except forms.ValidationError as error:
        form.add_error("password1", error)


# The fields of UserForm that hold the account's own values, in the order the form shows them.
ACCOUNT_EDIT_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "roles",
    "preferred_language",
    "is_active",
)


class UserForm(forms.Form):
    """An account as the administrator edits it. The service does the saving (and the checks
    that need the database, such as a username already taken)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only. The person signs in with it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", **_NO_AUTOFIX}),
    )
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = AlphabeticalModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        empty_label=_("Choose an organisation"),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        widget=LanguageSelect,
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("An inactive account cannot sign in. Accounts are deactivated, never deleted."),
    )


class UserCreateForm(UserForm):
    """A new account with an initial password typed twice by the administrator.

    The administrator hands the password over in person; the holder can change it on their
    account page and sets up the authenticator at the first sign-in.
    """

    password1 = forms.CharField(
        label=_("Initial password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Initial password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_rules_text()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _password_pair_clean(self, required=True)
        return cleaned


class UserEditForm(ComparedEditForm, UserForm):
    # The version of the account the form was filled from: the service refuses the save when
    # someone changed the account since (optimistic concurrency, as on every edit form).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _password_pair_clean(self, required=False)
        return cleaned

    # Language names are written in their own language, as in the list to choose from.
    own_language_fields = ("preferred_language",)

    def saved_values(self, account: User) -> dict[str, Any]:
        """The account's values this form holds; passwords are never listed: only their hashes
        are kept, and those are not for showing."""
        assigned = account.assigned_roles()
        return {
            name: (
                [value for value, _label in Role.choices if value in assigned]
                if name == "roles"
                else getattr(account, name)
            )
            for name in ACCOUNT_EDIT_FIELDS
        }
