"""System checks that refuse to run production with a configuration that is only for a laptop."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.checks import Warning as CheckWarning


@register(Tags.security, deploy=False)
def production_configuration_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if not settings.PRODUCTION:
        return []
    errors: list[Error] = []
    if settings.KOPIR_DEMO:
        errors.append(
            Error(
                "KOPIR_DEMO is on in production.",
                hint="The demo turns off two-factor login and loads synthetic data. "
                "Unset KOPIR_DEMO.",
                id="kopir.E001",
            )
        )
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY or len(settings.SECRET_KEY) < 50:
        errors.append(
            Error(
                "SECRET_KEY is the development default or shorter than 50 characters.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="kopir.E002",
            )
        )
    if settings.DEBUG:
        errors.append(Error("KOPIR_DEBUG is on in production.", id="kopir.E003"))
    if not settings.KOPIR_REQUIRE_2FA:
        errors.append(
            Error(
                "Two-factor login is switched off in production.",
                hint="Unset KOPIR_REQUIRE_2FA.",
                id="kopir.E004",
            )
        )
    if not settings.ALLOWED_HOSTS:
        errors.append(
            Error(
                "ALLOWED_HOSTS is empty in production.", hint="Set ALLOWED_HOSTS.", id="kopir.E005"
            )
        )
    return errors


@register(Tags.security, deploy=False)
def client_address_check(app_configs: Any = None, **kwargs: Any) -> list[CheckWarning]:
    # Behind a proxy REMOTE_ADDR is the proxy's: lockouts and rate limits would then hold back
    # every client at once, and the audit log would record the proxy for everyone.
    if settings.SECURE_PROXY_SSL_HEADER and settings.KOPIR_TRUSTED_PROXIES == 0:
        return [
            CheckWarning(
                "Kopir runs behind a TLS proxy (KOPIR_BEHIND_TLS_PROXY) but trusts no proxy's "
                "X-Forwarded-For (KOPIR_TRUSTED_PROXIES is 0).",
                hint="Set KOPIR_TRUSTED_PROXIES to the number of reverse proxies in front of "
                "Kopir, or lockouts and rate limits see one client: the proxy.",
                id="kopir.W001",
            )
        ]
    return []
