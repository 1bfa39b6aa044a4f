"""What the exchange's pages say in Kazakh and Russian: words shared with other apps read as the
exchange means them, codes are shown by their labels, and a scrolling table is reachable."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from kopir.accounts.models import User
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation
from kopir.exchange import services
from kopir.exchange.models import DemoReceipt, Message, MessageStatus
from kopir.exchange.tests.factories import SubscriptionFactory, sent_message


@pytest.fixture(autouse=True)
def _no_enqueue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "enqueue_delivery", lambda: None)


def _message(sender: Organisation, recipient: Organisation) -> Message:
    return sent_message(
        sender,
        recipient,
        kind="rehabilitation.measure",
        subject="MSE-2026-000123",
        summary="60 сағат ымдау тілі.",
    )


@pytest.mark.parametrize(
    ("language", "delivered", "sender_label", "recipient_label", "kind"),
    [
        ("kk", "Жеткізілді", "Жіберуші", "Алушы", "Оңалту іс-шарасы"),
        ("ru", "Доставлено", "Отправитель", "Получатель", "Мероприятие реабилитации"),
    ],
)
def test_a_delivered_message_reads_delivered_not_provided(
    sender: Organisation,
    recipient: Organisation,
    recipient_staff: User,
    language: str,
    delivered: str,
    sender_label: str,
    recipient_label: str,
    kind: str,
) -> None:
    message = _message(sender, recipient)
    body = (
        signed_in(Client(), recipient_staff)
        .get(f"/{language}/exchange/messages/{message.pk}/")
        .text
    )

    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED
    assert f"<dd>{delivered}</dd>" in body  # the status
    assert f"<dt>{delivered}</dt>" in body  # when
    assert f"<dt>{sender_label}</dt>" in body
    assert f"<dt>{recipient_label}</dt>" in body
    # The kind by its label, not its code.
    assert f"<dd>{kind}</dd>" in body
    assert "rehabilitation.measure" not in body


def test_delivered_without_a_context_still_reads_executed_for_measures() -> None:
    # Rehabilitation's measure status keeps the plain msgid: a measure executed for a person.
    with translation.override("kk"):
        assert translation.gettext("Delivered") == "Орындалды"
    with translation.override("ru"):
        assert translation.gettext("Delivered") == "Исполнено"


def test_a_deliverys_attempts_are_not_named_as_the_actions_column() -> None:
    """The deliveries' table has both columns: in Kazakh the count of attempts was "Әрекеттер
    саны", beside "Әрекеттер" for the actions."""
    with translation.override("kk"):
        attempts = translation.gettext("Attempts")
        actions = translation.gettext("Actions")
    assert attempts == "Талпыныс саны"
    assert actions not in attempts


def test_the_message_list_names_its_boxes_and_columns_as_a_mailbox(
    sender: Organisation, recipient: Organisation, recipient_staff: User
) -> None:
    _message(sender, recipient)
    body = signed_in(Client(), recipient_staff).get("/kk/exchange/messages/").text

    assert re.search(r'aria-current="page">Келіп түскендер</a>', body)
    assert ">Жіберілгендер</a>" in body
    assert '<th scope="col">Жіберуші</th>' in body
    assert '<th scope="col">Алушы</th>' in body
    assert "Бастап" not in body
    assert "Дейін" not in body


def test_the_subscription_list_heads_its_names_as_titles_not_a_persons_name(
    administrator: User,
) -> None:
    SubscriptionFactory.create()
    body = signed_in(Client(), administrator).get("/kk/exchange/subscriptions/").text
    assert '<th scope="col">Атауы</th>' in body
    assert "Аты-жөні" not in body


def test_the_demo_receivers_wide_table_scrolls_in_a_named_focusable_region(
    administrator: User,
) -> None:
    DemoReceipt.objects.create(webhook_id="msg_1", kind="message.sent", verified=True, body="{}")
    body = signed_in(Client(), administrator).get("/kk/exchange/demo-receiver/").text
    region = re.search(
        r'<div class="table-wrap" role="region" tabindex="0" aria-labelledby="([^"]+)">', body
    )
    assert region is not None
    assert f'<caption id="{region.group(1)}">' in body
