from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kopir.core.forms import FilterForm
from kopir.notices.models import NoticeChannel, NoticeStatus
from kopir.notices.selectors import OutboxFilter


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
        self.fields["topic"].choices = [("", _("Any topic")), *((t, t) for t in topics)]  # type: ignore[attr-defined]

    def criteria_from(self, data: Mapping[str, Any]) -> OutboxFilter:
        return OutboxFilter(
            status=data.get("status", ""),
            channel=data.get("channel", ""),
            topic=data.get("topic", ""),
        )
