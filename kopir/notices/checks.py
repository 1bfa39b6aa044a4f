"""System checks: the configured SMS backend must load, and production says when SMS stay in the
outbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Info, register

from kopir.notices.sms import OutboxSmsBackend, _backend_class


@register()
def sms_backend_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    path = settings.KOPIR_SMS_BACKEND
    try:
        backend = _backend_class(path)
    except (ImportError, TypeError, ValueError) as error:
        return [
            Error(
                f"KOPIR_SMS_BACKEND cannot be used: {error}",
                hint="Name a subclass of kopir.notices.sms.BaseSmsBackend.",
                id="kopir.E101",
            )
        ]
    if settings.PRODUCTION and issubclass(backend, OutboxSmsBackend):
        return [
            # Information, not a warning: a deployment may rightly send e-mail only.
            Info(
                "SMS notices are kept in the outbox: no SMS gateway is configured.",
                hint="Set KOPIR_SMS_BACKEND to the region's SMS gateway backend.",
                id="kopir.I101",
            )
        ]
    return []
