"""The SMS backend setting is checked at start-up."""

from __future__ import annotations

from kopir.notices.checks import sms_backend_check


def test_the_default_outbox_backend_passes_outside_production(settings):
    settings.PRODUCTION = False

    assert sms_backend_check() == []


def test_a_backend_that_does_not_load_is_an_error(settings):
    settings.KOPIR_SMS_BACKEND = "kopir.notices.sms.NoSuchBackend"

    assert [message.id for message in sms_backend_check()] == ["kopir.E101"]


def test_a_class_that_is_not_an_sms_backend_is_an_error(settings):
    settings.KOPIR_SMS_BACKEND = "kopir.notices.models.Notice"

    assert [message.id for message in sms_backend_check()] == ["kopir.E101"]


def test_production_is_told_when_sms_stay_in_the_outbox(settings):
    settings.PRODUCTION = True

    assert [message.id for message in sms_backend_check()] == ["kopir.I101"]
