"""Forms of the dashboard snapshots: save one (titled in Kazakh and Russian, confirmed), cite
one in a council record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin, text_in
from kopir.oversight.models import Snapshot


class SnapshotSaveForm(ServiceErrorsMixin, forms.Form):
    # One legend over both halves (`bilingual`): a label of its own on the Kazakh half repeated
    # the legend, «Атауы қазақ тілінде» twice.
    title = text_in(
        "kk",
        _("Title"),
        max_length=300,
        hint=_("What the figures are about, as the minutes will name them."),
        missing=_("Enter the title in Kazakh."),
    )
    title_ru = text_in("ru", _("Title"), max_length=300, missing=_("Enter the title in Russian."))
    confirm = forms.BooleanField(
        label=_("I have checked the figures above; save them as they are shown."),
        error_messages={"required": _("Tick the box to confirm, then press again.")},
    )
    # A fingerprint of the figures the page showed: the save refuses if they changed since.
    seen = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CiteForm(forms.Form):
    snapshot = forms.TypedChoiceField(
        label=_("Snapshot"),
        coerce=int,
        error_messages={"required": _("Choose the snapshot to cite.")},
    )

    def __init__(self, *args: Any, snapshots: list[Snapshot], language: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["snapshot"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("Choose a snapshot"))] + [
            (
                snapshot.pk,
                f"{snapshot.title_in(language)} ({snapshot.period_label}, "
                f"{date_format(localtime(snapshot.saved_at), 'SHORT_DATE_FORMAT')})",
            )
            for snapshot in snapshots
        ]
