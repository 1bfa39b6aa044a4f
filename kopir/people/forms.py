"""Forms for finding, registering and editing persons. Writes go through services, not `save()`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import ComparedEditForm, DatePickerInput, ServiceErrorsMixin, radio_choice
from kopir.core.identifiers import compact_identifier, normalise_identifier, typed_iin, validate_iin
from kopir.directory.models import Territory
from kopir.people.access import persons_for_user
from kopir.people.models import (
    AccessibilityNeed,
    ContactLanguage,
    Person,
    RepresentativeRelation,
    Sex,
)
from kopir.people.selectors import parse_person_query
from kopir.people.services import DUPLICATE_IIN, PersonData
from kopir.people.validators import EARLIEST_BIRTH_DATE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MIN_NAME_QUERY = 2


def person_by_iin(user: Any, iin: str, *, not_found: StrOrPromise) -> Person:
    """The person with this IIN among those `user` may see, for a field that names a person
    already in the registry; otherwise the field's error `not_found`, which says whom to
    register first."""
    person = persons_for_user(user).filter(iin=iin).first()
    if person is None:
        raise ValidationError(not_found, code="not_found")
    return person


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("IIN or name"),
        max_length=100,
        help_text=_(
            "12 digits of the IIN, or the beginning of the surname, with the given name or "
            "patronymic if needed."
        ),
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_q(self) -> str:
        # Full-width digits of an IIN are the same IIN; other scripts' digits get a clear refusal.
        query: str = normalise_identifier(self.cleaned_data["q"])
        parsed = parse_person_query(query)
        if parsed is None:
            raise ValidationError(_("Enter an IIN or a name."), code="required")
        if parsed.kind == "by_iin":
            # Say what is wrong with a mistyped IIN rather than just finding nobody.
            validate_iin(parsed.iin)
        elif len("".join(parsed.words)) < MIN_NAME_QUERY:
            raise ValidationError(
                _("Enter at least %(count)s letters of a name."),
                code="too_short",
                params={"count": MIN_NAME_QUERY},
            )
        return query


class PersonForm(ServiceErrorsMixin, forms.ModelForm):
    """All the fields staff enter about a person. `user` decides which representatives exist."""

    iin = forms.CharField(
        label=_("IIN"),
        help_text=_("Individual identification number: 12 digits."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        # The model's uniqueness check reports with this code; the message says what it means.
        error_messages={"required": _("Enter the IIN."), "unique": DUPLICATE_IIN},
    )
    sex = radio_choice(_("Sex"), Sex.choices, missing=_("Choose the sex."))
    birth_date = forms.DateField(
        label=_("Date of birth"),
        help_text=_(
            "As in the identity document. It may differ from the date the IIN suggests: "
            "IINs issued since 2013 need not contain it."
        ),
        widget=DatePickerInput,
        error_messages={
            "required": _("Enter the date of birth."),
            "invalid": _("Enter the date of birth as a real date, for example 27.03.2007."),
        },
    )
    territory = forms.ModelChoiceField(
        label=_("Place of residence"),
        queryset=Territory.objects.order_by("kato"),
        empty_label=_("Choose a territory"),
        error_messages={"required": _("Choose the place of residence.")},
    )
    preferred_language = radio_choice(
        _("Language for notices"),
        ContactLanguage.choices,
        initial=ContactLanguage.KAZAKH,
        missing=_("Choose the language for notices."),
    )
    accessibility_needs = forms.MultipleChoiceField(
        label=_("Accessibility needs"),
        required=False,
        choices=AccessibilityNeed.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("How letters and meetings must be made accessible to this person."),
    )
    representative_iin = forms.CharField(
        label=_("Representative's IIN"),
        required=False,
        help_text=_(
            "For a child or a person under guardianship: the IIN of a parent, guardian or "
            "trustee who is already in the registry."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    representative_relation = forms.ChoiceField(
        label=_("Representative's relation"),
        required=False,
        choices=[("", _("No representative")), *RepresentativeRelation.choices],
    )

    def validate_unique(self) -> None:
        # Registering an IIN that is already in the registry is not the form's error to report:
        # the service links that person when the names and birth date match, and otherwise
        # answers without saying that the IIN is registered.
        if self.instance.pk is not None:
            super().validate_unique()
            return
        not_on_form = {f.name for f in Person._meta.get_fields() if f.name not in self.fields}
        try:
            self.instance.validate_unique(exclude=not_on_form | {"iin"})
        except ValidationError as error:
            self.add_error(None, error)

    class Meta:
        model = Person
        fields = [
            "iin",
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "sex",
            "territory",
            "address",
            "phone",
            "email",
            "preferred_language",
            "accessibility_needs",
            "representative_relation",
            "consent_to_processing",
        ]
        widgets = {
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "patronymic": forms.TextInput(attrs={"autocomplete": "off"}),
            "address": forms.TextInput(attrs={"autocomplete": "off"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "consent_to_processing": _(
                "Tick only when the person or their representative has signed consent."
            ),
            "phone": _("For example, +7 701 234 56 78."),
        }
        # Say what to do, not just that something is missing (the GOV.UK error-message pattern).
        error_messages = {
            "last_name": {"required": _("Enter the surname.")},
            "first_name": {"required": _("Enter the given name.")},
            "email": {"invalid": _("Enter an e-mail address like name@example.kz.")},
        }

    # Service errors name model fields; these are the form fields that show them.
    _SERVICE_FIELD_MAP = {"legal_representative": "representative_iin"}

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        representative = self.instance.legal_representative if self.instance.pk else None
        if representative is not None and not self.is_bound:
            self.initial["representative_iin"] = representative.iin
        # The browser's date picker offers only dates the model accepts (validate_birth_date).
        self.fields["birth_date"].widget.attrs.update(
            min=EARLIEST_BIRTH_DATE.isoformat(), max=timezone.localdate().isoformat()
        )

    def clean_iin(self) -> str:
        return typed_iin(self.cleaned_data["iin"])

    def clean_representative_iin(self) -> str:
        iin = compact_identifier(self.cleaned_data["representative_iin"])
        if not iin:
            self.cleaned_data["legal_representative"] = None
            return ""
        validate_iin(iin)
        current = self.instance.legal_representative if self.instance.pk else None
        if current is not None and current.iin == iin:
            # Keeping the representative already on record needs no new access check: the
            # editor may lack a link to them and must still be able to save other changes.
            self.cleaned_data["legal_representative"] = current
            return iin
        representative = person_by_iin(
            self.user,
            iin,
            not_found=_(
                "No person with this IIN among those your organisation works with. "
                "Register the representative first."
            ),
        )
        if self.instance.pk and representative.pk == self.instance.pk:
            raise ValidationError(
                _("A person cannot be their own legal representative."), code="self"
            )
        self.cleaned_data["legal_representative"] = representative
        return iin

    def service_data(self) -> PersonData:
        """The cleaned values in the shape the services take."""
        data = self.cleaned_data
        return PersonData(
            iin=data["iin"],
            last_name=data["last_name"],
            first_name=data["first_name"],
            patronymic=data["patronymic"],
            birth_date=data["birth_date"],
            sex=data["sex"],
            territory=data["territory"],
            address=data["address"],
            phone=data["phone"],
            email=data["email"],
            preferred_language=data["preferred_language"],
            accessibility_needs=data["accessibility_needs"],
            legal_representative=data.get("legal_representative"),
            representative_relation=data["representative_relation"],
            consent_to_processing=data["consent_to_processing"],
        )

    def service_error_field(self, key: str) -> str | None:
        return super().service_error_field(self._SERVICE_FIELD_MAP.get(key, key))


class PersonEditForm(ComparedEditForm, PersonForm):
    """The edit form also carries the version it was read at (optimistic concurrency)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["version"] = self.instance.version

    def saved_values(self, person: Person) -> dict[str, Any]:
        representative = person.legal_representative
        saved = {name: getattr(person, name) for name in self._meta.fields or ()}
        saved["representative_iin"] = representative.iin if representative else ""
        return saved
