"""The invitee's reply: what they need to take part (asked through their invitation's link)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin
from kopir.council.models import AccommodationNeed


class InvitationReplyForm(ServiceErrorsMixin, forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("What do you need to take part?"),
        help_text=_(
            "Choose all that apply. The council's secretary arranges it before the meeting."
        ),
        choices=AccommodationNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one thing you need.")},
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For example: Kazakh sign language; materials in Braille, in Russian. Required when "
            "you chose something else."
        ),
    )

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        if AccommodationNeed.OTHER in cleaned.get("needs", []) and not cleaned.get("note"):
            self.add_error("note", _("Say what you need."))
        return cleaned
