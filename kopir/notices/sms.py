"""SMS delivery behind one small interface, chosen by the KOPIR_SMS_BACKEND setting.

Kazakhstan has several SMS gateways and each region contracts its own; Kopir ships no gateway
client. A deployment writes a class with a `send` method (its gateway's HTTP call) and names it in
KOPIR_SMS_BACKEND. Until then the outbox backend keeps every SMS in the outbox, marked as such, so
nothing pretends to have been sent.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string


class SmsDeliveryError(Exception):
    """The gateway refused the message or could not be reached. The worker retries later."""


@dataclass(frozen=True)
class SmsReceipt:
    # A short label saying where the message went ("outbox", "console", a gateway's name).
    via: str
    # The gateway's own reference for the message, when it gives one.
    reference: str = ""


class BaseSmsBackend:
    """Send one text message. Raise SmsDeliveryError (or any exception) when it failed."""

    label = "sms"

    def send(self, *, phone: str, text: str) -> SmsReceipt:
        raise NotImplementedError


class OutboxSmsBackend(BaseSmsBackend):
    """Sends nothing: the message stays in the outbox, recorded as delivered to it.

    The default, and the demo's backend: the outbox page shows what would have been sent.
    """

    label = "outbox"

    def send(self, *, phone: str, text: str) -> SmsReceipt:
        return SmsReceipt(via=self.label)


class ConsoleSmsBackend(BaseSmsBackend):
    """Writes the message to standard output, like Django's console e-mail backend (development)."""

    label = "console"

    def send(self, *, phone: str, text: str) -> SmsReceipt:
        sys.stdout.write(f"SMS to {phone}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return SmsReceipt(via=self.label)


@cache
def _backend_class(path: str) -> type[BaseSmsBackend]:
    backend = import_string(path)
    if not (isinstance(backend, type) and issubclass(backend, BaseSmsBackend)):
        raise TypeError(f"{path} is not a subclass of kopir.notices.sms.BaseSmsBackend")
    return backend


def get_sms_backend() -> BaseSmsBackend:
    return _backend_class(settings.KOPIR_SMS_BACKEND)()
