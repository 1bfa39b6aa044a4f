"""Forms for a referral's documents."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.assessment.forms_clinic import DATE_ERRORS
from kopir.assessment.models import DocumentType
from kopir.core.forms import DatePickerInput, ServiceErrorsMixin


class AttachmentForm(ServiceErrorsMixin, forms.Form):
    document_type = forms.ChoiceField(
        label=_("Kind of document"),
        choices=[("", _("Choose the kind of document")), *DocumentType.choices],
        error_messages={"required": _("Choose the kind of document.")},
    )
    issued_on = forms.DateField(
        label=_("Date of the document"),
        help_text=_("The date the document was issued or the test was done."),
        widget=DatePickerInput,
        error_messages={"required": _("Enter the date of the document."), **DATE_ERRORS},
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPG, PNG or DOCX, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx"}),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
    )
