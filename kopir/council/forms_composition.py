"""Forms for the council's composition: its members and their seats."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.accounts.models import User
from kopir.core.forms import ServiceErrorsMixin, date_field, text_pair
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import MemberPosition
from kopir.council.services.composition import SEAT_ACCOUNT_ROLES
from kopir.directory.forms import organisation_field


class MemberForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = (
        "full_name",
        "position",
        "affiliation",
        "affiliation_text",
        "affiliation_text_ru",
        "term_start",
        "term_end",
        "account",
    )

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        error_messages={"required": _("Enter the member's full name.")},
    )
    position = forms.ChoiceField(
        label=_("Position"),
        choices=MemberPosition.choices,
        initial=MemberPosition.MEMBER,
        error_messages={"required": _("Choose the member's position.")},
    )
    affiliation = organisation_field(_("Organisation"), empty_label=_("Not in the directory"))
    # Kept in Kazakh and Russian, as the minutes in each language print it.
    affiliation_text, affiliation_text_ru = text_pair(
        _("Affiliation, as written"),
        max_length=255,
        required=False,
        hint=_("When the organisation is not in the directory, or to add the member's role in it."),
    )
    term_start = date_field(
        _("Term starts"),
        missing=_("Enter the date the term starts."),
        invalid=_("Enter a real date, for example 24.11.2026."),
    )
    term_end = date_field(
        _("Term ends"),
        required=False,
        invalid=_("Enter a real date, for example 24.11.2029."),
    )
    account = forms.ModelChoiceField(
        label=_("Kopir account"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No account"),
        help_text=_("Linking an account lets the member read the council's pages."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, role_assignments__role__in=SEAT_ACCOUNT_ROLES)
            .select_related("organisation")
            .order_by("last_name", "first_name")
            .distinct()
        )
        self.fields["account"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: f"{user.shown_name} ({user.username})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_affiliation = data.get("affiliation") or (data.get("affiliation_text") or "").strip()
        if not has_affiliation and "affiliation" not in self.errors:
            self.add_error(
                "affiliation",
                _("Choose the member's organisation, or write the affiliation below."),
            )
        return data
