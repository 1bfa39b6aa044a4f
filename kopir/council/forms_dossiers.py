"""Forms for dossiers: open or edit one, find a record to add, add it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ServiceErrorsMixin, VersionForm, text_pair
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import Council, DossierRecordKind, Petition


class DossierForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("title", "title_ru", "description", "description_ru", "petition")

    title, title_ru = text_pair(_("Title"), max_length=300, missing=_("Enter the title in Kazakh."))
    description, description_ru = text_pair(_("The problem"), required=False, rows=5)
    petition = forms.ModelChoiceField(
        label=_("The petition that raised it"),
        queryset=Petition.objects.none(),
        required=False,
        empty_label=_("No petition"),
        help_text=_("Other records are added on the dossier's page."),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petition"].queryset = council.petitions.order_by(  # type: ignore[attr-defined]
            "-received_on", "-pk"
        )
        # The number and subject only: a petitioner is not named in a choice list.
        self.fields["petition"].label_from_instance = (  # type: ignore[attr-defined]
            lambda petition: f"{petition.number} — {petition.subject[:100]}"
        )


class DossierEditForm(ServiceDataMixin, VersionForm):
    service_fields = ("title", "title_ru", "description", "description_ru", "version")

    title = DossierForm.base_fields["title"]
    title_ru = DossierForm.base_fields["title_ru"]
    description = DossierForm.base_fields["description"]
    description_ru = DossierForm.base_fields["description_ru"]


class DossierFindForm(forms.Form):
    """What the secretary looks for to add: a kind of record and, optionally, words or a number.
    Sent by GET; without words the kind's latest records are listed."""

    kind = forms.ChoiceField(
        label=_("Kind of record"),
        choices=DossierRecordKind.choices,
        initial="petition",
        error_messages={"required": _("Choose the kind of record.")},
    )
    q = forms.CharField(
        label=_("Words or number"),
        required=False,
        max_length=200,
        help_text=_("Leave empty to list the latest records of this kind."),
    )


class DossierAddForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    service_fields = ("kind", "record_id")

    kind = forms.ChoiceField(choices=DossierRecordKind.choices, widget=forms.HiddenInput)
    record_id = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
