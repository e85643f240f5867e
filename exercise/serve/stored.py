"""What `serve` keeps beside the session's log (side data, never in the hash chain): the hash of each role's
join code, and the key that signs the cookies those codes are exchanged for.

The cookie key lives here rather than only in the server's memory so that a server killed and started again
on the same file still knows the browsers that joined; `--new-codes` replaces it with the codes, so a
cookie from before no longer opens anything.
"""

from __future__ import annotations

import base64
import secrets

from exercise.live import LiveSession

from .codes import JoinCodes, code_matches, normalise

CODES = "join-code"  # side data: role -> hash_code(...) of its code
SERVE = "serve"  # side data: the cookie key
COOKIE_KEY = "cookie-key"


def stored_hashes(live: LiveSession) -> dict[str, str]:
    """Role -> the stored hash of its code; empty when no serve has made codes for this session."""
    return {role: entry.value for role, entry in live.side(CODES).items()}


def replace_codes(live: LiveSession, codes: JoinCodes) -> None:
    """Store the hashes of `codes` (each with its own salt), drop any role's hash not among them, and make a
    new cookie key: whoever joined with the codes before must join again."""
    from .codes import hash_code

    wanted = codes.by_role()
    for role, code in wanted.items():
        live.set_side(CODES, role, hash_code(code))
    for role in stored_hashes(live).keys() - wanted.keys():
        live.set_side(CODES, role, None)
    live.set_side(SERVE, COOKIE_KEY, base64.b64encode(secrets.token_bytes(32)).decode("ascii"))


def cookie_key(live: LiveSession) -> bytes:
    """The key cookies are signed with: the stored one, or a new one stored now."""
    entry = live.side(SERVE).get(COOKIE_KEY)
    if entry is not None:
        try:
            key = base64.b64decode(entry.value, validate=True)
        except ValueError:
            key = b""
        if len(key) >= 32:
            return key
    key = secrets.token_bytes(32)
    live.set_side(SERVE, COOKIE_KEY, base64.b64encode(key).decode("ascii"))
    return key


def role_for_code(hashes: dict[str, str], typed: str) -> str | None:
    """The role whose code was typed, or None. Tries every role's hash (a few scrypt runs: the server calls this
    in a worker thread, after its rate limit)."""
    code = normalise(typed)
    if code is None:
        return None
    found = None
    for role, stored in hashes.items():
        # No early return: each wrong code costs the same, whichever role's hash would have matched.
        if code_matches(code, stored) and found is None:
            found = role
    return found
