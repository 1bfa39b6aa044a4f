"""The exchange's pages: administrators manage subscriptions and dead letters; organisations'
staff work their messages. Forms name the field that is wrong; list pages keep a query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kopir.accounts.models import User
from kopir.audit.models import AuditEvent
from kopir.core.tests.fixtures import signed_in
from kopir.directory.models import Organisation
from kopir.directory.tests.factories import OrganisationFactory
from kopir.exchange import services
from kopir.exchange.models import (
    Delivery,
    DeliveryState,
    Message,
    MessageStatus,
    OutboxEvent,
    Subscription,
)
from kopir.exchange.tests.factories import MessageFactory, SubscriptionFactory, sent_message

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_enqueue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "enqueue_delivery", lambda: None)


def _url(name: str, **kwargs: Any) -> str:
    return reverse(f"exchange:{name}", kwargs=kwargs or None)


def _dead(subscription: Subscription, count: int = 1) -> list[Delivery]:
    deliveries = []
    for number in range(count):
        event = OutboxEvent.objects.create(
            kind="test.thing",
            subject=f"test.thing:{number}",
            payload={"number": str(number)},
            occurred_at=timezone.now(),
        )
        deliveries.append(
            Delivery.objects.create(
                event=event,
                subscription=subscription,
                state=DeliveryState.DEAD,
                attempts=4,
                last_status_code=500,
                last_error="HTTP 500",
            )
        )
    return deliveries


def test_an_administrator_adds_a_subscription_and_gets_a_standard_webhooks_secret(
    administrator: User, recipient: Organisation
) -> None:
    client = signed_in(Client(), administrator)
    response = client.post(
        _url("subscription_create"),
        {
            "organisation": recipient.pk,
            "name": "Career centre system",
            "url": "https://cc.example.kz/hooks",
            "event_kinds": ["test.thing", "message.sent"],
        },
    )

    subscription = Subscription.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("subscription_detail", pk=subscription.pk)
    assert subscription.secret.startswith("whsec_")
    assert subscription.event_kinds == ["message.sent", "test.thing"]
    assert AuditEvent.objects.filter(target_type="exchange.subscription", action="create").exists()
    detail = client.get(response["Location"])
    assert subscription.secret in detail.content.decode()
    # Shown once: opening the page again (or in another session) does not give it away.
    assert subscription.secret not in client.get(response["Location"]).content.decode()
    assert (
        subscription.secret
        not in signed_in(Client(), administrator).get(response["Location"]).content.decode()
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("ftp://cc.example.kz/hooks", "starts with http:// or https://"),
        ("javascript:alert(1)", "starts with http:// or https://"),
        ("", "Enter the address the events are sent to."),
    ],
)
def test_an_address_that_is_not_http_is_refused_on_its_field(
    administrator: User, recipient: Organisation, url: str, expected: str, settings: Any
) -> None:
    response = signed_in(Client(), administrator).post(
        "/en" + _url("subscription_create")[3:],
        {"organisation": recipient.pk, "name": "System", "url": url, "event_kinds": ["test.thing"]},
    )

    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["url"])
    # What was typed is kept.
    assert response.context["form"]["name"].value() == "System"
    assert not Subscription.objects.exists()


def test_no_event_chosen_is_refused_on_its_field(
    administrator: User, recipient: Organisation
) -> None:
    response = signed_in(Client(), administrator).post(
        _url("subscription_create"),
        {"organisation": recipient.pk, "name": "System", "url": "https://x.kz/h"},
    )
    assert "event_kinds" in response.context["form"].errors


def test_editing_from_a_stale_page_is_a_conflict_and_overwrites_nothing(
    administrator: User,
) -> None:
    subscription = SubscriptionFactory.create()
    services.subscription_update(
        actor=administrator,
        subscription=subscription,
        expected_version=1,
        name="Renamed meanwhile",
        url=subscription.url,
        event_kinds=subscription.event_kinds,
    )

    response = signed_in(Client(), administrator).post(
        _url("subscription_edit", pk=subscription.pk),
        {
            "version": 1,
            "name": "Mine",
            "url": "https://mine.example.kz/",
            "event_kinds": ["test.thing"],
        },
    )

    assert response.status_code == 409
    subscription.refresh_from_db()
    assert subscription.name == "Renamed meanwhile"


def test_rotating_the_secret_needs_the_box_ticked(administrator: User) -> None:
    subscription = SubscriptionFactory.create()
    old = subscription.secret
    client = signed_in(Client(), administrator)
    url = _url("subscription_rotate", pk=subscription.pk)

    assert client.get(url).status_code == 200
    unticked = client.post(url, {"version": 1})
    subscription.refresh_from_db()
    assert unticked.status_code == 200
    assert "confirm" in unticked.context["form"].errors
    assert subscription.secret == old

    rotated = client.post(url, {"version": 1, "confirm": "on"})
    subscription.refresh_from_db()
    assert subscription.secret != old
    assert subscription.previous_secret == old
    assert subscription.rotated_at is not None
    # The new secret is shown once, on the page that follows the rotation.
    assert subscription.secret in client.get(rotated["Location"]).content.decode()
    assert subscription.secret not in client.get(rotated["Location"]).content.decode()


def test_disabling_and_enabling_again(administrator: User) -> None:
    subscription = SubscriptionFactory.create()
    client = signed_in(Client(), administrator)

    client.post(_url("subscription_disable", pk=subscription.pk), {"version": 1, "confirm": "on"})
    subscription.refresh_from_db()
    assert not subscription.active
    # Disabling twice: the service says why, nothing changes.
    again = client.post(
        _url("subscription_disable", pk=subscription.pk), {"version": 2, "confirm": "on"}
    )
    assert again.status_code == 200
    client.post(_url("subscription_enable", pk=subscription.pk), {"version": 2, "confirm": "on"})
    subscription.refresh_from_db()
    assert subscription.active
    assert subscription.version == 3


def test_a_dead_letter_is_listed_and_replayed_after_confirming(administrator: User) -> None:
    subscription = SubscriptionFactory.create(event_kinds=["test.thing"])
    (delivery,) = _dead(subscription)
    client = signed_in(Client(), administrator)

    listing = client.get(_url("dead_letters"))
    assert delivery.event.webhook_id in listing.content.decode()

    client.post(_url("delivery_replay", pk=delivery.pk), {})
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DEAD

    client.post(_url("delivery_replay", pk=delivery.pk), {"confirm": "on"})
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert AuditEvent.objects.filter(actor=administrator, detail="replay:dead").count() == 1


def test_with_no_deliveries_the_pages_say_so_and_show_no_table(administrator: User) -> None:
    subscription = SubscriptionFactory.create(event_kinds=["test.thing"])
    client = signed_in(Client(), administrator)

    with translation.override("en"):
        dead = client.get(_url("dead_letters")).content.decode()
        detail = client.get(_url("subscription_detail", pk=subscription.pk)).content.decode()

    assert "No dead letters." in dead
    assert "Nothing was sent to this subscription yet." in detail
    assert "<table" not in dead
    assert "<table" not in detail


def test_only_administrators_reach_the_subscription_pages(
    recipient_staff: User, administrator: User
) -> None:
    subscription = SubscriptionFactory.create(organisation=recipient_staff.organisation)
    (delivery,) = _dead(subscription)
    for url in (
        _url("subscription_list"),
        _url("subscription_detail", pk=subscription.pk),
        _url("dead_letters"),
        _url("delivery_replay", pk=delivery.pk),
    ):
        assert signed_in(Client(), recipient_staff).get(url).status_code == 403
        assert Client().get(url).status_code == 302
        assert signed_in(Client(), administrator).get(url).status_code == 200
    assert (
        signed_in(Client(), administrator).get(_url("subscription_detail", pk=999999)).status_code
        == 404
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_administrators_lists_keep_their_query_budget(administrator: User) -> None:
    client = signed_in(Client(), administrator)
    subscription = SubscriptionFactory.create(event_kinds=["test.thing"])
    _dead(subscription, 2)
    urls = [
        _url("subscription_list"),
        _url("dead_letters"),
        _url("subscription_detail", pk=subscription.pk),
    ]
    few = [_queries(client, url) for url in urls]
    for _extra in range(5):
        _dead(SubscriptionFactory.create(event_kinds=["test.thing"]), 1)
    _dead(subscription, 8)
    many = [_queries(client, url) for url in urls]
    assert many == few
    assert max(many) <= 12


def test_staff_work_their_messages_from_the_pages(
    sender: Organisation,
    recipient: Organisation,
    sender_staff: User,
    recipient_staff: User,
    stranger: User,
) -> None:
    message = sent_message(
        sender,
        recipient,
        sender_staff,
        subject="MSE-2026-000123: sign-language hours",
        summary="Please arrange 60 hours a year.",
    )
    inbox = signed_in(Client(), recipient_staff)
    outbox = signed_in(Client(), sender_staff)

    assert message.subject in inbox.get(_url("message_list")).content.decode()
    assert message.subject not in outbox.get(_url("message_list")).content.decode()
    assert message.subject in outbox.get(_url("message_list") + "?box=sent").content.decode()
    assert (
        message.subject
        not in signed_in(Client(), stranger).get(_url("message_list")).content.decode()
    )
    assert (
        signed_in(Client(), stranger).get(_url("message_detail", pk=message.pk)).status_code == 404
    )

    # The sender opening it changes nothing; the recipient opening it is its delivery.
    outbox.get(_url("message_detail", pk=message.pk))
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
    inbox.get(_url("message_detail", pk=message.pk))
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED

    assert (
        outbox.post(_url("message_acknowledge", pk=message.pk), {"version": 2}).status_code == 403
    )
    inbox.post(_url("message_acknowledge", pk=message.pk), {"version": 2})
    assert Message.objects.get(pk=message.pk).status == MessageStatus.ACKNOWLEDGED

    empty = inbox.post(_url("message_answer", pk=message.pk), {"version": 3, "answer": ""})
    assert "answer" in empty.context["form"].errors
    stale = inbox.post(
        _url("message_answer", pk=message.pk), {"version": 2, "answer": "Done.", "confirm": "on"}
    )
    assert stale.status_code == 409
    assert stale.context["form"]["answer"].value() == "Done."
    unconfirmed = inbox.post(
        _url("message_answer", pk=message.pk), {"version": 3, "answer": "Arranged."}
    )
    # Final, so asked once more: without the box ticked nothing is sent and the text is kept.
    assert "confirm" in unconfirmed.context["form"].errors
    assert unconfirmed.context["form"]["answer"].value() == "Arranged."
    assert Message.objects.get(pk=message.pk).status == MessageStatus.ACKNOWLEDGED
    inbox.post(
        _url("message_answer", pk=message.pk),
        {"version": 3, "answer": "Arranged.", "confirm": "on"},
    )
    stored = Message.objects.get(pk=message.pk)
    assert (stored.status, stored.answer) == (MessageStatus.ANSWERED, "Arranged.")
    # The sender's systems hear of the answer.
    assert OutboxEvent.objects.filter(kind="message.answered").count() == 1


def test_the_message_list_keeps_its_query_budget(
    sender: Organisation, recipient: Organisation, recipient_staff: User
) -> None:
    client = signed_in(Client(), recipient_staff)
    MessageFactory.create_batch(2, sender=sender, recipient=recipient)
    few = _queries(client, _url("message_list"))
    MessageFactory.create_batch(20, recipient=recipient)
    assert _queries(client, _url("message_list")) == few
    assert few <= 10


def test_a_council_member_has_no_messages_page(council_member: User) -> None:
    assert signed_in(Client(), council_member).get(_url("message_list")).status_code == 403


def test_an_unknown_box_is_not_found(recipient_staff: User) -> None:
    response = signed_in(Client(), recipient_staff).get(_url("message_list") + "?box=drafts")
    assert response.status_code == 404


def test_the_lists_name_their_columns_in_the_words_of_their_context(administrator: User) -> None:
    client = signed_in(Client(), administrator)
    SubscriptionFactory.create(event_kinds=["test.thing"])
    page = client.get(_url("subscription_list")).content.decode()
    assert '<th scope="col">Атауы</th>' in page  # "Name", of a subscription, in Kazakh
    assert "exchange/subscriptions/" in page


def test_the_organisations_to_subscribe_are_listed_alphabetically_in_the_pages_language(
    administrator: User,
) -> None:
    """Not by the Kazakh name's code points: "Ә" and "Қ" come where the alphabet has them, a
    Russian page orders the Russian names, and the list starts by asking for a choice."""
    names = [
        ("Теректі ауруханасы", "Больница Теректы"),
        ("Қала әкімдігі", "Акимат города"),
        ("Әлеуметтік бөлім", "Социальный отдел"),
    ]
    created = {OrganisationFactory.create(name_kk=kk, name_ru=ru).pk for kk, ru in names}
    client = signed_in(Client(), administrator)
    for language, expected in (
        ("kk", ["Әлеуметтік бөлім", "Қала әкімдігі", "Теректі ауруханасы"]),
        ("ru", ["Акимат города", "Больница Теректы", "Социальный отдел"]),
    ):
        with translation.override(language):
            response = client.get(_url("subscription_create"))
            choose = str(_("Choose an organisation"))
            choices = list(response.context["form"].fields["organisation"].choices)
            offered = [str(label) for value, label in choices if value and value.value in created]
            asked = str(choices[0][1])
        assert offered == expected
        assert asked == choose
