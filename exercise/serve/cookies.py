"""The cookie a join code is exchanged for: the role and when it was issued, signed with HMAC-SHA256 under
the session's cookie key (stored.py). Nothing secret is in it; a changed byte, another session's key or an
age past MAX_AGE_SECONDS makes it open nothing."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

NAME = "tabletop_role"
MAX_AGE_SECONDS = 24 * 3600  # a workshop day; a browser back the next day joins again with its code
_MAX_LENGTH = 1024


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def sign(role: str, key: bytes, now: float) -> str:
    body = _b64(json.dumps({"role": role, "iat": int(now)}, separators=(",", ":")).encode("utf-8"))
    return f"{body}.{_mac(key, body)}"


def verify(value: str | None, key: bytes, now: float) -> str | None:
    """The role a cookie value was signed for, or None when it is missing, altered, foreign or too old."""
    if not value or len(value) > _MAX_LENGTH or value.count(".") != 1:
        return None
    body, mac = value.split(".")
    try:
        if not hmac.compare_digest(_mac(key, body), mac):
            return None
        claims = json.loads(_unb64(body))
    except (ValueError, UnicodeError, binascii.Error):
        return None
    if not isinstance(claims, dict):
        return None
    role, issued = claims.get("role"), claims.get("iat")
    if not isinstance(role, str) or not isinstance(issued, int) or not (0 <= now - issued <= MAX_AGE_SECONDS):
        return None
    return role
