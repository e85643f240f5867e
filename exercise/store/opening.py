"""The one place a DB argument becomes a store: a session file (SQLite) or a session in PostgreSQL.

Every command, the terminal UI and `serve` open sessions through `open_store`/`create_store`, so a
`postgresql://host/db#SESSION` works wherever a file does, and a bad one is refused the same way everywhere:
one line naming the database (its password hidden), never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from exercise.store.base import Clock, StoreError
from exercise.store.locator import Location, PgLocation, locate
from exercise.store.postgres import PostgresStore
from exercise.store.sqlite import EventStore

Store = EventStore | PostgresStore


def open_store(db: str | Path | PgLocation, *, clock: Clock | None = None, write: bool | None = None) -> Store:
    """An existing session (see `EventStore.open` for `write`)."""
    where = locate(db)
    if isinstance(where, PgLocation):
        return PostgresStore.open(where, clock=clock, write=write)
    return EventStore.open(where, clock=clock, write=write)


def create_store(db: str | Path | PgLocation, *, meta: dict[str, str], sources: dict[str, str],
                 clock: Clock | None = None) -> Store:
    """A new session; one that holds events is never overwritten."""
    where = locate(db)
    if isinstance(where, PgLocation):
        return PostgresStore.create(where, meta=meta, sources=sources, clock=clock)
    return EventStore.create(where, meta=meta, sources=sources, clock=clock)


def session_exists(db: str | Path | PgLocation) -> bool:
    """Whether there is something at `db` to open: a file (of any kind: opening it says what it is), or a session
    of that name in the database (which must be reachable to say)."""
    where = locate(db)
    if isinstance(where, PgLocation):
        return PostgresStore.exists(where)
    return where.exists() or where.is_symlink()


def holds_events(db: str | Path | PgLocation) -> bool:
    """Whether `db` is a session with at least one event (False for nothing there, or an unfinished start)."""
    where = locate(db)
    if isinstance(where, PgLocation):  # a database that cannot be reached is not an empty session: that raises
        if not PostgresStore.exists(where):
            return False
        with PostgresStore.open(where) as store:
            return store.last_seq() > 0
    if not (where.is_file() and where.stat().st_size > 0):
        return False
    try:
        with EventStore.open(where) as found:
            return found.last_seq() > 0
    except StoreError:
        return False


__all__ = ["Location", "Store", "create_store", "holds_events", "locate", "open_store", "session_exists"]
