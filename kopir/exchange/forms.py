"""The exchange's forms: labels and messages name the field and the reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kopir.core.collation import AlphabeticalModelChoiceField
from kopir.core.forms import ServiceErrorsMixin, VersionForm
from kopir.directory.models import Organisation
from kopir.exchange.catalogue import event_kinds

HTTP_URL = URLValidator(
    schemes=["http", "https"],
    message=_(
        "Enter an address that starts with http:// or https://, e.g. https://example.kz/hooks."
    ),
)


def _kind_choices() -> list[tuple[str, str]]:
    return [(kind.name, f"{kind.name}: {kind.description}") for kind in event_kinds()]


class _SubscriptionFields(forms.Form):
    name = forms.CharField(
        label=pgettext_lazy("subscription", "Name"),
        max_length=100,
        help_text=_("What the receiving system is, e.g. “Employment office case system”."),
        error_messages={"required": _("Enter a name for the subscription.")},
    )
    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        validators=[HTTP_URL],
        help_text=_("Kopir sends each event to this address by an HTTP POST."),
        error_messages={"required": _("Enter the address the events are sent to.")},
    )
    event_kinds = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one event."),
            "invalid_choice": _("Choose events from the list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = self.fields["event_kinds"]
        assert isinstance(kinds, forms.MultipleChoiceField)
        kinds.choices = _kind_choices()


class SubscriptionCreateForm(ServiceErrorsMixin, _SubscriptionFields):
    # Listed by name in the page's language, alphabet-wise (Kazakh or Russian order).
    organisation = AlphabeticalModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        help_text=_("Only events that concern this organisation are sent."),
        error_messages={
            "required": _("Choose the organisation the receiving system belongs to."),
            "invalid_choice": _("Choose an organisation from the list."),
        },
    )
    field_order = ["organisation", "name", "url", "event_kinds"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = Organisation.objects.all()


class SubscriptionEditForm(VersionForm, _SubscriptionFields):
    pass


class ConfirmForm(VersionForm):
    """A button whose effect cannot be undone by the same page: a box ticked first."""

    confirm = forms.BooleanField(
        label=_("I understand, go ahead"),
        required=True,
        error_messages={"required": _("Tick the box to confirm, then press again.")},
    )


class ReplayForm(ServiceErrorsMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Send this event to the receiver again"),
        required=True,
        error_messages={"required": _("Tick the box to confirm, then press again.")},
    )


class AnswerForm(VersionForm):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Enter the answer."),
            "max_length": _("The answer can be at most 4000 characters."),
        },
    )
    # Sending the answer closes the message for good: asked once more, as other final steps are.
    confirm = forms.BooleanField(
        label=_("I have checked the answer: send it to the other organisation"),
        help_text=_("An answer cannot be changed or withdrawn once it is sent."),
        required=True,
        error_messages={"required": _("Tick the box to confirm the answer is ready to send.")},
    )
