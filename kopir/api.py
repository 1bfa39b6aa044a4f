"""Kopir's REST API (OpenAPI via django-ninja), mounted at /api/ without a language prefix.

Each app adds its router here. The interactive docs are served from Kopir's own static files
(ninja is in INSTALLED_APPS), so they work on a closed network.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern
from ninja import NinjaAPI

from kopir.assessment.api_common import SystemRateThrottle


class KopirAPI(NinjaAPI):
    """The API authenticates every call itself (bearer tokens per system), so the site's
    LoginRequiredMiddleware must not send API clients to the sign-in page; the schema and the docs
    hold no personal data and are public."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        # The events Kopir sends to subscribed systems (kopir.exchange), as OpenAPI 3.1 webhooks.
        from kopir.exchange.openapi import webhooks_section

        schema = super().get_openapi_schema(**kwargs)
        webhooks, schemas = webhooks_section()
        schema["webhooks"] = webhooks
        schema.setdefault("components", {}).setdefault("schemas", {}).update(schemas)
        return schema

    @property
    def urls(self) -> Any:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                login_not_required(pattern.callback)
        return patterns, app_name, namespace


api = KopirAPI(
    title="Kopir API",
    version="1",
    description="Referrals for medical-social expertise and their status, for medical "
    "information systems and agency systems. Authenticate with a bearer token issued to your "
    "system; send an Idempotency-Key header with every write. Requests are limited per system "
    f"({settings.KOPIR_API_RATE} here) and, without a valid token, per client address "
    f"({settings.KOPIR_API_ANON_RATE}), and the referrals a system sends, whichever endpoint "
    f"carries them ({settings.KOPIR_API_REFERRAL_RATE} here; a batch counts its referrals): "
    "past a limit the answer is 429 with a Retry-After "
    "header in seconds. A retried write counts as a request too. The events Kopir sends to "
    "subscribed systems are described under `webhooks` (Standard Webhooks, signed).",
    urls_namespace="api",
    # Every request of a system counts against its rate (SystemToken limits those without one).
    throttle=SystemRateThrottle(),
)

# Routers. Imported here, after `api` exists, so that an app's API module may import this one.
from kopir.assessment.api import install as install_assessment_errors  # noqa: E402
from kopir.assessment.api import router as assessment_router  # noqa: E402

api.add_router("/", assessment_router)
install_assessment_errors(api)

# Rehabilitation: the measure API for agency systems.
from kopir.rehabilitation.api_agency import router as rehabilitation_agency_router  # noqa: E402

api.add_router("/", rehabilitation_agency_router)

# Rehabilitation: the same measures as FHIR R4 Task resources, beside the referral intake.
from kopir.rehabilitation.api_fhir import fhir_task_router  # noqa: E402

api.add_router("/fhir", fhir_task_router)
