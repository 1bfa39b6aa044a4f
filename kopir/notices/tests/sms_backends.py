"""SMS backends for tests: one that always fails, one that records what it was given."""

from __future__ import annotations

from kopir.notices.sms import BaseSmsBackend, SmsDeliveryError, SmsReceipt

sent: list[tuple[str, str]] = []


class FailingSmsBackend(BaseSmsBackend):
    def send(self, *, phone: str, text: str) -> SmsReceipt:
        raise SmsDeliveryError("gateway unavailable for " + phone)


class RecordingSmsBackend(BaseSmsBackend):
    label = "test-gateway"

    def send(self, *, phone: str, text: str) -> SmsReceipt:
        sent.append((phone, text))
        return SmsReceipt(via=self.label, reference=f"ref-{len(sent)}")
