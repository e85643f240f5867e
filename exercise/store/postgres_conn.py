"""Connecting to PostgreSQL for the store: psycopg found (or the extra named), the settings every write relies on, and
a failure said in one line without a password."""

from __future__ import annotations

from typing import Any

from exercise.store import postgres_schema as sql
from exercise.store.base import StoreError
from exercise.store.locator import redact

CONNECT_TIMEOUT_S = 5


def psycopg_module() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError("PostgreSQL sessions need the extra 'postgres': pip install 'tabletop-exercise[postgres]'"
                         ) from None
    return psycopg


def connect(conninfo: str) -> Any:
    """A connection in autocommit (transactions are explicit), with the settings every write relies on."""
    psycopg = psycopg_module()
    conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name="tabletop")
    conn.execute("SET synchronous_commit = on")
    conn.execute("SET default_transaction_isolation = 'read committed'")
    return conn


def failure_words(psycopg: Any, exc: BaseException) -> str:
    if getattr(exc, "sqlstate", None) in (sql.DAMAGED, sql.NO_SESSION, sql.NOT_CHAINED):
        return one_line(exc)  # the append function's own words
    if isinstance(exc, psycopg.errors.UniqueViolation):
        return ("another writer stored the same sequence number (it wrote without the session's lock); nothing "
                "was stored")
    if isinstance(exc, psycopg.OperationalError):  # libpq's first line says it; the rest guesses why
        return f"the database server cannot be reached ({one_line(exc, first=True)})"
    return one_line(exc)


def one_line(exc: BaseException, *, first: bool = False) -> str:
    text = str(exc).strip()
    if first:
        text = text.splitlines()[0] if text else ""
    text = redact(text).encode("ascii", "backslashreplace").decode("ascii")
    return " ".join(text.split()) or type(exc).__name__
