"""Forms for petitions (the public form and the secretary's) and accommodation requests."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.collation import AlphabeticalModelChoiceField
from kopir.core.forms import ServiceErrorsMixin, VersionForm, date_field, radio_choice, text_pair
from kopir.council.forms_service_data import ServiceDataMixin
from kopir.council.models import (
    AccommodationNeed,
    AccommodationStatus,
    Council,
    Meeting,
    PetitionerKind,
    PetitionStatus,
)
from kopir.council.services.petitions import contact_errors
from kopir.directory.forms import organisation_field
from kopir.directory.models import Territory
from kopir.directory.selectors import districts_within


class PublicPetitionForm(ServiceDataMixin, ServiceErrorsMixin, forms.Form):
    """The petition form anyone can fill in, signed in or not. Plain words, one page."""

    service_fields: ClassVar[tuple[str, ...]] = (
        "petitioner_kind",
        "petitioner_name",
        "petitioner_organisation_text",
        "contact_email",
        "contact_phone",
        "publish_petitioner",
        "subject",
        "text",
        "territory",
    )

    petitioner_kind = radio_choice(
        _("Who is writing?"),
        [
            (PetitionerKind.CITIZEN, _("I write for myself, as a citizen")),
            (PetitionerKind.NGO, _("I write for a non-governmental organisation")),
            (PetitionerKind.MEMBER, _("I am a member of the council")),
        ],
        missing=_("Choose who is writing."),
    )
    petitioner_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        error_messages={"required": _("Enter your full name.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    petitioner_organisation_text = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=255,
        help_text=_("If you write for an organisation: its name."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    contact_email = forms.EmailField(
        label=_("E-mail for the answer"),
        required=False,
        help_text=_("Give an e-mail address, a phone number, or both."),
        error_messages={"invalid": _("Enter an e-mail address like name@example.kz.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    contact_phone = forms.CharField(
        label=_("Phone for the answer"),
        required=False,
        max_length=30,
        help_text=_("For example, +7 701 234 56 78."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    publish_petitioner = forms.BooleanField(
        label=_("The council may name me (or my organisation) on its public page"),
        required=False,
        help_text=_("Without this, the public page shows the petition without your name."),
    )
    subject = forms.CharField(
        label=_("What is the petition about?"),
        max_length=500,
        help_text=_("One line, for example: queues for the medical-social expertise in Oral."),
        error_messages={"required": _("Enter what the petition is about.")},
    )
    text = forms.CharField(
        label=_("Your petition"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Describe the problem and what you ask the council to do."),
        error_messages={"required": _("Write your petition.")},
    )
    territory = AlphabeticalModelChoiceField(
        label=_("Which district is it about?"),
        queryset=Territory.objects.none(),
        required=False,
        empty_label=_("Not one district, or I do not know"),
        help_text=_("The council sees where the same problem is raised again."),
    )

    def __init__(self, *args: Any, council: Council, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The districts (and cities) of the council's territory, by name in the page's language.
        districts = Territory.objects.filter(
            pk__in=[unit.pk for unit in districts_within(council.territory_id).values()]
        )
        field = self.fields["territory"]
        # Sorted by their label, in Python, as every choice list (core/collation.py).
        field.queryset = districts  # type: ignore[attr-defined]
        field.label_from_instance = lambda unit: unit.name  # type: ignore[attr-defined]

    def clean_petitioner_name(self) -> str:
        return " ".join(self.cleaned_data["petitioner_name"].split())

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        digits = [ch for ch in phone if ch.isdigit()]
        if phone and (len(digits) < 6 or any(ch not in "+0123456789 ()-" for ch in phone)):
            raise forms.ValidationError(_("Enter a phone number like +7 701 234 56 78."))
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "contact_email" in self.errors or "contact_phone" in self.errors:
            return data
        for name, messages in contact_errors(
            data.get("contact_email") or "", data.get("contact_phone") or ""
        ).items():
            self.add_error(name, messages)
        return data


class SecretaryPetitionForm(PublicPetitionForm):
    """The secretary registers a petition received on paper, by e-mail or in person."""

    service_fields = (
        *PublicPetitionForm.service_fields,
        "petitioner_organisation",
        "received_on",
    )

    petitioner_organisation = organisation_field(
        _("Organisation in the directory"), empty_label=_("Not in the directory")
    )
    received_on = date_field(
        _("Received"),
        missing=_("Enter the date the petition was received."),
        invalid=_("Enter a real date, for example 24.11.2026."),
    )

    field_order = [
        "received_on",
        "petitioner_kind",
        "petitioner_name",
        "petitioner_organisation",
        "petitioner_organisation_text",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["petitioner_kind"].label = _("Petitioner")
        self.fields["petitioner_kind"].choices = PetitionerKind.choices  # type: ignore[attr-defined]
        self.fields["petitioner_name"].label = _("Petitioner's full name")
        self.fields["petitioner_organisation_text"].label = _("Organisation, as written")
        self.fields["petitioner_organisation_text"].help_text = _(
            "When the organisation is not in the directory."
        )
        self.fields["publish_petitioner"].label = _("The petitioner agrees to be named publicly")
        self.fields["publish_petitioner"].help_text = _(
            "Only with the petitioner's consent: otherwise the public page shows no name."
        )
        self.fields["subject"].label = _("Subject")
        self.fields["text"].label = _("Text of the petition")
        if not self.is_bound:
            self.initial["received_on"] = timezone.localdate()

    def clean_received_on(self) -> Any:
        received = self.cleaned_data["received_on"]
        if received > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return received


class PetitionAgendaForm(ServiceDataMixin, VersionForm):
    """Carries the petition's version the page showed (VersionForm)."""

    service_fields = ("meeting", "rapporteur", "rapporteur_ru", "version")

    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        empty_label=_("Choose a planned meeting"),
        error_messages={"required": _("Choose the meeting.")},
    )
    # Asked in both languages, as the minutes print the name in each.
    rapporteur, rapporteur_ru = text_pair(_("Rapporteur"), required=False, max_length=200)

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.fields["meeting"].label_from_instance = (  # type: ignore[attr-defined]
            lambda meeting: (
                _("No. %(number)s, %(date)s")
                % {
                    "number": meeting.number,
                    "date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y %H:%M"),
                }
            )
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A name is the Kazakh half first: a Russian one alone names no one in the Kazakh minutes.
        if (data.get("rapporteur_ru") or "").strip() and not (data.get("rapporteur") or "").strip():
            self.add_error("rapporteur", _("Enter the Kazakh text."))
        return data


class PetitionAnswerForm(VersionForm):
    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "The petitioner receives it by e-mail, or by SMS if they left only a phone number."
        ),
        error_messages={"required": _("Enter the answer.")},
    )
    # Sending cannot be taken back: the petitioner is written to at once.
    confirm = forms.BooleanField(
        label=_("Send this answer to the petitioner now (it cannot be taken back)"),
        error_messages={"required": _("Tick the box to confirm sending the answer.")},
    )


class PetitionPublishForm(ServiceDataMixin, VersionForm):
    """What the public page will show of the petition: the secretary writes it from the petition,
    leaving out anything that names or identifies a person (a name, an IIN, a diagnosis)."""

    service_fields = ("public_title", "public_summary", "version")

    public_title = forms.CharField(
        label=_("Title for the public page"),
        max_length=300,
        help_text=_("No names, IINs, addresses or diagnoses: the public page shows this as typed."),
        error_messages={"required": _("Enter the title the public page shows.")},
    )
    public_summary = forms.CharField(
        label=_("Summary for the public page"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("A few sentences on what is asked, without personal data."),
    )


class PetitionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PetitionStatus.choices],
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)

    def filters(self) -> dict[str, Any]:
        """The selector's filters from what was sent: a field whose value makes no sense filters
        nothing."""
        self.is_valid()
        data = self.cleaned_data
        return {"status": data.get("status") or "", "overdue": bool(data.get("overdue"))}


class AccommodationForm(ServiceErrorsMixin, forms.Form):
    need = radio_choice(
        _("What is needed"), AccommodationNeed.choices, missing=_("Choose what is needed.")
    )
    requested_by = forms.CharField(
        label=_("For whom"),
        max_length=200,
        help_text=_("The participant who needs it."),
        error_messages={"required": _("Enter for whom it is needed.")},
    )
    note = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=500,
        help_text=_("For example: Kazakh sign language; materials in Braille, Kazakh."),
    )

    def __init__(self, *args: Any, for_self: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if for_self:
            # A member asks for themselves: the name comes from their seat.
            del self.fields["requested_by"]


class AccommodationResolveForm(ServiceErrorsMixin, forms.Form):
    status = radio_choice(
        _("Outcome"),
        [
            (AccommodationStatus.ARRANGED, AccommodationStatus.ARRANGED.label),
            (AccommodationStatus.DECLINED, AccommodationStatus.DECLINED.label),
        ],
        missing=_("Choose the outcome."),
    )
    resolution = forms.CharField(
        label=_("What was done"),
        max_length=500,
        help_text=_("What was arranged, or why it could not be."),
        error_messages={"required": _("Say what was done.")},
    )
