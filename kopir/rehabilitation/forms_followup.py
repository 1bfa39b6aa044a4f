"""Forms of the timeline and the citizen's answer to a reported result."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin
from kopir.rehabilitation.services.citizen import MAX_DISPUTE_TEXT


class MeasureAnswerForm(ServiceErrorsMixin, forms.Form):
    """The person confirms a delivered measure or disputes a reported result. A dispute takes two
    steps: the status page's button opens the dispute page (START_DISPUTE), whose text is needed
    and which sends it (DISPUTE); so the text is required except to confirm or start."""

    CONFIRM = "confirm"
    START_DISPUTE = "start_dispute"
    DISPUTE = "dispute"

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (CONFIRM, _("I received it")),
            (START_DISPUTE, _("I dispute this result")),
            (DISPUTE, _("Send the dispute")),
        ],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(
        label=_("What is wrong"),
        help_text=_("A few words the organisation can act on: what you received, or did not."),
        max_length=MAX_DISPUTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter what is wrong, so the organisation can act on your dispute.")
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get("answer") in (self.CONFIRM, self.START_DISPUTE):
            self.fields["text"].required = False

    def service_error_field(self, key: str) -> str | None:
        return "text" if key == "text" else super().service_error_field(key)
