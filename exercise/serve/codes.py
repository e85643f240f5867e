"""Join codes: one per role, made here, shown once, kept in the session file only as salted scrypt hashes.

A code is 20 symbols of Crockford's base-32 alphabet (no I, L, O or U: nothing to mishear or misread), said in
five groups of four: `K3M9-T2QX-7HDR-W4ZB-N8CE`. Each symbol carries 5 bits, so a code carries 100 bits from
`secrets`: far beyond guessing, even before the server answers repeated wrong codes with 429.

Reading a code back forgives what people do when they copy one by hand: lower case, spaces or no dashes, and
O for 0, I or L for 1.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32
SYMBOLS = 20  # 20 x 5 bits = 100 bits per code
GROUP = 4
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})

# scrypt's cost: about 50 ms and 16 MiB a try on this class of machine, so a stolen session file does not give
# the codes back cheaply. n=2**14, r=8 is the interactive-login setting of the scrypt paper.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
HASH_BYTES = 32

CONTROL = "control"
OBSERVER = "observer"
TEAM_PREFIX = "team:"


def team_role(nation: str) -> str:
    return TEAM_PREFIX + nation


def role_nation(role: str) -> str | None:
    """The nation a team's role plays; None for control and the observer."""
    return role[len(TEAM_PREFIX):] if role.startswith(TEAM_PREFIX) else None


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(SYMBOLS))
    return "-".join(raw[i:i + GROUP] for i in range(0, SYMBOLS, GROUP))


def normalise(typed: str) -> str | None:
    """A typed code in its canonical form, or None when it cannot be one (wrong length or symbols)."""
    if len(typed) > 200:  # a form field is bounded before anything else is done with it
        return None
    raw = "".join(ch for ch in typed.upper() if ch not in " -\t\r\n").translate(_CONFUSED)
    if len(raw) != SYMBOLS or any(ch not in ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + GROUP] for i in range(0, SYMBOLS, GROUP))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _kdf(code: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, n=n, r=r, p=p, dklen=HASH_BYTES, maxmem=64 * 1024 * 1024)


def hash_code(code: str) -> str:
    """The stored form of a code: JSON with the scrypt parameters, a fresh 16-byte salt and the hash."""
    salt = secrets.token_bytes(16)
    digest = _kdf(code, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return json.dumps({"kdf": "scrypt", "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt),
                       "hash": _b64(digest)})


def code_matches(code: str, stored: str) -> bool:
    """Whether a canonical code is the one `stored` (from `hash_code`) was made from. A stored entry that does
    not parse, or asks for a cost far beyond ours (a crafted file), matches nothing."""
    try:
        record = json.loads(stored)
        n, r, p = int(record["n"]), int(record["r"]), int(record["p"])
        salt, digest = base64.b64decode(record["salt"]), base64.b64decode(record["hash"])
    except (ValueError, KeyError, TypeError):
        return False
    if record.get("kdf") != "scrypt" or not (2 <= n <= 2**16 and 1 <= r <= 16 and 1 <= p <= 4):
        return False
    try:
        return hmac.compare_digest(_kdf(code, salt, n, r, p), digest)
    except (ValueError, MemoryError):
        return False


@dataclass(frozen=True)
class JoinCodes:
    """The codes of one session in clear: only ever in the serving process's memory, printed once, and written
    to the --codes file."""

    facilitator: str
    observer: str
    teams: dict[str, str]

    @classmethod
    def new(cls, nations: list[str]) -> JoinCodes:
        return cls(new_code(), new_code(), {nation: new_code() for nation in nations})

    def by_role(self) -> dict[str, str]:
        return {CONTROL: self.facilitator, OBSERVER: self.observer,
                **{team_role(n): code for n, code in self.teams.items()}}

    def as_json(self, url: str) -> dict[str, object]:
        return {"url": url, "facilitator": self.facilitator, "observer": self.observer, "teams": dict(self.teams)}
