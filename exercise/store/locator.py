"""Where a session lives, from the DB argument every command takes: a session file, or a PostgreSQL URL whose
fragment names the session (`postgresql://[user[:password]@]host[:port]/dbname#SESSION`).

Parsed from the text as typed, never through `pathlib.Path`, which would fold the URL's `//` into one slash.
A password in the URL is needed to connect and never shown: `redact` is what every message, log line and
report uses to name a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from exercise.store.base import StoreError

SCHEMES = ("postgresql", "postgres")
MAX_SESSION_CHARS = 200
# userinfo's password in any URL-like text: `scheme://user:secret@` -> `scheme://user:***@`
_PASSWORD_IN_URL = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@\s]*):(?P<secret>[^@/?#\s]*)@")
# libpq's own keyword form, and a `password=` query parameter of a URL
_PASSWORD_PARAM = re.compile(r"(?i)(?P<head>\bpassword\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^\s&;#]*)")


@dataclass(frozen=True)
class PgLocation:
    """A session in a PostgreSQL database: `conninfo` is what libpq is given (the URL without its fragment,
    password included), `session` the fragment, unquoted."""

    conninfo: str = field(repr=False)
    session: str

    @property
    def shown(self) -> str:
        """The URL with the session, as a person may be shown it: any password replaced by ***."""
        return f"{redact(self.conninfo)}#{self.session}"

    @property
    def url(self) -> str:
        """The whole URL, password included: only for handing to a process of our own (a served console)."""
        return f"{self.conninfo}#{quote(self.session, safe='')}"

    @property
    def name(self) -> str:
        """The session's name: what a report calls its "file"."""
        return self.session

    @property
    def stem(self) -> str:
        """The session's name as part of a file name (a report's): no folder separators."""
        return self.session.replace("/", "-").replace("\\", "-")

    def __str__(self) -> str:
        return self.shown


Location = Path | PgLocation


def is_url(text: str | Path) -> bool:
    return isinstance(text, str) and text.split(":", 1)[0].lower() in SCHEMES and "://" in text


def locate(db: str | Path | PgLocation) -> Location:
    """The session a DB argument names: a PgLocation for a postgresql:// URL, else the path of a session file.
    A URL without a session, or one that is not a URL libpq reads, is refused in one line (password hidden)."""
    if isinstance(db, PgLocation | Path):
        return db
    if not isinstance(db, str) or not db:
        raise StoreError("no session given: a session file, or postgresql://host/dbname#SESSION")
    if db.split(":", 1)[0].lower() not in SCHEMES:
        return Path(db)
    if not db.split(":", 1)[1].startswith("//"):
        raise StoreError(f"{redact(db)}: not a PostgreSQL URL (postgresql://[user@]host[:port]/dbname#SESSION)")
    try:
        parts = urlsplit(db)
        parts.port  # noqa: B018 (a port that is not a number raises here, before libpq sees it)
    except ValueError as exc:
        raise StoreError(f"{redact(db)}: not a PostgreSQL URL ({redact(str(exc))})") from None
    session = unquote(parts.fragment)
    if not session:
        raise StoreError(f"{redact(db)}: the URL names no session: add it as the fragment, "
                         f"e.g. {redact(db.split('#', 1)[0])}#workshop-1")
    if len(session) > MAX_SESSION_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in session):
        raise StoreError(f"{redact(db.split('#', 1)[0])}: a session name is at most {MAX_SESSION_CHARS} "
                         "characters, without control characters")
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    return PgLocation(conninfo, session)


def redact(text: str) -> str:
    """`text` with every password in it (a URL's `user:secret@`, a `password=` parameter) shown as ***."""
    text = _PASSWORD_IN_URL.sub(lambda m: f"{m['head']}:***@" if m["secret"] else m[0], text)
    return _PASSWORD_PARAM.sub(lambda m: f"{m['head']}***", text)


def shown(db: str | Path | PgLocation) -> str:
    """A DB argument as it may be printed: a path as given, a URL with its password hidden."""
    if isinstance(db, PgLocation):
        return db.shown
    return redact(str(db)) if is_url(str(db)) else str(db)
