"""The event catalogue: what the apps register is what the OpenAPI document's webhooks show."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from ninja import Schema

from kopir.exchange.catalogue import EventKind, event_kinds, register_event_kind


def test_the_publishing_apps_registered_their_kinds() -> None:
    names = {kind.name for kind in event_kinds()}
    assert {
        "referral.sent",
        "referral.returned",
        "referral.decided",
        "recommendation.sent",
        "recommendation.answered",
        "message.sent",
        "message.answered",
    } <= names


def test_a_kind_registered_twice_differently_is_refused() -> None:
    class Other(Schema):
        x: int

    with pytest.raises(ImproperlyConfigured):
        register_event_kind(EventKind("message.sent", "Something else.", Other))


@pytest.mark.django_db
def test_the_openapi_document_describes_every_kind_as_a_signed_webhook() -> None:
    document = Client().get("/api/openapi.json").json()

    assert document["openapi"].startswith("3.1")
    webhooks = document["webhooks"]
    assert set(webhooks) == {kind.name for kind in event_kinds()}
    schemas = document["components"]["schemas"]
    for name, webhook in webhooks.items():
        post = webhook["post"]
        assert {p["name"] for p in post["parameters"]} == {
            "webhook-id",
            "webhook-timestamp",
            "webhook-signature",
        }
        body = post["requestBody"]["content"]["application/json"]["schema"]
        assert body["properties"]["type"]["const"] == name
        reference = body["properties"]["data"]["allOf"][0]["$ref"]
        assert reference.rsplit("/", 1)[1] in schemas
    decided = schemas["WebhookReferralDecidedPayload"]["properties"]
    assert "outcome" in decided
    assert not {"diagnosis", "iin", "person"} & set(decided)
