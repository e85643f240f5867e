"""Durable, hash-chained event store: the bottom layer of tabletop. A session file (SQLite, sqlite.py) or a
session in PostgreSQL (postgres.py), both behind one interface, opened from a DB argument by opening.py.

It stores opaque JSON events and imports nothing else from `exercise`, so the engine, the UI and the
reports can all depend on it without cycles.
"""

from exercise.store.base import Clock, LogFacts, SideEntry, StoredEvent, StoreError, VerifyResult
from exercise.store.chain import GENESIS_HASH, canonical_json, chain_hash
from exercise.store.locator import Location, PgLocation, locate, redact, shown
from exercise.store.opening import Store, create_store, holds_events, open_store, session_exists
from exercise.store.sqlite import APPLICATION_ID, SCHEMA_VERSION, EventStore, WriteTx

__all__ = [
    "APPLICATION_ID",
    "GENESIS_HASH",
    "SCHEMA_VERSION",
    "Clock",
    "EventStore",
    "Location",
    "LogFacts",
    "PgLocation",
    "SideEntry",
    "Store",
    "StoreError",
    "StoredEvent",
    "VerifyResult",
    "WriteTx",
    "canonical_json",
    "chain_hash",
    "create_store",
    "holds_events",
    "locate",
    "open_store",
    "redact",
    "session_exists",
    "shown",
]
