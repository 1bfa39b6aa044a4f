"""The mechanics of the second factor: secret keys, QR codes, backup codes. No database writes.

Kopir's second factor is a TOTP authenticator app (RFC 6238, 6 digits, 30-second steps) through
django-otp's TOTPDevice, with ten single-use backup codes (django-otp's StaticDevice) for the day
the phone is lost. Backup codes are digits only, so one numeric field takes either kind of code.
"""

from __future__ import annotations

import base64
import re
import secrets
import time
from binascii import unhexlify
from dataclasses import dataclass
from io import BytesIO
from typing import Any

import qrcode
import qrcode.image.svg
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

BACKUP_CODE_COUNT = 10
BACKUP_CODE_DIGITS = 10
# Authenticator apps show 6 digits (8 on some devices); a backup code is longer.
TOTP_CODE_LENGTHS = (6, 8)
AUTHENTICATOR_NAME = "Authenticator app"
BACKUP_CODES_NAME = "Backup codes"

_SEPARATORS = re.compile(r"[\s\-]+")


def new_secret_key() -> str:
    """A fresh 160-bit TOTP secret, hex-encoded as TOTPDevice stores it."""
    return str(random_hex(20))


def secret_key_for_display(key_hex: str) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    encoded = base64.b32encode(unhexlify(key_hex)).decode("ascii").rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def provisioning_uri(user: Any, key_hex: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    # An unsaved device builds the address exactly as django-otp would for a saved one.
    return str(TOTPDevice(user=user, key=key_hex).config_url)


def qr_code_data_uri(text: str) -> str:
    """A QR code as an SVG data: address for an <img>.

    Generated on the server with qrcode's path factory: no external service sees the secret, and
    the SVG carries no style attributes, so it respects the content security policy.
    """
    image = qrcode.make(
        text,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=14,
        border=4,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def normalise_code(raw: str) -> str:
    """What the user typed, without the spaces and hyphens people add when copying a code."""
    return _SEPARATORS.sub("", raw or "").lower()


def looks_like_totp(code: str) -> bool:
    return code.isdigit() and len(code) in TOTP_CODE_LENGTHS


def new_backup_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(BACKUP_CODE_DIGITS))


def backup_code_for_display(code: str) -> str:
    """Two groups of five digits read aloud and copied more reliably than ten in a row."""
    middle = len(code) // 2
    return f"{code[:middle]} {code[middle:]}"


@dataclass(frozen=True)
class TotpCheck:
    accepted: bool
    time_step: int = -1
    drift: int = 0


def check_totp(key_hex: str, code: str) -> TotpCheck:
    """Check a code against a secret that is not yet a device (during set-up).

    One step either side is accepted, as TOTPDevice does, for clocks that are a little off.
    """
    if not code.isdigit() or len(code) != 6:
        return TotpCheck(accepted=False)
    totp = TOTP(unhexlify(key_hex), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return TotpCheck(accepted=False)
    return TotpCheck(accepted=True, time_step=totp.t(), drift=totp.drift)
