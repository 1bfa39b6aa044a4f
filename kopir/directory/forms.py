"""Forms of the directory. They check input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import AlphabeticalChoiceIterator, AlphabeticalModelChoiceField
from kopir.core.forms import ComparedEditForm
from kopir.directory.models import Organisation, OrganisationKind
from kopir.directory.selectors import organisation_choices, territory_choices
from kopir.directory.services import ORGANISATION_FIELDS


def organisation_field(
    label: Any, *, required: bool = False, **options: Any
) -> forms.ModelChoiceField:
    """A choice of the directory's active organisations for other apps' forms, by name in the
    active language in its alphabet's order (Қ after К, not after Я)."""
    return AlphabeticalModelChoiceField(
        label=label,
        queryset=Organisation.objects.filter(is_active=True),
        required=required,
        **options,
    )


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Name or BIN"),
        required=False,
        max_length=100,
        help_text=_("Part of a name in any language, or the first digits of a BIN."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        required=False,
        queryset=territory_choices(),
        empty_label=_("All territories"),
        help_text=_("Includes the units inside it."),
    )


class OrganisationForm(forms.ModelForm):
    """Every field of an organisation, for an administrator."""

    # Declared here rather than taken from the model so that a BIN typed with spaces (as printed
    # on letters) gets past the length check; clean_bin removes them and the model checks digits.
    bin = forms.CharField(
        label=_("BIN"),
        required=False,
        max_length=20,
        help_text=_("12 digits. Leave empty for a unit that is not a legal entity."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )

    class Meta:
        model = Organisation
        fields = list(ORGANISATION_FIELDS)
        widgets = {
            # The names are read aloud in their own language by screen readers.
            "name_kk": forms.TextInput(attrs={"lang": "kk"}),
            "name_ru": forms.TextInput(attrs={"lang": "ru"}),
            "name_en": forms.TextInput(attrs={"lang": "en"}),
            "short_name_kk": forms.TextInput(attrs={"lang": "kk"}),
            "short_name_ru": forms.TextInput(attrs={"lang": "ru"}),
            "short_name_en": forms.TextInput(attrs={"lang": "en"}),
            "phone": forms.TextInput(attrs={"type": "tel"}),
            "email": forms.EmailInput(attrs={"spellcheck": "false"}),
        }
        help_texts = {
            "email": _("Kopir's notices to the organisation go to this address."),
            "phone": _(
                "For SMS notices when there is no e-mail address. For example, +7 701 234 56 78."
            ),
            "contact_name": _("Who answers for the organisation's correspondence with Kopir."),
            "notice_language": _("Notices to the organisation are written in this language."),
            "code": _(
                "A short key of lower-case Latin letters, digits and hyphens, e.g. "
                "“oral-polyclinic-1”. It cannot be changed later."
            ),
            "parent": _("The body this organisation is a unit of, if any."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territory"].queryset = territory_choices()  # type: ignore[attr-defined]
        parents = organisation_choices()
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]
        self.fields["parent"].iterator = AlphabeticalChoiceIterator  # type: ignore[attr-defined]

    def clean_bin(self) -> str | None:
        # People copy BINs from letters with spaces ("100540 000012"): the digits are what count.
        value = self.cleaned_data.get("bin")
        if not value:
            return None
        return "".join(str(value).split())

    def organisation_data(self) -> dict[str, Any]:
        """The cleaned values the services take, by field name."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}  # type: ignore[union-attr]


class OrganisationEditForm(ComparedEditForm, OrganisationForm):
    """The same fields, the code fixed, and the version the administrator read."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta(OrganisationForm.Meta):
        help_texts = {
            **OrganisationForm.Meta.help_texts,
            "code": _("Other records and imports refer to this code, so it cannot be changed."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].disabled = True

    def organisation_data(self) -> dict[str, Any]:
        data = super().organisation_data()
        data.pop("code", None)
        data.pop("version", None)
        return data

    def saved_values(self, organisation: Organisation) -> dict[str, Any]:
        return {
            name: getattr(organisation, name)
            for name in ORGANISATION_FIELDS
            if name in self.fields and name != "code"
        }
