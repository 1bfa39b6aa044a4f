"""Forms of the bulk upload page and the citizen status page."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.assessment.services.citizen import CODE_DIGITS, NUMBER_SHAPE, normalise_number
from kopir.core.identifiers import compact_identifier, typed_iin


class BulkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file of referrals"),
        help_text=_("UTF-8, one referral per row, with the header described below. At most 20 MB."),
        error_messages={"required": _("Choose the CSV file to upload.")},
    )
    send = forms.BooleanField(
        label=_("Send each complete referral to the MSE division"),
        help_text=_(
            "Referrals that lack something the rules require are saved as drafts, and the report says what is missing."
        ),
        required=False,
    )


class StatusLookupForm(forms.Form):
    number = forms.CharField(
        label=_("Referral number"),
        max_length=40,
        help_text=_(
            "It is written on the referral the clinic gave you, for example MSE-2026-000123."
        ),
        error_messages={"required": _("Enter the referral number.")},
    )
    iin = forms.CharField(
        label=_("IIN of the person referred"),
        max_length=20,
        help_text=_(
            "12 digits. A parent or other legal representative enters the IIN of the person they represent."
        ),
        error_messages={"required": _("Enter the IIN.")},
    )

    def clean_number(self) -> str:
        number = normalise_number(self.cleaned_data["number"])
        if not NUMBER_SHAPE.match(number):
            raise forms.ValidationError(
                _("Enter the number as it is written on the referral, for example MSE-2026-000123.")
            )
        return number

    def clean_iin(self) -> str:
        # The IIN's form and check digit are checked here, before anything is looked up: a typo
        # is told at the field rather than answered with a code that never comes, and a check of
        # the number alone says nothing about whether a referral exists.
        return typed_iin(self.cleaned_data["iin"])


class StatusCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=12,
        help_text=_("The 6 digits from the message we sent."),
        error_messages={"required": _("Enter the code from the message.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        # ASCII digits only (`\d` takes any script's); full-width ones are folded first.
        code = re.sub(r"\s+", "", compact_identifier(self.cleaned_data["code"]))
        if not re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", code):
            raise forms.ValidationError(_("The code is 6 digits."))
        return code
