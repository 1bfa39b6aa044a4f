from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.notices.models import NoticeChannel, NoticeStatus
from kopir.notices.selectors import OutboxFilter


class OutboxFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *NoticeStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *NoticeChannel.choices]
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args: Any, topics: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Any topic")), *((t, t) for t in topics)]  # type: ignore[attr-defined]

    def criteria(self) -> OutboxFilter:
        data = self.cleaned_data
        return OutboxFilter(status=data["status"], channel=data["channel"], topic=data["topic"])
