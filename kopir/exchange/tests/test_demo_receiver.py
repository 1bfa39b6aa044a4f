"""The demo's receiver verifies signatures with the library, keeps each event once, and the demo
data subscribes every organisation to it."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from typing import Any

import pytest
import requests
from django.db import transaction
from django.utils import timezone

from kopir.directory.demo import load as load_directory
from kopir.directory.models import Organisation
from kopir.exchange import delivery as worker
from kopir.exchange import demo, services
from kopir.exchange.catalogue import event_kinds
from kopir.exchange.models import DemoReceipt, Message, Subscription
from kopir.exchange.receiver import DemoReceiverHandler

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def receiver_port() -> Iterator[int]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), DemoReceiverHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield int(server.server_address[1])
    server.shutdown()
    server.server_close()


def test_the_demo_receiver_keeps_each_verified_event_once_and_flags_a_forgery(
    recipient: Organisation, receiver_port: int, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(services, "enqueue_delivery", lambda: None)
    settings.KOPIR_DEMO_RECEIVER_PORT = receiver_port
    subscription = Subscription.objects.create(
        organisation=recipient,
        name="Demo receiver",
        url="http://127.0.0.1/",
        event_kinds=["test.thing"],
        secret=services.new_secret(),
    )
    Subscription.objects.filter(pk=subscription.pk).update(url=demo.receiver_url(subscription.pk))
    with transaction.atomic():
        event = services.event_publish(
            kind="test.thing", subject="s", payload={"number": "1"}, audience=[recipient]
        )

    assert worker.deliver_due() == 1
    subscription.refresh_from_db()
    body = worker.webhook_body(event)
    headers = worker.signed_headers(event, subscription, body, timezone.now())
    again = requests.post(subscription.url, data=body, headers=headers, timeout=5)
    forged = requests.post(
        subscription.url, data=body.replace(b'"1"', b'"2"'), headers=headers, timeout=5
    )

    assert again.status_code == 204
    assert forged.status_code == 400
    receipts = list(
        DemoReceipt.objects.order_by("pk").values_list("webhook_id", "verified", "kind")
    )
    assert receipts == [
        (event.webhook_id, True, "test.thing"),
        (event.webhook_id, False, "test.thing"),
    ]


def test_the_demo_subscribes_every_organisation_to_every_event_and_is_idempotent() -> None:
    load_directory()
    demo.load()
    demo.load()

    organisations = Organisation.objects.count()
    assert Subscription.objects.count() == organisations
    # Named by organisation, so the list's links can be told apart.
    names = set(Subscription.objects.values_list("name", flat=True))
    assert len(names) == organisations
    assert names == {demo.demo_name(o) for o in Organisation.objects.all()}
    subscription = Subscription.objects.order_by("pk").first()
    assert subscription is not None
    assert subscription.url.endswith(f"/hooks/{subscription.pk}")
    assert set(subscription.event_kinds) >= {kind.name for kind in event_kinds()} - {"test.thing"}
    assert Message.objects.filter(kind="demo.handoff").count() == 1


def test_the_demo_renames_an_earlier_demo_receiver_instead_of_adding_another() -> None:
    load_directory()
    organisation = Organisation.objects.order_by("pk").first()
    assert organisation is not None
    earlier = Subscription.objects.create(
        organisation=organisation,
        name=demo.LEGACY_DEMO_NAME,
        url="http://127.0.0.1/",
        event_kinds=[],
        secret=services.new_secret(),
    )

    demo.load()

    earlier.refresh_from_db()
    assert earlier.name == demo.demo_name(organisation)
    assert Subscription.objects.filter(organisation=organisation).count() == 1
    assert not Subscription.objects.filter(name=demo.LEGACY_DEMO_NAME).exists()


def test_a_taken_port_is_refused_in_one_line_and_the_page_says_nothing_answers(
    receiver_port: int, settings: Any, client: Any
) -> None:
    """With another demo running the receiver printed "Address already in use" as a traceback,
    and its page said only "nothing received yet"."""
    from django.core.management import CommandError, call_command
    from django.urls import reverse
    from django.utils import translation

    from kopir.accounts.models import Role
    from kopir.accounts.tests.factories import UserFactory
    from kopir.exchange.receiver import is_listening

    settings.KOPIR_DEMO = True
    with pytest.raises(CommandError, match=f"cannot listen on port {receiver_port}: it is taken"):
        call_command("exchange_demo_receiver", port=receiver_port)
    assert is_listening(receiver_port)

    settings.KOPIR_REQUIRE_2FA = False
    client.force_login(UserFactory.create(roles=[Role.ADMINISTRATOR]))
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        settings.KOPIR_DEMO_RECEIVER_PORT = free.getsockname()[1]
    with translation.override("en"):
        page = client.get(reverse("exchange:demo_receiver")).text
    assert f"Nothing answers on port {settings.KOPIR_DEMO_RECEIVER_PORT} now" in page
    settings.KOPIR_DEMO_RECEIVER_PORT = receiver_port
    with translation.override("en"):
        page = client.get(reverse("exchange:demo_receiver")).text
    assert "Nothing answers on port" not in page
