"""Small helpers the assessment tests share: addresses of the app's pages, a refusal's errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse


def url(name: str, *args: Any) -> str:
    """The address of an assessment page, in the active language."""
    return reverse(f"assessment:{name}", args=args)


def en_url(name: str, *args: Any) -> str:
    """The English page: its text is what the assertions read."""
    return "/en" + url(name, *args)[3:]


def errors_of(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    """The field errors of the ValidationError a service raised."""
    return raised.value.message_dict
