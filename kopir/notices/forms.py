from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import FilterForm, ServiceErrorsMixin
from kopir.notices.kinds import staff_kinds_for
from kopir.notices.models import NoticeChannel, NoticeStatus
from kopir.notices.selectors import OutboxFilter
from kopir.notices.topics import topic_label


class OutboxFilterForm(FilterForm[OutboxFilter]):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *NoticeStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *NoticeChannel.choices]
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args: Any, topics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        named = sorted(((t, topic_label(t)) for t in topics), key=lambda choice: choice[1])
        self.fields["topic"].choices = [("", _("Any topic")), *named]  # type: ignore[attr-defined]

    def criteria_from(self, data: Mapping[str, Any]) -> OutboxFilter:
        return OutboxFilter(
            status=data.get("status", ""),
            channel=data.get("channel", ""),
            topic=data.get("topic", ""),
        )


class StaffNotificationPreferenceForm(ServiceErrorsMixin, forms.Form):
    """Which kinds also come by e-mail and by SMS: the kinds the apps registered for the roles
    of the person choosing (`user`)."""

    email_kinds = forms.MultipleChoiceField(
        label=_("Also by e-mail"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sms_kinds = forms.MultipleChoiceField(
        label=_("Also by SMS"), required=False, widget=forms.CheckboxSelectMultiple
    )
    sms_phone = forms.CharField(
        label=_("Phone number for SMS"),
        help_text=_("Used only for these notifications. Leave it empty to receive no SMS."),
        required=False,
        max_length=30,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(kind.key, kind.label) for kind in staff_kinds_for(user)]
        self.fields["email_kinds"].choices = choices  # type: ignore[attr-defined]
        self.fields["sms_kinds"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("sms_kinds") and not (cleaned.get("sms_phone") or "").strip():
            self.add_error("sms_phone", _("Enter the phone number the SMS should go to."))
        return cleaned
