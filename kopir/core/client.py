"""The address of the client behind a request, for rate limits, lockouts and the audit log.

Behind reverse proxies REMOTE_ADDR is the nearest proxy's address, the same for everyone. Each
proxy appends the address it received the request from to X-Forwarded-For, so with
KOPIR_TRUSTED_PROXIES = N the client is the N-th entry from the right. Entries further left were
written by the client itself and prove nothing: they are never read.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address: REMOTE_ADDR without trusted proxies, else the address the
    outermost trusted proxy saw (from X-Forwarded-For), or REMOTE_ADDR when the proxies' part of
    that header is short or malformed (a request that did not pass every proxy, say)."""
    remote_address = str(request.META.get("REMOTE_ADDR", ""))
    proxies: int = settings.KOPIR_TRUSTED_PROXIES
    if proxies <= 0:
        return remote_address
    forwarded = [
        entry.strip() for entry in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    if len(forwarded) < proxies:
        return remote_address
    try:
        # Every entry the trusted proxies wrote must be an address, or the chain is not theirs.
        trusted = [ipaddress.ip_address(entry) for entry in forwarded[-proxies:]]
    except ValueError:
        return remote_address
    # Normalised, so that one client has one spelling (IPv6 has many).
    return str(trusted[0])
