"""Two-factor for test users: admins need a TOTP authenticator (users.two_factor), so the admin
personas get one with a known secret, and tests compute its codes as an authenticator app does."""

import base64
import hashlib
import hmac
import struct
import time
from typing import Any

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp(secret: str = TEST_TOTP_SECRET, at: float | None = None) -> str:
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app computes it."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def give_totp(user: Any, secret: str = TEST_TOTP_SECRET) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)


def give_totp_if_admin(user: Any) -> None:
    """What every admin persona gets: the rule stays on in tests."""
    from users.roles import Role
    from users.two_factor import has_totp

    # Asked of the database, not users.roles (which caches the roles on the user object).
    admin = user.is_staff or user.is_superuser or user.groups.filter(name=Role.ADMIN).exists()
    if admin and not has_totp(user):
        give_totp(user)
