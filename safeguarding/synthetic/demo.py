"""Demo sign-ins: fixed usernames, one password, and second-factor keys derived from the
username, so that `make demo` always works and the guide can print them.

These accounts exist only in synthetic data: `seed_demo` refuses a database that already
holds children, so they cannot be added to a live system by running it.
"""

import base64
import hashlib

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

DEMO_PASSWORD = "demo-safeguarding-password"  # noqa: S105 (published on purpose: synthetic data only)
DEVICE_NAME = "Demo authenticator"


def demo_totp_key(username: str) -> str:
    """The TOTP key (40 hex characters, 20 bytes) of a demo user: fixed, never random."""
    return hashlib.sha1(f"demo-{username}".encode(), usedforsecurity=False).hexdigest()[:40]


def base32_secret(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{code:0{device.digits}d}"
