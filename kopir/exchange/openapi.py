"""The event catalogue as the OpenAPI 3.1 document's `webhooks` section: one entry per event
kind, with the Standard Webhooks headers and the payload's schema, so a receiving system's
developers read what Kopir sends where they read the rest of the API."""

from __future__ import annotations

from typing import Any

from kopir.exchange.catalogue import event_kinds

HEADERS = (
    (
        "webhook-id",
        "The event's id: the same on every retry and replay. Process an id once; answer 2xx to "
        "one you already have.",
    ),
    ("webhook-timestamp", "When this attempt was signed, in seconds since 1970 (UTC)."),
    (
        "webhook-signature",
        "Space-separated `v1,<base64 HMAC-SHA256>` signatures of `id.timestamp.body` with the "
        "subscription's secret; two during a secret rotation's grace period.",
    ),
)


def webhooks_section() -> tuple[dict[str, Any], dict[str, Any]]:
    """The `webhooks` object and the component schemas it refers to."""
    webhooks: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for kind in event_kinds():
        name = f"Webhook{kind.payload.__name__}"
        payload = kind.payload.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(payload.pop("$defs", {}))
        schemas[name] = payload
        body = {
            "type": "object",
            "required": ["type", "timestamp", "data"],
            "properties": {
                "type": {"type": "string", "const": kind.name},
                "timestamp": {"type": "string", "format": "date-time"},
                "data": {
                    "allOf": [
                        {"$ref": f"#/components/schemas/{name}"},
                        {
                            "type": "object",
                            "required": ["subject"],
                            "properties": {
                                "subject": {
                                    "type": "string",
                                    "description": "A stable reference to what changed.",
                                }
                            },
                        },
                    ]
                },
            },
        }
        webhooks[kind.name] = {
            "post": {
                "summary": str(kind.description),
                "operationId": "webhook_" + kind.name.replace(".", "_"),
                "parameters": [
                    {
                        "name": header,
                        "in": "header",
                        "required": True,
                        "description": text,
                        "schema": {"type": "string"},
                    }
                    for header, text in HEADERS
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": body}},
                },
                "responses": {
                    "2XX": {
                        "description": "Received. Any other answer, or none within the "
                        "timeout, is retried with the same webhook-id."
                    }
                },
            }
        }
    return webhooks, schemas
