"""Forms of the timeline and the citizen's answer to a reported result."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin
from kopir.rehabilitation.services.citizen import MAX_DISPUTE_TEXT


class MeasureAnswerForm(ServiceErrorsMixin, forms.Form):
    """The person confirms a delivered measure or disputes a reported result."""

    CONFIRM = "confirm"
    DISPUTE = "dispute"

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(CONFIRM, _("I received it")), (DISPUTE, _("I dispute this result"))],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(
        label=_("What is wrong (only if you dispute the result)"),
        help_text=_("A few words the organisation can act on: what you received, or did not."),
        max_length=MAX_DISPUTE_TEXT,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("answer") == self.DISPUTE and not (data.get("text") or "").strip():
            self.add_error(
                "text", _("Enter what is wrong, so the organisation can act on your dispute.")
            )
        return data

    def service_error_field(self, key: str) -> str | None:
        return "text" if key == "text" else super().service_error_field(key)
